"""Municipality profiles read right (issue 13): no stray spaces, shares in percent,
Sweden's rate for every year, the two "after assignment" sources explained, kommungrupper
by name. Expected values are read by hand from the snapshot (file and line in comments)."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

# Sweden's received per 1,000 inhabitants for the years Kolada has no national N01986 row:
# received = the sum of the 290 municipal T rows of data/kolada/N01986.csv for the year
# (2013: 34 499; 2014: 45 836 – the sum equals the 0000 row in every year 2015–2022 where
# both exist, e.g. line 2: 0000 2015 T 51 197); population = data/kolada/N01951.csv line 58
# (0000 2012 T 9 555 893) and line 61 (0000 2013 T 9 644 864).
SWEDEN_2013 = 34499 / 9555893 * 1000  # 3.610… → "3,6"
SWEDEN_2014 = 45836 / 9644864 * 1000  # 4.752… → "4,8"
# 2015 from the national row: N01986.csv line 2 (51 197) / N01951.csv line 64 (9 747 355).
SWEDEN_2015 = 51197 / 9747355 * 1000  # 5.252… → "5,3"


class _Page(HTMLParser):
    """Visible text as a browser joins it, and every table as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tables: list[dict] = []
        self._skip = 0
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self._skip += 1
        elif tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption)
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)


