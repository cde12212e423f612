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
        elif tag == "svg" and "kfsk-svgmap" in (a.get("class") or ""):
            # an inline map: its text alternative is the group's aria-label
            label = a.get("aria-label") or ""
            self.images.append({"alt": label, "title": label, "caption": "", "svg": True})
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
    higher = [r["county_name"] for r in rows if int(r["year"]) == year
              and not r["received_24m_per_1000"]
              and float(r["received_24m_per_1000_lower"] or 0) > value]
    if higher:
        # a left-out county is higher even at its lower bound: no claim of the top
        assert f"Högst kommunsnitt {year}" not in text
        assert (f"Bland de {len(ranked)} län som har uppgift för alla kommuner var "
                f"kommunsnittet {year} högst i {top}, {rate} per 1{NBSP}000 invånare") in text
    else:
        assert f"Högst kommunsnitt {year} hade {top}, {rate} per 1{NBSP}000 invånare" in text
    if lacking and not higher:
        assert f"av {len(ranked)} län med uppgift" in text
        for name in lacking:
            assert name in text
    elif lacking:
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
    # reception_county 2022: Kalmar, Värmland, Västmanland, Västerbotten lack a member;
    # Västerbotten's lower bound (5,5) is above Gotland's 3,2, the top of the 17 ranked
    assert "Bland de 17 län som har uppgift för alla kommuner var kommunsnittet 2022 högst " \
        "i Gotlands län, 3,2 per 1\u00a0000 invånare." in text
    assert "Fyra län saknar värde" in text
    assert ("Västerbottens län, där en kommun saknar uppgift, har ändå ett snitt på minst 5,5 "
            "(om den saknade kommunen hade tagit emot noll) och ligger alltså högre än "
            "Gotlands län.") in text
    assert "Högst kommunsnitt 2022" not in text
    # the national mean counts the municipalities in it: 290 - 4 without a value = 286
    assert re.search(r"Göteborgsregionen hade ett kommunsnitt på [\d,]+ per 1\u00a0000 "
                     r"invånare \(13 kommuner\), (högre|lägre) än rikets [\d,]+ \(286 kommuner "
                     r"med uppgift; fyra utan uppgift ingår inte\)", text)
    assert "290 kommuner" not in text


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


def test_figure_sources_name_each_figures_key_figures(root: Path) -> None:
    page = _page(root, 2018, "skane")
    captions = {img["caption"].split(".")[0]: img["caption"] for img in page.images}
    # figure 1 draws N00960; figure 2 the education shares N00961–N00963 weighted by
    # N00960; figure 3 leavers N00964 times the share in work or studies N00973
    assert "Kolada (RKA), N00960, hämtad" in captions["Figur 1"]
    assert "N00960–N00963" in captions["Figur 2"] and "N00964" not in captions["Figur 2"]
    assert "N00964 och N00973" in captions["Figur 3"]


@pytest.mark.parametrize(("edition", "region"), REPORTS)
def test_figures_scroll_on_narrow_screens_and_link_the_png(root: Path, edition: int,
                                                          region: str) -> None:
    html_text = (root / str(edition) / region / CHAPTER).read_text(encoding="utf-8")
    images = html_text.count('<img alt=')
    maps = html_text.count('class="kfsk-svgmap"')
    # every PNG in a focusable scroll box (nbconvert orders the attributes)
    assert images and len(re.findall(r'<div [^>]*class="fig-wrap"[^>]*tabindex="0"[^>]*><img',
                                     html_text)) == images
    # every figure, inline maps too, links its PNG (and SVG) under the caption
    assert html_text.count("bild\u00a0(PNG)</a>") == images + maps
    assert html_text.count("bild\u00a0(SVG)</a>") == images + maps
    assert ".fig-wrap img{min-width:640px}" in html_text


def test_alt_texts_carry_key_values(root: Path) -> None:
    # alt texts collapse all whitespace, no-break spaces too
    alts = [img["alt"].replace(NBSP, " ") for img in _page(root, 2018, "skane").images]
    fig1 = next(a for a in alts if a.startswith("Figur 1."))
    # N00960 2015: men summed over all 33 = 4 632; women known for 32 only = at least 3 135
    assert "2015: kvinnor minst 3 135 och män 4 632" in fig1
    fig4 = next(a for a in alts if a.startswith("Figur 4."))
    # reception_county.csv 2017: Kalmar 31,1 highest, Gotland 10,3 lowest, Skåne 16,5
    assert "Högst: Kalmar län 31,1; lägst: Gotlands län 10,3. Markerat: Skåne län 16,5." in fig4
    rec = next(a for a in alts if a.startswith("Karta: kommunmottagna"))
    # reception_municipality.csv 2017: Östra Göinge 25,1 highest, Lomma 4,6 lowest
    assert "Högst: Östra Göinge 25,1; lägst: Lomma 4,6." in rec


