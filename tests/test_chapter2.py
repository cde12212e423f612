"""Chapter 2 as a reader sees it: the built HTML of ``02_etablering`` (issue 13).

Reads the chapter page of 2018/Skåne (session build), 2023/Göteborgsregionen and
2021/Blekinge (the session batch when it holds them, else built into a temporary folder;
``KFSK_PAGES_ROOT=<output root>`` points at an existing build during development).
Expected values come from the report's own CSV files or, where a number is asserted, from
the snapshot CSVs by hand (file and line beside the literal) — never from the code under
test. The last tests run the chapter's methods in-process on a data copy without the
optional inputs.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHAPTER = "chapters/02_etablering.html"
OTHER_REPORTS = [(2023, "goteborgsregionen"), (2021, "blekinge")]
NBSP = "\u00a0"


# ----------------------------------------------------------------------------------------
# Where the pages are
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def root(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         snapshot_dir: Path) -> Path:
    """An output root holding 2018/skane, 2023/goteborgsregionen and 2021/blekinge."""
    env = os.environ.get("KFSK_PAGES_ROOT")
    if env:
        return Path(env)
    base = request.getfixturevalue("built_2018")
    missing = [(e, r) for e, r in OTHER_REPORTS if not (base / str(e) / r / CHAPTER).is_file()]
    if not missing:
        return base
    from kfsk_research.build import BuildOptions, build

    out = tmp_path_factory.mktemp("chapter2")
    shutil.copytree(base / "2018" / "skane", out / "2018" / "skane")
    for edition, region in missing:
        build([edition], [region], BuildOptions(data_dir=snapshot_dir, output_root=out,
                                                log=lambda _m: None))
    return out


def _squash(text: str) -> str:
    """Collapse ASCII whitespace only (``str.split`` would also eat no-break spaces)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