def _read(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _table(page: _Page, header_first: str, header_has: str) -> dict[str, dict[str, str]]:
    """The table whose header starts with ``header_first`` and has ``header_has``, as
    {first cell: {header: cell}}."""
    for t in page.tables:
        head = t["rows"][0]
        if head and head[0] == header_first and header_has in head:
            return {r[0]: dict(zip(head, r, strict=True)) for r in t["rows"][1:]}
    raise AssertionError(f"no table with {header_first!r} … {header_has!r}")


def _profiles(root: Path, edition: int, region: str, tmp_factory) -> Path:
    """Profile folder of a report: from the session build when it holds the report, else
    written into tmp with the build's own profile writer (no chapter kernels needed)."""
    folder = root / str(edition) / region / "municipalities"
    if folder.is_dir():
        return folder
    from kfsk_research.dataset import load_dataset
    from kfsk_research.editions import load_config
    from kfsk_research.profiles import write_profiles

    config = load_config()
    e, r = config.edition(edition), config.region(region)
    ds = load_dataset(e.required, e.optional, None)
    out = tmp_factory.mktemp(f"profiles-{edition}-{region}")
    write_profiles(SimpleNamespace(edition=e, region=r, members=ds.registry.members(r)),
                   ds, out)
    return out


@pytest.fixture(scope="module")
def skane_2018(report_2018: Path) -> Path:
    return report_2018 / "municipalities"


@pytest.fixture(scope="module")
def blekinge_2021(built_2018: Path, tmp_path_factory) -> Path:
    return _profiles(built_2018, 2021, "blekinge", tmp_path_factory)


@pytest.fixture(scope="module")
def gr_2023(built_2018: Path, tmp_path_factory) -> Path:
    return _profiles(built_2018, 2023, "goteborgsregionen", tmp_path_factory)


def _all_pages(*folders: Path) -> list[Path]:
    pages = [p for f in folders for p in sorted(f.glob("*.html"))]
    assert pages
    return pages


def test_no_space_before_punctuation(skane_2018, blekinge_2021, gr_2023) -> None:
    """"I regionen: Karlshamn ." is gone: no space before . , ; : ) in any profile's text."""
    offences = []
    for path in _all_pages(skane_2018, blekinge_2021, gr_2023):
        text = re.sub(r"\s+", " ", "".join(_read(path).text))
        offences += [f"{path.name}: …{m.group(0)}…"
                     for m in re.finditer(r".{20}\s[.,;:)](?!\d).{0,10}", text)]
    assert not offences, offences[:10]


def test_every_profile_names_one_kommungrupp_classification(skane_2018, gr_2023) -> None:
    for folder, name in ((skane_2018, "SKL:s kommungruppsindelning 2017"),
                         (gr_2023, "SKR:s kommungruppsindelning 2023")):
        for path in _all_pages(folder):
            text = "".join(_read(path).text)
            assert name in text, path
            assert "skl2017" not in text and "skr2023" not in text, path


def test_malmo_group_counted_in_words(skane_2018) -> None:
    # data/reference/kommungrupper.csv line 234: 1280 skl2017 A1 Storstäder; A1 has three
    # municipalities (Stockholm 0180, Göteborg 1480, Malmö 1280 – rows with ",skl2017,A1,").
    text = "".join(_read(skane_2018 / "1280.html").text)
    assert "Storstäder (tre kommuner i landet)" in text


def test_shares_in_percent(skane_2018) -> None:
    page = _read(skane_2018 / "1280.html")
    rows = _table(page, "År", "Andel i arbete/studier")
    # data/kolada/N00973.csv line 2608: 1280 2015 T 27.925117; line 2614: 2017 T 31.17408907
    assert rows["2015"]["Andel i arbete/studier"] == "27,9\u00a0%"
    assert rows["2017"]["Andel i arbete/studier"] == "31,2\u00a0%"
    for folder_page in _all_pages(skane_2018):
        for t in _read(folder_page).tables:
            head = t["rows"][0]
            if "Andel i arbete/studier" in head:
                i = head.index("Andel i arbete/studier")
                cells = [r[i] for r in t["rows"][1:] if r[i] != "–"]
                # percent with one decimal, never the 0–1 share ("0,28")
                assert all(re.fullmatch(r"\d{1,3},\d\u00a0%", c) for c in cells), (
                    folder_page.name, cells)


def test_sweden_rate_for_every_year(skane_2018) -> None:
    rows = _table(_read(skane_2018 / "1280.html"), "År", "Riket")
    assert rows["2013"]["Riket"] == "3,6" == f"{SWEDEN_2013:.1f}".replace(".", ",")
    assert rows["2014"]["Riket"] == "4,8" == f"{SWEDEN_2014:.1f}".replace(".", ",")
    assert rows["2015"]["Riket"] == "5,3" == f"{SWEDEN_2015:.1f}".replace(".", ",")
    for path in _all_pages(skane_2018):
        table = _table(_read(path), "År", "Riket")
        assert all(r["Riket"] != "–" for r in table.values()), path.name


def test_sweden_sum_by_hand_from_the_csv(snapshot_dir: Path) -> None:
    """The hand sums above, read again from the CSV without the package."""
    sums: dict[str, float] = {}
    with (snapshot_dir / "kolada" / "N01986.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["gender"] == "T" and not row["municipality_id"].startswith("00"):
                sums[row["period"]] = sums.get(row["period"], 0.0) + float(row["value"])
    assert (sums["2013"], sums["2014"], sums["2015"]) == (34499, 45836, 51197)


def test_after_assignment_sources_explained(gr_2023) -> None:
    text = re.sub(r"\s+", " ", "".join(_read(gr_2023 / "1480.html").text))
    # data/kolada/N01987.csv line 1452: 1480 2018 T 647;
    # data/migrationsverket/anvisningar_kommuntal_2018.csv line 174: 1480,Göteborg,697,690
    assert "För Göteborg 2018: 647 i Kolada och 690 i Migrationsverkets fil." in text
    assert "Koladas nyckeltal N01987" in text and "två källor" in text
    rows = _table(_read(gr_2023 / "1480.html"), "År", "Varav efter anvisning")
    assert rows["2018"]["Varav efter anvisning"] == "647"


def test_equal_sources_not_called_different(blekinge_2021) -> None:
    # data/kolada/N01987.csv: 1082 2018 T 10; anvisningar_kommuntal_2018.csv: 1082,Karlshamn,10,10
    text = re.sub(r"\s+", " ", "".join(_read(blekinge_2021 / "1082.html").text))
    assert "För Karlshamn 2018 ger båda källorna 10." in text
    assert "I regionen: Karlshamn" not in text


def test_locator_map_labelled_and_fits_a_phone(gr_2023) -> None:
    html_text = (gr_2023 / "1480.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg[^>]*>", html_text).group(0)
    assert 'role="img"' in svg and 'aria-label="Göteborg markerad på kartan' in svg
    assert "max-width:100%" in svg
    assert "<figcaption>Göteborg (markerad) bland kommunerna i Göteborgsregionen." in html_text


def test_missing_after_assignment_input_is_said_in_words(snapshot_copy: Path,
                                                         tmp_path: Path) -> None:
    """Without Kolada N01987 (optional) the note says so; no lone "–" in the sentence."""
    from kfsk_research.dataset import load_dataset
    from kfsk_research.editions import load_config
    from kfsk_research.profiles import write_profiles

    (snapshot_copy / "kolada" / "N01987.csv").unlink()
    config = load_config()
    e, r = config.edition(2021), config.region("blekinge")
    ds = load_dataset(e.required, e.optional, snapshot_copy)
    write_profiles(SimpleNamespace(edition=e, region=r, members=ds.registry.members(r)),
                   ds, tmp_path)
    text = re.sub(r"\s+", " ", "".join(_read(tmp_path / "1082.html").text))
    assert "Nyckeltalet saknas i underlaget, därför är kolumnen tom." in text
    # anvisningar_kommuntal_2018.csv: 1082,Karlshamn,10,10
    assert "För Karlshamn 2018 saknar Kolada värde; Migrationsverkets fil anger 10." in text
    assert ": – i Kolada" not in text