def test_figure_one_and_the_gender_pairs_say_which_municipalities_they_sum(
        root: Path) -> None:
    text = _text(_page(root, 2018, "skane"))
    # establishment_gender_balance.csv 2015: 4627 men, 3135 women over the 32 reporting
    # both; the one left out has 9 enrolled (a count of one to twelve, in words)
    assert (f"2015: fler män än kvinnor i etableringsuppdraget (4{NBSP}627 män och "
            f"3{NBSP}135 kvinnor i de 32 kommuner som redovisar båda könen; en kommun utan "
            "uppgift per kön har tillsammans nio inskrivna") in text
    assert "figur 1 summerar i stället varje kön över alla kommuner som redovisar just det " \
        "könet" in text


def _table(root: Path, edition: int, region: str, csv_id: str) -> tuple[list[str], list]:
    table = next(t for t in _page(root, edition, region).tables
                 if t["csv"] == f"tables/{csv_id}.csv")
    head = table["head"][0]
    return head, [dict(zip(head, [c[0] for c in r], strict=True)) for r in table["rows"]]


def test_quota_table_names_each_rows_source(root: Path) -> None:
    head, rows = _table(root, 2018, "skane", "quota_vs_received")
    assert "Mottagna" in head and "Källa" in head and "Mottagna (Kolada)" not in head
    by = {(r["Område"], r["År"]): r for r in rows}
    # report_facts.csv: mottagna_2017_skane 10531 (p. 11), printed, not Kolada's 10 512
    assert by[("Skåne län", "2017")]["Mottagna"] == f"10{NBSP}531"
    assert by[("Skåne län", "2017")]["Källa"] == f"Rapporten, s.{NBSP}11"
    for name in ("Riket", "Perstorp", "Malmö"):
        assert by[(name, "2017")]["Källa"].startswith("Rapporten"), name
    # kolada/N01986.csv 1230,2018,T: 89; anvisningar_kommuntal_2018.csv 1230: 96, 91
    staffanstorp = by[("Staffanstorp", "2018")]
    assert (staffanstorp["Mottagna"], staffanstorp["Efter anvisning"]) == ("89", "91")
    assert "Kolada N01986" in staffanstorp["Källa"]
    text = _text(_page(root, 2018, "skane"))
    assert ("Raderna för 2017 är rapportens tryckta tal (riket, Skåne län, Perstorp och "
            "Malmö)") in text
    assert ("I Staffanstorp (91 efter anvisning, 89 mottagna) är antalet efter anvisning "
            "större än hela mottagandet.") in text
    _, gr = _table(root, 2023, "goteborgsregionen", "quota_vs_received")
    total = next(r for r in gr if r["Område"].startswith("Göteborgsregionen"))
    assert total["Kod"] == "" and not any(r["Kod"] == "summa" for r in gr)


@pytest.mark.parametrize(("edition", "region"), REPORTS)
def test_swedish_typography(root: Path, edition: int, region: str) -> None:
    page = _page(root, edition, region)
    text = _text(page)
    cells = [c[0] for t in page.tables for r in t["rows"] for c in r]
    # a negative number takes the minus sign U+2212, never a hyphen
    assert not [c for c in cells if re.match(r"^-\d", c)]
    assert not re.search(r"(?<![\w–−-])-\d", text)
    assert "T−1" in text and "T-1" not in text
    # page references keep "s." and the page together
    assert not re.search(r"\bs\. \d", text)
    assert f"s.{NBSP}" in text
    # no ISO dates and no double label in the header notes
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert "Not: Originalrapporten:" not in text


def test_report_rates_name_their_unit_once_and_counts_stand_apart(root: Path) -> None:
    text = _text(_page(root, 2018, "skane"))
    # report_facts.csv: mottagna_per_1000_2015/2016/2017_skane 10,4, 13,6, 16,7
    assert f"Rapporten angav för Skåne 10,4, 13,6 och 16,7 per 1{NBSP}000 invånare" in text
    assert not re.search(r"\b(19|20)\d\d \d{1,3}\u00a0\d{3}\b", text)  # "2017 23 600"
    # the 2018 edition's maps and text name no year after its data (2015–2017)
    assert "efter 2019" not in text and "2010–2022" not in text


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