class Page(HTMLParser):
    """Tables (with their ``data-csv``), running text blocks, images with captions."""

    BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "caption", "figcaption", "td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.blocks: list[str] = []
        self.images: list[dict] = []
        self._csv: list[str | None] = []
        self._in_table = 0
        self._in_body = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._cell_class = ""
        self._text: list[str] | None = None
        self._skip = 0
        self._figcaption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("style", "code", "pre"):
            self._skip += 1
        if tag == "div":
            self._csv.append(a.get("data-csv"))
        if tag == "table":
            self._in_table += 1
            csv_id = next((c for c in reversed(self._csv) if c), None)
            self.tables.append({"csv": csv_id, "head": [], "rows": []})
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell, self._cell_class = [], a.get("class") or ""
        elif tag == "img":
            self.images.append({"alt": a.get("alt") or "", "title": a.get("title") or "",
                                "caption": ""})
        elif tag == "figcaption":
            self._figcaption = []
        if tag in self.BLOCKS and not self._in_table:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "code", "pre"):
            self._skip -= 1
        if tag == "div" and self._csv:
            self._csv.pop()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = _squash("".join(self._cell))
            self._row.append((text, self._cell_class) if tag == "td" else text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            key = "rows" if self._in_body else "head"
            if self._row:
                self.tables[-1][key].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._in_table -= 1
        elif tag == "figcaption" and self._figcaption is not None:
            self.images[-1]["caption"] = _squash("".join(self._figcaption))
            self._figcaption = None
        if tag in self.BLOCKS and self._text is not None and not self._in_table:
            self.blocks.append(_squash("".join(self._text)))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text.append(data)
        if self._figcaption is not None:
            self._figcaption.append(data)


def _page(root: Path, edition: int, region: str) -> Page:
    parser = Page()
    parser.feed((root / str(edition) / region / CHAPTER).read_text(encoding="utf-8"))
    return parser


def _csv(root: Path, edition: int, region: str, table: str) -> list[dict[str, str]]:
    path = root / str(edition) / region / "tables" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _text(page: Page) -> str:
    return "\n".join(page.blocks)


REPORTS = [(2018, "skane"), *OTHER_REPORTS]


# ----------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("edition", "region"), REPORTS)
def test_no_table_has_more_rows_than_its_csv(root: Path, edition: int, region: str) -> None:
    page = _page(root, edition, region)
    named = [t for t in page.tables if t["csv"]]
    assert len(named) >= 5
    for table in named:
        rows = _csv(root, edition, region, Path(table["csv"]).stem)
        assert len(table["rows"]) <= len(rows), table["csv"]


def test_reception_table_has_one_row_per_municipality(root: Path) -> None:
    page = _page(root, 2018, "skane")
    table = next(t for t in page.tables if t["csv"] == "tables/reception_municipality.csv")
    assert len(table["rows"]) == 33  # reference/municipalities.csv: 33 rows with county 12
    assert table["head"][0] == ["Kommun", "2015", "2016", "2017"]
    malmo = next(r for r in table["rows"] if r[0][0] == "Malmö")
    # kolada/N01986.csv 1280,2017: 2443; N01951 1280,2016: 328494 -> 7.44
    assert malmo[3] == ("7,4", "num")


@pytest.mark.parametrize(("edition", "region"), REPORTS)
def test_headers_are_swedish_and_numbers_formatted(root: Path, edition: int,
                                                   region: str) -> None:
    page = _page(root, edition, region)
    for table in page.tables:
        for header in (h for row in table["head"] for h in row):
            assert not re.search(r"[a-z]+_[a-z]+", header), header
        for row in table["rows"]:
            for text, cls in row:
                if "num" not in cls.split():
                    continue
                # years are not numeric cells; every other number groups its thousands
                assert not re.search(r"\d{4}", text), f"thousands without separator: {text!r}"
                if table["csv"] == "tables/establishment_gender.csv":
                    assert not text.endswith(",0"), f"count with decimals: {text!r}"


def test_counts_are_integers_and_shares_percent(root: Path) -> None:
    page = _page(root, 2018, "skane")
    table = next(t for t in page.tables if t["csv"] == "tables/establishment_gender.csv")
    head = table["head"][0]
    assert head[:4] == ["År", "Kön", "Inskrivna", "Avslutade"]
    first = dict(zip(head, [c[0] for c in table["rows"][0]], strict=True))
    # establishment_gender.csv 2015,T: exits_work_or_studies 484.0 (a count), share 0.2775…
    assert first["Kön"] == "Totalt"
    assert first["Till arbete/studier"] == "484"
    assert first["Andel till arbete/studier"] == f"27,8{NBSP}%"
    assert first["Inskrivna"] == f"7{NBSP}771"


def test_quota_ratios_have_two_decimals(root: Path) -> None:
    page = _page(root, 2018, "skane")
    table = next(t for t in page.tables if t["csv"] == "tables/quota_vs_received.csv")
    col = table["head"][0].index("Mottagna/kommuntal")
    ratios = [r[col][0] for r in table["rows"] if r[col][0] != "–"]
    assert ratios and all(re.fullmatch(r"\d+,\d\d", r) for r in ratios), ratios
    # anvisningar_kommuntal_2018.csv 1272,Bromölla,7; N01986 1272,2018: 91 -> 13,00
    assert "13,00" in ratios


def test_gr_quota_table_has_total_and_no_county_rows(root: Path) -> None:
    rows = _csv(root, 2023, "goteborgsregionen", "quota_vs_received")
    ids = [r["area_id"] for r in rows]
    assert "0013" not in ids and "0014" not in ids
    total = next(r for r in rows if r["area_id"] == "region")
    members = [r for r in rows if r["area_id"] not in ("region", "0000")]
    assert len(members) == 13
    for column in ("kommuntal", "received", "received_on_assignment"):
        assert float(total[column]) == sum(float(r[column]) for r in members), column
    # by hand from anvisningar_kommuntal_2018.csv and N01986 (see test_tables): 1995, 4515
    assert (float(total["kommuntal"]), float(total["received"])) == (1995.0, 4515.0)
    text = _text(_page(root, 2023, "goteborgsregionen"))
    assert (f"Göteborgsregionen (summa av 13 kommuner): 4{NBSP}515 mottagna mot ett kommuntal "
            f"på 1{NBSP}995, 2,26 gånger så många.") in text
    assert "2017" not in "".join(b for b in _page(root, 2023, "goteborgsregionen").blocks
                                 if "Raderna för" in b)


# ----------------------------------------------------------------------------------------
# Sentences
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("edition", "region"), REPORTS)
def test_no_holes_and_agreement(root: Path, edition: int, region: str) -> None:
    text = _text(_page(root, edition, region))
    assert "– %" not in text and f"–{NBSP}%" not in text
    assert not re.search(r"\bvar – ", text)
    assert "{" not in text and "}" not in text
    assert not re.search(r"\b(1|en|ett) kommuner\b", text)
    assert not re.search(r"\b(\d*[02-9]|\d{2,}) kommun\b", text)
    assert not re.search(r"\b0 kommuner\b", text)
    # Språkrådet: one to twelve in words when counting in running text
    assert not re.search(r"\b([1-9]|1[0-2]) (kommun|kommuner|län)\b", text), re.findall(
        r"[^.]*\b(?:[1-9]|1[0-2]) (?:kommun|kommuner|län)\b[^.]*", text)


def _ranked(rows: list[dict[str, str]], year: int) -> list[tuple[str, float]]:
    have = [(r["county_name"], float(r["received_24m_per_1000"])) for r in rows
            if int(r["year"]) == year and r["received_24m_per_1000"]]
    return sorted(have, key=lambda x: -x[1])


@pytest.mark.parametrize(("edition", "region", "year"), [
    (2018, "skane", 2017), (2023, "goteborgsregionen", 2022), (2021, "blekinge", 2020)])
