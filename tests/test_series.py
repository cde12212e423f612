"""Editions × regions in one batch, a user-defined region, profiles and the change page."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from conftest import (
    BATCH_EDITIONS,
    BATCH_REGIONS,
    USER_REGION_EDITIONS,
    USER_REGION_ID,
)

pytestmark = pytest.mark.slow

MEMBERS = {"skane": 33, "blekinge": 5, "goteborgsregionen": 13, USER_REGION_ID: 3}
REPORTS = [(e, r) for e in BATCH_EDITIONS for r in BATCH_REGIONS] + [
    (e, USER_REGION_ID) for e in USER_REGION_EDITIONS]


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("edition", "region"), REPORTS, ids=[f"{e}-{r}" for e, r in REPORTS])
def test_each_report_is_built(batch: Path, edition: int, region: str) -> None:
    n = MEMBERS[region]
    report = batch / str(edition) / region
    assert (report / "index.html").is_file()
    # Skåne: the report's chapters 01–07; Blekinge and GR: 01, 02, their own 03 and 07;
    # a user region (no chapter list of its own): the default 01, 02, 07
    chapters = {"skane": 7, "blekinge": 4, "goteborgsregionen": 4, USER_REGION_ID: 3}
    assert len(list((report / "chapters").glob("*.html"))) == chapters[region]
    assert len(list((report / "municipalities").glob("*.html"))) == n
    rows = _table(report / "tables" / "reception_municipality.csv")
    assert len({r["municipality_id"] for r in rows}) == n


def test_top_index_links_every_report(batch: Path) -> None:
    text = (batch / "index.html").read_text(encoding="utf-8")
    for edition, region in REPORTS:
        assert f'href="{edition}/{region}/index.html"' in text
    assert f'href="2019/{USER_REGION_ID}/index.html"' not in text  # not built


def test_user_region_name_is_escaped(batch: Path) -> None:
    text = (batch / "2023" / "testregion" / "index.html").read_text(encoding="utf-8")
    assert "Testregion &lt;b&gt;" in text and "Testregion <b>" not in text


def test_later_edition_labels_2018_content(batch: Path) -> None:
    text = (batch / "2023" / "skane" / "chapters" / "04_enkat.html").read_text(encoding="utf-8")
    assert 'class="kfsk-notice"' in text and "Skåne 2018" in text
    original = (batch / "2018" / "skane" / "chapters" / "04_enkat.html").read_text(
        encoding="utf-8")
    assert 'class="kfsk-notice"' not in original


def test_edition_2023_uses_skr2023_groups(batch: Path) -> None:
    """reference/kommungrupper.csv: 1280 is "Storstäder" in both classifications; the
    2023 edition names SKR's 2023 classification, the 2018 edition SKL's of 2017."""
    text = (batch / "2023" / "skane" / "municipalities" / "1280.html").read_text(
        encoding="utf-8")
    assert "Storstäder" in text
    assert "2023" in text[text.index("Kommungrupp"):text.index("Storstäder")]
    old = (batch / "2018" / "skane" / "municipalities" / "1280.html").read_text(
        encoding="utf-8")
    assert "SKL" in old[old.index("Kommungrupp"):old.index("Storstäder")]


def _profile_rows(path: Path) -> dict[str, list[str]]:
    text = path.read_text(encoding="utf-8")
    table = text[text.index("Mottagande över tid"):]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table[: table.index("</table>")])
    out = {}
    for row in rows:
        cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        if cells:
            out[cells[0]] = cells
    return out


def test_profile_numbers_equal_table_rows(batch: Path) -> None:
    report = batch / "2018" / "skane"
    rows = {r["year"]: r for r in _table(report / "tables" / "reception_municipality.csv")
            if r["municipality_id"] == "1280"}
    profile = _profile_rows(report / "municipalities" / "1280.html")
    for year in ("2015", "2016", "2017"):
        cells = profile[year]
        assert cells[1].replace("\u00a0", "") == f"{float(rows[year]['received']):.0f}"
        assert _shows(cells[3], float(rows[year]["received_per_1000"]))
    # by hand: N01986 1280 2017 = 2443; N01951 1280 2016 = 328494 → 7.437 per 1,000
    assert _shows(profile["2017"][3], 2443 / 328494 * 1000)


def _shows(printed: str, value: float) -> bool:
    """Whether a Swedish number with at least one decimal (``7,4``) is ``value`` rounded
    to the decimals it shows."""
    decimals = len(printed.split(",")[1]) if "," in printed else 0
    shown = float(printed.replace("\u00a0", "").replace(",", "."))
    return decimals >= 1 and abs(shown - value) <= 0.5 * 10 ** -decimals + 1e-9


def test_change_page_by_hand_for_malmo(batch: Path) -> None:
    report = batch / "2023" / "skane"
    text = (report / "changes.html").read_text(encoding="utf-8")
    assert "Nytt dataår: <strong>2022</strong>" in text
    rows = {r["municipality_id"]: r
            for r in _table(report / "tables" / "changes_received_per_1000.csv")}
    malmo = rows["1280"]
    assert (malmo["year_from"], malmo["year_to"]) == ("2021", "2022")
    # N01986 1280: 2021 = 252, 2022 = 304; N01951 1280: 2020 = 347949, 2021 = 351749
    assert float(malmo["received_per_1000_from"]) == pytest.approx(252 / 347949 * 1000)
    assert float(malmo["received_per_1000_to"]) == pytest.approx(304 / 351749 * 1000)
    assert float(malmo["received_per_1000_change"]) == pytest.approx(0.14001, abs=1e-4)
    ranks = {r["municipality_id"]: r for r in _table(report / "tables" / "changes_rank.csv")}
    assert set(ranks) == {r["municipality_id"] for r in rows.values()}


def test_sources_disagree_shown_for_2018(batch: Path) -> None:
    """Edition 2019 (data 2016–2018) of Skåne compares Kolada with Migrationsverket."""
    table = _table(batch / "2019" / "skane" / "tables" / "changes_source_disagreements.csv")
    y2018 = {r["municipality_id"]: r for r in table if r["year"] == "2018"}
    # data README cross-check 1: Malmö Kolada 1479 vs Migrationsverket 1488; 12 of 33 differ
    assert len(y2018) == 33
    assert float(y2018["1280"]["received"]) == 1479
    assert float(y2018["1280"]["received_migrationsverket"]) == 1488
    assert sum(float(r["received_difference"]) != 0 for r in y2018.values()) == 12
    assert all(float(r["received_difference"]) == 0 for r in table if r["year"] == "2016")
