"""Download lines and citations: under every figure and table, and for a whole report.

Expected texts are written out by hand: the retrieval date 2024-08-31 is the ``fetched_at``
of N01986 and N01951 in ``data/kolada/provenance.json`` (read there, and checked against
the file below); the package version is read from ``pyproject.toml``. The page checks read
the session build (``built_2018``); ``KFSK_PAGES_ROOT=<output root>`` points them at an
existing build instead, as in ``test_pages.py``.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import zipfile
from pathlib import Path

import pytest

from kfsk_research import catalogue, citation

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"]
SNAPSHOT_DATE = "2024-08-31"  # data/kolada/provenance.json, "fetched_at" of every KPI
RETRIEVED = "hämtad 31\u00a0augusti 2024"  # the same date as written on the pages


def _fig4_citation(data_dir: Path) -> str:
    sources = catalogue.figure_entry("fig4_county_reception_2017").sources
    return citation.citation_sv(sources, citation.retrieval_dates(data_dir), 2018, "Skåne")


def test_provenance_date_is_the_one_read_by_hand(snapshot_dir: Path) -> None:
    entries = json.loads((snapshot_dir / "kolada" / "provenance.json").read_text())
    assert entries["N01986"]["fetched_at"] == SNAPSHOT_DATE
    assert entries["N01951"]["fetched_at"] == SNAPSHOT_DATE


def test_figure_4_cites_its_kpis_with_the_retrieval_date(snapshot_dir: Path) -> None:
    # figure 4 draws received (N01986) per population the year before (N01951)
    assert _fig4_citation(snapshot_dir) == (
        f"Källa: Kolada (RKA), N01951 och N01986, {RETRIEVED}; "
        f"bearbetning kfsk-research {VERSION} (utgåva 2018, Skåne)")


def test_figure_behind_table_and_sources_are_catalogued() -> None:
    entry = catalogue.figure_entry("map_received_per_1000_2017")
    assert entry.table == "reception_municipality"
    assert set(entry.sources) == {"N01986", "N01951"}
    assert catalogue.figure_entry("fig2_establishment_education").sources == (
        "N00960", "N00961", "N00962", "N00963")


def test_without_provenance_the_date_is_unknown(snapshot_copy: Path) -> None:
    (snapshot_copy / "kolada" / "provenance.json").unlink()

    text = _fig4_citation(snapshot_copy)

    assert text == ("Källa: Kolada (RKA), N01951 och N01986, hämtningsdatum okänt; "
                    f"bearbetning kfsk-research {VERSION} (utgåva 2018, Skåne)")
    assert "hämtad" not in text


def test_a_kpi_without_entry_and_a_live_timestamp(snapshot_copy: Path) -> None:
    path = snapshot_copy / "kolada" / "provenance.json"
    entries = json.loads(path.read_text())
    del entries["N01951"]
    entries["N01986"]["fetched_at"] = "2026-11-30T09:15:00Z"  # what a live fetch writes
    path.write_text(json.dumps(entries))

    text = _fig4_citation(snapshot_copy)

    assert text.startswith("Källa: Kolada (RKA), N01986 (hämtad 30\u00a0november 2026) och N01951 "
                           "(hämtningsdatum okänt); ")


def test_other_sources_and_the_report() -> None:
    text = citation.citation_sv(
        ["migrationsverket/anvisningar_kommuntal_2018.csv", "report"], {}, 2019, "Blekinge",
        report_locator=citation.pages_sv([14, 12]))
    assert text == ("Källa: Migrationsverket, anvisningar enligt kommuntalen 2018, "
                    "hämtningsdatum okänt; Kommunförbundet Skåne, Tillgång eller "
                    "belastning? (2018), s.\u00a012 och 14; "
                    f"bearbetning kfsk-research {VERSION} (utgåva 2019, Blekinge)")


def test_download_line_links() -> None:
    line = citation.downloads_html(csv="t", png="f", svg="f")
    assert re.findall(r'href="([^"]+)"', line) == ["../tables/t.csv", "../figures/f.png",
                                                    "../figures/f.svg"]
    assert line.startswith("Ladda ner: ") and line.count(" · ") == 2


# -- tables.zip and CITATION.txt ------------------------------------------------------------
def _staging(folder: Path) -> Path:
    tables = folder / "tables"
    tables.mkdir(parents=True)
    (tables / "reception_county.csv").write_text(
        "county_id,year,received_24m_per_1000\n12,2017,7.5\n", encoding="utf-8")
    (tables / "zz_uncatalogued.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def test_zip_has_every_csv_and_readme_with_fixed_timestamps(tmp_path: Path,
                                                            snapshot_dir: Path) -> None:
    first = _staging(tmp_path / "one")
    second = _staging(tmp_path / "two")
    os.utime(second / "tables" / "reception_county.csv", (0, 0))  # another mtime

    section = citation.write_report_downloads(first, snapshot_dir, 2018, "Skåne")
    citation.write_report_downloads(second, snapshot_dir, 2018, "Skåne")

    data = (first / "tables.zip").read_bytes()
    assert data == (second / "tables.zip").read_bytes()
    with zipfile.ZipFile(first / "tables.zip") as z:
        infos = z.infolist()
        assert [i.filename for i in infos] == ["README.txt", "reception_county.csv",
                                               "zz_uncatalogued.csv"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {(i.external_attr >> 16) & 0o777 for i in infos} == {0o644}
        assert z.read("reception_county.csv") == (
            first / "tables" / "reception_county.csv").read_bytes()
        readme = z.read("README.txt").decode("utf-8")
    # the Swedish label of the column (fields.py) and the table's catalogued title
    assert ("received_24m_per_1000: Mottagna senaste 24 mån per 1\u00a0000 invånare (per "
            "1\u00a0000 invånare)") in readme
    assert "  - a\n" in readme
    assert "reception_county.csv: Mottagna senaste 24 månaderna" in readme
    assert "zz_uncatalogued.csv" in readme
    assert 'href="tables.zip"' in section and 'href="CITATION.txt"' in section


def test_citation_txt_names_sources_dates_version_and_report(tmp_path: Path,
                                                             snapshot_dir: Path) -> None:
    staging = _staging(tmp_path / "one")
    citation.write_report_downloads(staging, snapshot_dir, 2018, "Skåne")
    text = (staging / "CITATION.txt").read_text(encoding="utf-8")
    assert "Tillgång eller belastning? – Skåne, utgåva 2018" in text
    assert f"kfsk-research {VERSION}" in text
    assert f"Kolada (RKA), N01951 och N01986, {RETRIEVED}" in text
    assert "Kommunförbundet Skåne (2018). Tillgång eller belastning?" in text


# -- built pages ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def report_root(pages_root: Path) -> Path:
    return pages_root / "2018" / "skane"


# attributes in any order (the HTML export sorts them)
_FIGURE = re.compile(r'<figure[^>]*\bclass="kfsk-figure"[^>]*>.*?</figure>', re.S)
_TABLE = re.compile(r'<div[^>]*\bclass="table-wrap"[^>]*>.*?</table>', re.S)
_FOOTER = re.compile(r'<p class="table-data">.*?</p>', re.S)
_HREF = re.compile(r'href="([^"]+)"')


def _targets_missing(page: Path, block: str) -> list[str]:
    return [h for h in _HREF.findall(block) if not h.startswith(("#", "http"))
            and not (page.parent / h).is_file()]


def test_chapter_pages_have_downloads_under_every_figure_and_table(pages_root: Path
                                                                   ) -> None:
    """Every report of the build (2018/skane at least), every chapter page."""
    problems, figures_seen, tables_seen = [], 0, 0
    pages = sorted(pages_root.glob("*/*/chapters/*.html"))
    assert pages_root / "2018" / "skane" / "chapters" / "02_etablering.html" in pages
    for page in pages:
        text = _FIGURE.sub("", raw := page.read_text(encoding="utf-8"))
        for fig in _FIGURE.findall(raw):
            figures_seen += 1
            links = _HREF.findall(fig.split('class="downloads"', 1)[-1])
            if ('class="downloads">Ladda ner:' not in fig
                    or not any(x.endswith(".png") for x in links)
                    or not any(x.endswith(".svg") for x in links)
                    or fig.count("Källa:") != 1 or "bearbetning kfsk-research" not in fig):
                problems.append(f"{page}: figure without download line/citation")
            problems += [f"{page}: missing {h}" for h in _targets_missing(page, fig)]
        for m in _TABLE.finditer(text):
            tables_seen += 1
            # the footer follows the table with nothing visible between (a table and its
            # footer may sit in two output cells of the notebook)
            after = _FOOTER.search(text, m.end())
            between = text[m.end():after.start()] if after else "x"
            footer = after.group(0) if after and not re.sub(r"<[^>]+>|\s", "",
                                                            between) else ""
            if "Ladda ner" not in footer or "Källa:" not in footer:
                problems.append(f"{page}: table without download line/citation")
            problems += [f"{page}: missing {h}" for h in _targets_missing(page, footer)]
    assert figures_seen and tables_seen
    assert not problems, problems


def test_chapter_2_lines(report_root: Path) -> None:
    page = report_root / "chapters" / "02_etablering.html"
    text = page.read_text(encoding="utf-8")
    fig4 = next(f for f in _FIGURE.findall(text) if "fig4_county_reception_2017.png" in f)
    assert "../tables/reception_county.csv" in fig4
    assert (f"Källa: Kolada (RKA), N01951 och N01986, {RETRIEVED}; bearbetning "
            f"kfsk-research {VERSION} (utgåva 2018, Skåne)") in fig4


def test_index_offers_zip_and_citation(report_root: Path) -> None:
    index = (report_root / "index.html").read_text(encoding="utf-8")
    assert 'href="tables.zip"' in index and 'href="CITATION.txt"' in index
    with zipfile.ZipFile(report_root / "tables.zip") as z:
        names = set(z.namelist())
    assert names == {p.name for p in (report_root / "tables").glob("*.csv")} | {"README.txt"}
    assert RETRIEVED in (report_root / "CITATION.txt").read_text()


def test_profile_tables_have_their_lines(report_root: Path) -> None:
    page = report_root / "municipalities" / "1280.html"
    text = page.read_text(encoding="utf-8")
    footers = re.findall(r'<p class="table-data">.*?</p>', text, re.S)
    assert len(footers) == 2
    assert "../tables/reception_municipality.csv" in footers[0]
    assert not _targets_missing(page, footers[0])


def test_svg_is_byte_identical_across_two_drawings(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kfsk_research import figures

    paths = []
    for n in range(2):  # two figures drawn alike: element ids must not be random
        fig, ax = plt.subplots()
        ax.bar([1, 2], [3, 4], hatch="//")
        ax.set_title("Figur")
        paths.append(figures.save_svg(fig, tmp_path / f"f{n}.svg"))
        plt.close(fig)
    first = paths[0].read_bytes()
    assert first == paths[1].read_bytes()
    assert b"<dc:date>" not in first and b"Matplotlib" not in first