def test_county_rank_sentence_agrees_with_csv(root: Path, edition: int, region: str,
                                              year: int) -> None:
    rows = _csv(root, edition, region, "reception_county")
    ranked = _ranked(rows, year)
    lacking = sorted(r["county_name"] for r in rows
                     if int(r["year"]) == year and not r["received_24m_per_1000"])
    text = _text(_page(root, edition, region))
    top, value = ranked[0]
    rate = f"{value:.1f}".replace(".", ",")
    assert f"Högst kommunsnitt {year} hade {top}, {rate} per 1{NBSP}000 invånare" in text
    if lacking:
        assert f"av {len(ranked)} län med uppgift" in text
        for name in lacking:
            assert name in text
    else:
        assert "av alla 21 län" in text
    if region in ("skane", "blekinge"):
        own = "Skåne län" if region == "skane" else "Blekinge län"
        rank = [n for n, _ in ranked].index(own) + 1
        assert re.search(rf"{own} hade [\d,]+ per 1{NBSP}000 invånare och låg på plats {rank} ",
                         text)


def test_county_rank_2022_names_the_left_out_and_the_lower_bound(root: Path) -> None:
    text = _text(_page(root, 2023, "goteborgsregionen"))
    # reception_county 2022: Kalmar, Värmland, Västmanland, Västerbotten lack a member
    assert "av 17 län med uppgift" in text
    assert "Fyra län saknar värde" in text
    assert "Västerbottens län skulle ändå ligga högre än Gotlands län" in text
    assert re.search(r"Göteborgsregionen hade ett kommunsnitt på [\d,]+ per 1\u00a0000 "
                     r"invånare .*(högre|lägre) än rikets [\d,]+", text)


@pytest.mark.parametrize(("edition", "region", "women_years", "men_years"), [
    # awk over kolada/N00960.csv (see test_tables): Skåne 2015–2017 men;
    # Göteborgsregionen 2020–2022 K 2021/1706, 1444/1193, 1106/984; Blekinge 2018 M
    # (1117 vs 1109), 2019–2020 K (860/638, 524/281)
    (2018, "skane", [], [2015, 2016, 2017]),
    (2023, "goteborgsregionen", [2020, 2021, 2022], []),
    (2021, "blekinge", [2019, 2020], [2018]),
])
def test_gender_majority_stated_for_every_year(root: Path, edition: int, region: str,
                                               women_years: list[int],
                                               men_years: list[int]) -> None:
    text = _text(_page(root, edition, region))
    for year in women_years:
        assert re.search(rf"{year}: fler kvinnor än män i etableringsprogrammet", text)
    for year in men_years:
        term = "etableringsuppdraget" if year <= 2017 else "etableringsprogrammet"
        assert re.search(rf"{year}: fler män än kvinnor i {term}", text)
    if women_years:
        assert "det omvända mot rapportens iakttagelse" in text


def test_establishment_share_gap_is_explained(root: Path) -> None:
    text = _text(_page(root, 2018, "skane"))
    # kolada/N00973.csv has no 2017 T row for Vellinge (1233)
    assert ("Andelen i arbete eller studier 90 dagar senare kan inte beräknas för hela "
            "regionen: en kommun saknar uppgift (Vellinge).") in text
    assert "etableringsuppdraget" in text


# ----------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("edition", "region"), REPORTS)
def test_figures_have_alt_title_and_one_source_line(root: Path, edition: int,
                                                    region: str) -> None:
    page = _page(root, edition, region)
    assert len(page.images) >= 6
    for img in page.images:
        assert len(img["alt"].split()) >= 2 and "_" not in img["alt"]
        assert img["title"]
        assert img["caption"].count("Källa:") == 1, img["caption"]


# ----------------------------------------------------------------------------------------
# Missing optional inputs (issue 12 item 7), in-process on a data copy
# ----------------------------------------------------------------------------------------


def _run_chapter(data: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from kfsk_research import context

    shown: list[str] = []
    monkeypatch.setattr(context, "_markdown", shown.append)
    monkeypatch.setattr(context, "_html", shown.append)
    monkeypatch.delenv("KFSK_DATASET_CACHE", raising=False)
    ch = context.Chapter("02_etablering", edition=2018, region="skane", data_dir=data,
                         output_dir=out)
    for step in ("establishment_table", "county_reception", "reception_table",
                 "reception_text", "quota_table", "quota_map", "assignment_table", "sources"):
        getattr(ch, step)()
    return "\n".join(shown)


def test_missing_optional_inputs_are_named_not_computed(
    snapshot_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (snapshot_copy / "migrationsverket" / "anvisningar_kommuntal_2018.csv").unlink()
    (snapshot_copy / "kolada" / "N01987.csv").unlink()
    text = _run_chapter(snapshot_copy, tmp_path / "out", monkeypatch)
    assert "0 kommuner fler" not in text
    assert ("Kommuntalen för 2018 kan inte visas: filen "
            "`migrationsverket/anvisningar_kommuntal_2018.csv` saknas") in text
    assert "Kartan över mottagna mot kommuntal 2018 kan inte visas" in text
    assert "filen `kolada/N01987.csv` saknas" in text
    sources = text[text.index("### Källor"):]
    assert "Migrationsverket:" not in sources  # its file was not read
    assert "N01987" not in sources.split("Saknades")[0]
    assert "`kolada/N01987.csv`" in sources and "anvisningar_kommuntal_2018.csv" in sources
    assert not (tmp_path / "out" / "2018" / "skane" / "figures" /
                "map_quota_ratio_2018.png").exists()
