"""Editions × regions in one batch, a user-defined region, profiles and the change page."""

from __future__ import annotations

import csv
import html
import os
import re
from pathlib import Path

import pytest

from kfsk_research.editions import DEFAULT_CONFIG

pytestmark = pytest.mark.slow

USER_REGION = """
[regions.testregion]
name = "Testregion <b>"
municipalities = ["1280", "1281", "0180"]
"""


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path) -> Path:
    """Editions 2018 and 2023 for every region, plus a user-defined region, in one batch."""
    from kfsk_research.build import BuildOptions, build
    from kfsk_research.editions import load_config

    root = tmp_path_factory.mktemp("batch")
    config_file = root / "config.toml"
    config_file.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + USER_REGION,
                           encoding="utf-8")
    config = load_config(config_file)
    out = root / "outputs"
    os.environ.pop("KFSK_DATASET_CACHE", None)
    build([2018, 2023], ["skane", "blekinge", "goteborgsregionen", "testregion"],
          BuildOptions(data_dir=snapshot_dir, output_root=out, log=lambda _m: None), config)
    return out


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("edition", [2018, 2023])
@pytest.mark.parametrize(("region", "n"), [("skane", 33), ("blekinge", 5),
                                           ("goteborgsregionen", 13), ("testregion", 3)])
def test_each_report_is_built(batch: Path, edition: int, region: str, n: int) -> None:
    report = batch / str(edition) / region
    assert (report / "index.html").is_file()
    assert len(list((report / "chapters").glob("*.html"))) == 6
    assert len(list((report / "municipalities").glob("*.html"))) == n
    rows = _table(report / "tables" / "reception_municipality.csv")
    assert len({r["municipality_id"] for r in rows}) == n


def test_top_index_links_every_report(batch: Path) -> None:
    text = (batch / "index.html").read_text(encoding="utf-8")
    for edition in (2018, 2023):
        for region in ("skane", "blekinge", "goteborgsregionen", "testregion"):
            assert f'href="{edition}/{region}/index.html"' in text
    assert 'href="2019/skane/index.html"' not in text  # not built


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
    text = (batch / "2023" / "skane" / "municipalities" / "1280.html").read_text(
        encoding="utf-8")
    assert "skr2023" in text and "Storstäder" in text


def _profile_rows(path: Path) -> dict[str, list[str]]:
    text = path.read_text(encoding="utf-8")
    table = text[text.index("Nyckeltal över tid"):]
    rows = re.findall(r"<tr>(.*?)</tr>", table[: table.index("</table>")])
    out = {}
    for row in rows:
        cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
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
        assert cells[2] == f"{float(rows[year]['received_per_1000']):.2f}".replace(".", ",")
    # by hand: N01986 1280 2017 = 2443; N01951 1280 2016 = 328494 → 7.44 per 1,000
    assert profile["2017"][2] == "7,44"


def test_change_page_by_hand_for_malmo(batch: Path) -> None:
    report = batch / "2023" / "skane"
    text = (report / "changes.html").read_text(encoding="utf-8")
    assert "Nytt dataår: <strong>2022</strong>" in text
    rows = {r["municipality_id"]: r
            for r in _table(report / "tables" / "changes_received_per_1000.csv")}
    malmo = rows["1280"]
    # N01986 1280: 2021 = 252, 2022 = 304; N01951 1280: 2020 = 347949, 2021 = 351749
    assert float(malmo["received_per_1000_2021"]) == pytest.approx(252 / 347949 * 1000)
    assert float(malmo["received_per_1000_2022"]) == pytest.approx(304 / 351749 * 1000)
    assert float(malmo["change"]) == pytest.approx(0.14001, abs=1e-4)
    ranks = {r["municipality_id"]: r for r in _table(report / "tables" / "changes_rank.csv")}
    assert set(ranks) == {r["municipality_id"] for r in rows.values()}


def test_sources_disagree_shown_for_2018(snapshot_dir: Path) -> None:
    from kfsk_research.changes import source_disagreements
    from kfsk_research.dataset import load_dataset
    from kfsk_research.editions import load_config

    ed = load_config().edition(2019)
    ds = load_dataset(ed.required, ed.optional, snapshot_dir)
    members = ds.registry.members(load_config().region("skane"))
    table = source_disagreements(ds, members, [2016, 2017, 2018])
    y2018 = table[table["year"] == 2018].set_index("municipality_id")
    # data README cross-check 1: Malmö Kolada 1479 vs Migrationsverket 1488; 12 of 33 differ
    assert y2018.loc["1280", "kolada_n01986"] == 1479
    assert y2018.loc["1280", "migrationsverket"] == 1488
    assert int((y2018["difference"] != 0).sum()) == 12
    assert (table[table["year"] == 2016]["difference"] == 0).all()
