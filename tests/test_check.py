"""Reproduction check: statuses as expected, the policy, and a corrupted input."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest

from kfsk_research.check import kind_summary, load_claims, run_check, status_of
from kfsk_research.dataset import load_dataset
from kfsk_research.editions import load_config


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _kolada(root: Path, kpi: str) -> dict[tuple[str, int], float]:
    """Total (``T``) values of a Kolada file by (municipality_id, year), read by hand."""
    return {(r["municipality_id"], int(r["period"])): float(r["value"])
            for r in _rows(root / "kolada" / f"{kpi}.csv") if r["gender"] == "T"}


def _county(root: Path, county: str) -> list[str]:
    return [r["municipality_id"] for r in _rows(root / "reference" / "municipalities.csv")
            if r["county_id"] == county]


def _dataset(root: Path):
    ed = load_config().edition(2018)
    return load_dataset(ed.required, ed.optional, root)


@pytest.fixture(scope="module")
def result(snapshot_dir: Path):
    return run_check(_dataset(snapshot_dir)).set_index("id")


def test_every_row_has_its_expected_status(result) -> None:
    wrong = result[result["status"] != result["expected_status"]]
    assert wrong.empty, wrong[["status", "expected_status"]].to_dict("index")


def test_every_non_reproduced_row_has_a_reason(result) -> None:
    other = result[~result["status"].isin(["reproduced", "consistent"])]
    assert (other["reason"].str.len() > 20).all()


def test_figure_4_values_by_hand(result) -> None:
    # Kalmar 2017: mean over its 12 municipalities of (N01986 2016 + 2017) / N01951 2016 × 1000
    assert result.loc["fig4_kalmar_2017", "recomputed"] == pytest.approx(31.08, abs=0.005)
    assert result.loc["fig4_skane_2017", "recomputed"] == pytest.approx(16.50, abs=0.005)
    assert result.loc["mottagna_2017_skane", "recomputed"] == 10512


def test_figure_4_skane_2016_by_hand_and_no_revision(result, snapshot_dir: Path) -> None:
    skane = _county(snapshot_dir, "12")
    received = _kolada(snapshot_dir, "N01986")
    scb = {(r["municipality_id"], int(r["year"])): float(r["population"])
           for r in _rows(snapshot_dir / "scb" / "population.csv")}
    rates = [(received[m, 2015] + received[m, 2016]) / scb[m, 2015] * 1000 for m in skane]
    assert result.loc["fig4_skane_2016", "recomputed"] == pytest.approx(sum(rates) / 33)
    # The reason the row gives: the inputs are unrevised since Migrationsverket's March 2017
    # file (all 66 Skåne municipality-years) and the population is SCB's.
    mv = {(r["municipality_id"], int(r["year"])): float(r["mottagna"]) for r in
          _rows(snapshot_dir / "migrationsverket" / "kommunmottagna_total_2015_2016.csv")}
    assert [mv[m, y] for m in skane for y in (2015, 2016)] == [
        received[m, y] for m in skane for y in (2015, 2016)]
    population = _kolada(snapshot_dir, "N01951")
    assert all(population[m, y] == scb[m, y] for m in skane for y in (2014, 2015, 2016))
    for year in (2015, 2016, 2017):
        row = result.loc[f"fig4_skane_{year}"]
        assert row["status"] == "differs" and row["tolerance"] == ""
        assert "förklara" in row["reason"]


def test_n01987_rows_by_hand(result, snapshot_dir: Path) -> None:
    assigned, received = _kolada(snapshot_dir, "N01987"), _kolada(snapshot_dir, "N01986")
    skane = _county(snapshot_dir, "12")
    missing = sorted(m for m in skane if (m, 2017) not in assigned)
    assert missing == ["1256", "1275"]  # Östra Göinge, Perstorp: counted as 0 with evidence
    assert result.loc["kommuntal_2017_skane", "recomputed"] == sum(
        assigned[m, 2017] for m in skane if m not in missing) == 2793
    assert result.loc["kommuntal_2017_malmo", "recomputed"] == assigned["1280", 2017] == 408
    assert result.loc["kommuntal_2017_sverige", "recomputed"] == 23603
    vg = _county(snapshot_dir, "14")
    ratio = sum(received[m, 2017] for m in vg) / sum(assigned[m, 2017] for m in vg)
    assert result.loc["ratio_2017_vastra_gotaland", "recomputed"] == pytest.approx(ratio)
    assert round(ratio, 1) == 2.7
    # Stockholm lacks Upplands Väsby in N01987 2017 (it had assignments in 2016 and 2018)
    assert ("0114", 2017) not in assigned and ("0114", 2016) in assigned
    assert result.loc["ratio_2017_stockholm", "status"] == "no source"
    # One rule for every N01987 row: the same measure, judged by the tolerance policy.
    claims = load_claims().set_index("id")
    proxy = claims[claims["params"].str.contains("N01987")]
    assert len(proxy) == 5 and set(proxy["same_measure"]) == {"true"}
    assert {result.loc[i, "status"] for i in proxy.index} == {"reproduced",
                                                              "within tolerance"}


def test_survey_strategy_checked_against_the_summary_count(result) -> None:
    # Chapter 4's summary (p. 28): 15 and 5 of 59 respondents; figure 5's remainder is 10 %.
    assert result.loc["consistency_survey_strategy", "recomputed"] == pytest.approx(500 / 59)
    assert result.loc["consistency_survey_strategy", "status"] == "inconsistent"
    assert result.loc["consistency_survey_strategy_saknas", "recomputed"] == pytest.approx(
        1500 / 59)
    assert result.loc["consistency_survey_strategy_saknas", "status"] == "consistent"


def test_summary_keeps_claims_apart_from_numbers(result) -> None:
    claims = load_claims()
    booleans = set(claims.loc[claims["unit"] == "boolean", "id"])
    assert len(booleans) == 6
    kinds = kind_summary(result.reset_index())
    assert kinds["claim"] == (6, 6)
    assert kinds["number"] == (12, 19)
    assert kinds["consistency"] == (6, 7)
    assert kinds["no source"] == (0, 10)
    assert set(result.index[result["kind"] == "claim"]) == booleans


def test_policy() -> None:
    assert status_of(31.1, 31.08, 1, "", True, False) == "reproduced"
    assert status_of(16.7, 16.5, 1, "", True, False) == "differs"
    assert status_of(16.7, 16.5, 1, "0.7", True, False) == "within tolerance"
    assert status_of(16.7, 15.9, 1, "0.7", True, False) == "differs"
    assert status_of(142, 144, 0, "1%", True, False) == "differs"
    assert status_of(2445, 2443, 0, "1%", True, False) == "within tolerance"
    # a proxy never counts as reproduced, even when the number matches
    assert status_of(23600, 23600, 0, "1%", False, False) == "differs"
    assert status_of(59, 59, 0, "", True, True) == "consistent"
    assert status_of(59, math.nan, 0, "", True, True) == "inconsistent"


def test_claims_file_statuses_are_known() -> None:
    claims = load_claims()
    assert claims["id"].is_unique
    assert len(claims) >= 30


def test_corrupted_value_changes_exactly_the_affected_rows(snapshot_copy: Path,
                                                           result) -> None:
    path = snapshot_copy / "kolada" / "N01986.csv"
    text = path.read_text(encoding="utf-8")
    assert "N01986,1280,2017,T,2443.0\n" in text
    path.write_text(text.replace("N01986,1280,2017,T,2443.0\n", "N01986,1280,2017,T,3000.0\n"),
                    encoding="utf-8")
    after = run_check(_dataset(snapshot_copy)).set_index("id")
    changed = sorted(after.index[after["status"] != result["status"]])
    # Malmö's count and ratio, and Skåne's sum and ratio (10,512 + 557 is 5 % above 10,531);
    # figure 4 for Skåne moves by 0.05 only and differs before and after.
    assert changed == ["mottagna_2017_malmo", "mottagna_2017_skane", "ratio_2017_malmo",
                       "ratio_2017_skane"]


def test_cli_prints_table_and_exits_zero(snapshot_dir: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "kfsk_research.cli", "check", "--edition",
                          "2018", "--data-dir", str(snapshot_dir)], capture_output=True,
                         text=True, check=False, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "fig4_kalmar_2017" in out.stdout and "reproduced" in out.stdout


def test_build_writes_check_page_and_csv(report_2018: Path) -> None:
    with (report_2018 / "tables" / "check.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["id", "claim", "source_ref", "published", "recomputed",
                                     "difference", "tolerance", "status", "expected_status",
                                     "reason"]
        rows = list(reader)
    assert len(rows) == len(load_claims())
    assert 'href="check.html"' in (report_2018 / "index.html").read_text(encoding="utf-8")
    page = (report_2018 / "check.html").read_text(encoding="utf-8")
    # claim ids only as row anchors, never in the visible text
    assert 'id="fig4_kalmar_2017"' in page
    assert "<code>fig4_kalmar_2017</code>" not in page
    assert page.count("fig4_kalmar_2017") == 1
    # Swedish statuses, decimal comma, yes/no claims as ja/nej, no mixed summary
    for english in ("within tolerance", ">differs<", ">reproduced<", "no source"):
        assert english not in page
    assert "<strong>inom tolerans</strong>" in page and "<strong>avviker</strong>" in page
    assert '<td class="num">9,95</td>' in page and '<td class="num">10\u00a0531</td>' in page
    assert "<td>ja</td>" in page or '<td class="num">ja</td>' in page
    assert "Av 19 tal med källa är 12 reproducerade eller inom tolerans och 7 avviker." in page
    assert "Data bekräftar alla sex påståenden i ord (ja/nej)." in page
    # a printed number rounded more coarsely than the recomputed one says so
    assert "avrundat till heltal i rapporten" in page


def test_check_page_only_for_skane_2018() -> None:
    from types import SimpleNamespace

    from kfsk_research.report_pages import is_check_report

    config = load_config()

    def report(e, r):
        return SimpleNamespace(edition=config.edition(e), region=config.region(r))

    assert is_check_report(report(2018, "skane"))
    assert not is_check_report(report(2018, "blekinge"))
    assert not is_check_report(report(2019, "skane"))
