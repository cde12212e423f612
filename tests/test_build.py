"""The edition build: files, self-contained HTML, table values, manifest, papermill alone."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

CHAPTERS = ["01_bakgrund", "02_etablering", "03_regionalt_arbete", "04_enkat",
            "05_goda_exempel", "06_rekommendationer", "07_utfall"]
TABLES = ["reception_municipality", "reception_county", "quota_vs_received",
          "establishment_gender", "survey_respondents"]
MAPS = ["map_received_per_1000_2017", "map_quota_ratio_2018", "map_survey_respondents_2018"]

pytestmark = pytest.mark.slow


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_file_exists(report_2018: Path) -> None:
    assert (report_2018 / "index.html").is_file()
    assert (report_2018 / "manifest.json").is_file()
    for c in CHAPTERS:
        assert (report_2018 / "chapters" / f"{c}.html").is_file(), c
        assert (report_2018 / "notebooks" / f"{c}.ipynb").is_file(), c
    for t in TABLES:
        assert (report_2018 / "tables" / f"{t}.csv").is_file(), t
    for m in MAPS:
        assert (report_2018 / "figures" / f"{m}.png").is_file(), m
    assert (report_2018.parents[1] / "index.html").is_file()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_html_is_self_contained(report_2018: Path, chapter: str) -> None:
    text = (report_2018 / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    assert "<script" not in text
    assert not re.search(r'(src|href)="(https?:)?//', text), "external reference"
    assert "<link" not in text
    # input cells are hidden: none of the notebook's code appears
    assert "import kfsk_research" not in text
    assert "ch.header()" not in text
    assert 'class="input_area"' not in text


def test_chapters_embed_their_figures(report_2018: Path) -> None:
    text = (report_2018 / "chapters" / "02_etablering.html").read_text(encoding="utf-8")
    # figures 1–4 as PNG; the reception and quota maps inline (SVG)
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', text)) >= 4
    assert text.count('class="kfsk-svgmap"') == 2
    enkat = (report_2018 / "chapters" / "04_enkat.html").read_text(encoding="utf-8")
    assert 'class="kfsk-svgmap"' in enkat  # the survey map
    assert "No description" not in text


def test_reception_table_matches_snapshot(report_2018: Path) -> None:
    rows = _rows(report_2018 / "tables" / "reception_municipality.csv")
    assert len(rows) == 33 * 3
    assert all(len(r["municipality_id"]) == 4 for r in rows)
    malmo = next(r for r in rows if r["municipality_id"] == "1280" and r["year"] == "2017")
    # kolada/N01986.csv: N01986,1280,2017,T,2443.0; kolada/N01951.csv: N01951,1280,2016,T,328494.0
    assert float(malmo["received"]) == 2443
    assert float(malmo["population_prev_year"]) == 328494
    assert float(malmo["received_per_1000"]) == pytest.approx(2443 / 328494 * 1000, abs=1e-9)
    total_2017 = sum(float(r["received"]) for r in rows if r["year"] == "2017")
    assert total_2017 == 10512  # hand sum of the 33 Skåne rows of N01986 2017 T


def test_county_table_is_figure_4(report_2018: Path) -> None:
    rows = _rows(report_2018 / "tables" / "reception_county.csv")
    assert len(rows) == 21 * 3
    kalmar = next(r for r in rows if r["county_id"] == "08" and r["year"] == "2017")
    assert float(kalmar["received_24m_per_1000"]) == pytest.approx(31.08, abs=0.01)
    assert kalmar["n_municipalities"] == "12"
    skane = next(r for r in rows if r["county_id"] == "12" and r["year"] == "2017")
    assert float(skane["received_24m_per_1000"]) == pytest.approx(16.50, abs=0.01)


def test_quota_table(report_2018: Path) -> None:
    rows = _rows(report_2018 / "tables" / "quota_vs_received.csv")
    by = {(r["area_id"], r["year"]): r for r in rows}
    assert float(by[("0012", "2018")]["kommuntal"]) == 1800
    assert by[("0012", "2017")]["source"].startswith("report")
    assert float(by[("0012", "2017")]["kommuntal"]) == 2793
    # Eslöv: kommuntal 63 (anvisningar_kommuntal_2018.csv), received 164 (N01986 2018 T)
    assert float(by[("1285", "2018")]["quota_ratio"]) == pytest.approx(164 / 63)
    for code in ("1256", "1275", "1273"):  # absent, absent, kommuntal 0 (Osby)
        assert by[(code, "2018")]["quota_ratio"] == ""
        assert by[(code, "2018")]["quota_note"] == "inget kommuntal"
    assert "inf" not in (report_2018 / "tables" / "quota_vs_received.csv").read_text()


def test_survey_table_sums_to_59(report_2018: Path) -> None:
    rows = _rows(report_2018 / "tables" / "survey_respondents.csv")
    assert len(rows) == 33
    assert sum(int(r["respondents"]) for r in rows) == 59


def test_manifest_hashes_match_files(report_2018: Path, snapshot_dir: Path) -> None:
    manifest = json.loads((report_2018 / "manifest.json").read_text())
    assert manifest["edition"] == 2018 and manifest["region"] == "skane"
    assert manifest["outputs"], "no outputs recorded"
    for rel, digest in manifest["outputs"].items():
        assert hashlib.sha256((report_2018 / rel).read_bytes()).hexdigest() == digest, rel
    for rel, digest in manifest["inputs"].items():
        assert hashlib.sha256((snapshot_dir / rel).read_bytes()).hexdigest() == digest, rel
    assert "pandas" in manifest["dependencies"]


def test_index_links_chapters_and_documents_tables(report_2018: Path) -> None:
    text = (report_2018 / "index.html").read_text(encoding="utf-8")
    for c in CHAPTERS:
        assert f'href="chapters/{c}.html"' in text
    # the column documented by its id (as code) and its Swedish label
    assert "<code>received_per_1000</code></td><td>Mottagna per 1\u00a0000 invånare" in text
    assert 'href="figures/map_received_per_1000_2017.png"' in text


def test_papermill_cli_runs_a_notebook_without_the_wrapper(tmp_path: Path,
                                                           snapshot_dir: Path) -> None:
    out = tmp_path / "out.ipynb"
    papermill = Path(sys.executable).with_name("papermill")
    result = subprocess.run(
        [str(papermill), "notebooks/02_etablering.ipynb", str(out), "-p", "edition", "2018",
         "-p", "data_dir", str(snapshot_dir), "-p", "output_dir", str(tmp_path / "o"),
         "--no-progress-bar"],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "o" / "2018" / "skane" / "tables" / "quota_vs_received.csv").is_file()
