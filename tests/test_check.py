"""Reproduction check: statuses as expected, the policy, and a corrupted input."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest

from kfsk_research.check import load_claims, run_check, status_of
from kfsk_research.dataset import load_dataset
from kfsk_research.editions import load_config


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


def test_policy() -> None:
    assert status_of(31.1, 31.08, 1, "0.7", True, False) == "reproduced"
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
    # figure 4 for Skåne moves by 0.05 only and stays within tolerance.
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
    assert "fig4_kalmar_2017" in (report_2018 / "check.html").read_text(encoding="utf-8")
