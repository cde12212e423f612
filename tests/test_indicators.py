"""Indicator functions on tiny hand-made frames; every expected value is worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kfsk_research.indicators import (
    NO_QUOTA,
    aggregate_mean,
    aggregate_sum,
    aggregate_weighted,
    change_between_years,
    gender_shares,
    quota_ratio,
    received_24m_per_1000,
    received_per_1000,
)


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    if "municipality_id" in df:
        df["municipality_id"] = df["municipality_id"].astype("string")
    return df


def _by_key(df: pd.DataFrame, keys: list[str]) -> dict[tuple, pd.Series]:
    return {tuple(row[k] for k in keys): row for _, row in df.iterrows()}


# --------------------------------------------------------------------------------------
# Reception rates
# --------------------------------------------------------------------------------------

POPULATION = _frame([
    ("1280", 2015, 20_000),
    ("1280", 2016, 50_000),
    ("1280", 2017, 999_999),  # 31 Dec of the same year: must not be used for 2017
    ("1281", 2016, 0),  # population 0 -> missing rate, not inf
    # 1282: no population at all
], ["municipality_id", "year", "population"])


def test_received_per_1000_uses_population_of_the_year_before() -> None:
    received = _frame([
        ("1280", 2016, 50.0),
        ("1280", 2017, 100.0),
        ("1281", 2017, 30.0),
        ("1282", 2017, 10.0),
    ], ["municipality_id", "year", "received"])
    out = received_per_1000(received, POPULATION)
    assert len(out) == 4
    rows = _by_key(out, ["municipality_id", "year"])
    assert rows[("1280", 2016)]["population_prev_year"] == 20_000
    assert rows[("1280", 2016)]["received_per_1000"] == pytest.approx(2.5)  # 50/20000*1000
    assert rows[("1280", 2017)]["population_prev_year"] == 50_000
    assert rows[("1280", 2017)]["received_per_1000"] == pytest.approx(2.0)  # 100/50000*1000
    assert math.isnan(rows[("1281", 2017)]["received_per_1000"])  # population 0
    assert math.isnan(rows[("1282", 2017)]["population_prev_year"])  # no population
    assert math.isnan(rows[("1282", 2017)]["received_per_1000"])
    assert not np.isinf(out["received_per_1000"]).any()
    assert out["received_per_1000"].dtype == "float64"


def test_received_per_1000_missing_received_stays_missing() -> None:
    received = _frame([("1280", 2017, np.nan)], ["municipality_id", "year", "received"])
    out = received_per_1000(received, POPULATION)
    assert out["population_prev_year"].iloc[0] == 50_000
    assert math.isnan(out["received_per_1000"].iloc[0])


def test_received_24m_per_1000() -> None:
    received = _frame([
        ("1280", 2016, 40.0),
        ("1280", 2017, 60.0),
        ("1281", 2016, 5.0),
        ("1281", 2017, 7.0),
        ("1282", 2016, 1.0),
        ("1282", 2017, 2.0),
    ], ["municipality_id", "year", "received"])
    out = received_24m_per_1000(received, POPULATION)
    rows = _by_key(out, ["municipality_id", "year"])
    # (40 + 60) / 50000 (31 Dec 2016) * 1000 = 2.0
    assert rows[("1280", 2017)]["received_24m"] == 100.0
    assert rows[("1280", 2017)]["received_24m_per_1000"] == pytest.approx(2.0)
    # 2016: no 2015 count -> missing, although the 2015 population exists
    assert math.isnan(rows[("1280", 2016)]["received_24m_per_1000"])
    assert math.isnan(rows[("1281", 2017)]["received_24m_per_1000"])  # population 0
    assert math.isnan(rows[("1282", 2017)]["received_24m_per_1000"])  # no population
    assert not np.isinf(out["received_24m_per_1000"]).any()


def test_received_24m_missing_previous_count() -> None:
    received = _frame([("1280", 2016, np.nan), ("1280", 2017, 60.0)],
                      ["municipality_id", "year", "received"])
    out = received_24m_per_1000(received, POPULATION)
    row = out[out["year"] == 2017].iloc[0]
    assert math.isnan(row["received_24m_per_1000"])  # never 60 / 50000 * 1000


# --------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------

# Area X = {A, B}; Y = {B, C} (B belongs to both); Z = {D} (D has no rows at all).
MEMBERSHIP = _frame([
    ("A", "X"), ("B", "X"), ("B", "Y"), ("C", "Y"), ("D", "Z"),
], ["municipality_id", "area_id"])

VALUES = _frame([
    ("A", 2016, 10.0, 100.0),
    ("A", 2017, 20.0, 100.0),
    ("B", 2016, 30.0, 300.0),
    ("B", 2017, 40.0, 300.0),
    ("C", 2016, 50.0, 500.0),
    # C 2017: no row -> Y 2017 missing
], ["municipality_id", "year", "v", "w"])


def test_aggregate_sum() -> None:
    out = aggregate_sum(VALUES, "v", MEMBERSHIP, by=["year"])
    assert len(out) == 6  # 3 areas x 2 years
    rows = _by_key(out, ["area_id", "year"])
    assert rows[("X", 2016)]["v"] == 40.0  # 10 + 30
    assert rows[("X", 2017)]["v"] == 60.0  # 20 + 40
    assert rows[("Y", 2016)]["v"] == 80.0  # 30 + 50
    assert math.isnan(rows[("Y", 2017)]["v"])  # C missing: not 40
    assert math.isnan(rows[("Z", 2016)]["v"])  # D has no rows: not 0
    expected_counts = {("X", 2016): (2, 0), ("X", 2017): (2, 0), ("Y", 2016): (2, 0),
                       ("Y", 2017): (1, 1), ("Z", 2016): (0, 1), ("Z", 2017): (0, 1)}
    for key, (n, missing) in expected_counts.items():
        assert rows[key]["n_municipalities"] == n, key
        assert rows[key]["municipalities_missing"] == missing, key


def test_aggregate_sum_nan_value_counts_as_missing() -> None:
    df = _frame([("A", 2017, 20.0), ("B", 2017, np.nan)], ["municipality_id", "year", "v"])
    membership = _frame([("A", "X"), ("B", "X")], ["municipality_id", "area_id"])
    out = aggregate_sum(df, "v", membership, by=["year"])
    assert len(out) == 1
    assert math.isnan(out["v"].iloc[0])
    assert (out["n_municipalities"].iloc[0], out["municipalities_missing"].iloc[0]) == (1, 1)


def test_aggregate_sum_without_by() -> None:
    df = _frame([("A", 20.0), ("B", 40.0), ("C", 1.0)], ["municipality_id", "v"])
    out = aggregate_sum(df, "v", MEMBERSHIP[MEMBERSHIP["area_id"] == "X"])
    assert out["v"].tolist() == [60.0]
    assert out["n_municipalities"].tolist() == [2]


def test_aggregate_mean() -> None:
    out = aggregate_mean(VALUES, "v", MEMBERSHIP, by=["year"])
    rows = _by_key(out, ["area_id", "year"])
    assert rows[("X", 2016)]["v"] == pytest.approx(20.0)  # (10 + 30) / 2
    assert rows[("X", 2017)]["v"] == pytest.approx(30.0)  # (20 + 40) / 2
    assert rows[("Y", 2016)]["v"] == pytest.approx(40.0)  # (30 + 50) / 2
    assert math.isnan(rows[("Y", 2017)]["v"])  # not 40 (the mean of B alone)
    assert (rows[("Y", 2017)]["n_municipalities"],
            rows[("Y", 2017)]["municipalities_missing"]) == (1, 1)
    assert math.isnan(rows[("Z", 2017)]["v"])


def test_aggregate_weighted() -> None:
    out = aggregate_weighted(VALUES, "v", "w", MEMBERSHIP, by=["year"])
    rows = _by_key(out, ["area_id", "year"])
    # X 2016: (10*100 + 30*300) / (100 + 300) = 10000 / 400 = 25
    assert rows[("X", 2016)]["v"] == pytest.approx(25.0)
    assert rows[("X", 2016)]["w"] == 400.0
    # X 2017: (20*100 + 40*300) / 400 = 14000 / 400 = 35
    assert rows[("X", 2017)]["v"] == pytest.approx(35.0)
    # Y 2016: (30*300 + 50*500) / 800 = 34000 / 800 = 42.5
    assert rows[("Y", 2016)]["v"] == pytest.approx(42.5)
    assert rows[("Y", 2016)]["w"] == 800.0
    assert math.isnan(rows[("Y", 2017)]["v"])
    assert math.isnan(rows[("Y", 2017)]["w"])
    assert rows[("Y", 2017)]["municipalities_missing"] == 1


def test_aggregate_weighted_missing_weight_is_missing_member() -> None:
    df = _frame([("A", 2017, 20.0, 100.0), ("B", 2017, 40.0, np.nan)],
                ["municipality_id", "year", "v", "w"])
    membership = _frame([("A", "X"), ("B", "X")], ["municipality_id", "area_id"])
    out = aggregate_weighted(df, "v", "w", membership, by=["year"])
    assert math.isnan(out["v"].iloc[0])
    assert (out["n_municipalities"].iloc[0], out["municipalities_missing"].iloc[0]) == (1, 1)


def test_aggregate_weighted_zero_total_weight_is_missing_not_inf() -> None:
    df = _frame([("A", 2017, 20.0, 0.0), ("B", 2017, 40.0, 0.0)],
                ["municipality_id", "year", "v", "w"])
    membership = _frame([("A", "X"), ("B", "X")], ["municipality_id", "area_id"])
    out = aggregate_weighted(df, "v", "w", membership, by=["year"])
    assert math.isnan(out["v"].iloc[0])
    assert out["w"].iloc[0] == 0.0


# --------------------------------------------------------------------------------------
# Quota, gender, change
# --------------------------------------------------------------------------------------


def test_quota_ratio() -> None:
    df = pd.DataFrame({
        "area_id": ["a", "b", "c", "d"],
        "kommuntal": pd.array([10, 0, pd.NA, 5], dtype="Int64"),
        "received": [25.0, 3.0, 4.0, np.nan],
    })
    out = quota_ratio(df)
    assert out["quota_ratio"].iloc[0] == pytest.approx(2.5)  # 25 / 10
    assert math.isnan(out["quota_ratio"].iloc[1])  # kommuntal 0: not inf
    assert math.isnan(out["quota_ratio"].iloc[2])  # kommuntal missing
    assert math.isnan(out["quota_ratio"].iloc[3])  # received missing
    assert NO_QUOTA == "inget kommuntal"
    assert out["quota_note"].tolist() == ["", "inget kommuntal", "inget kommuntal", ""]
    assert "quota_ratio" not in df.columns  # the input is not modified


def test_gender_shares() -> None:
    df = _frame([
        ("A", "T", 100.0), ("A", "K", 30.0), ("A", "M", 70.0),
        ("B", "T", 100.0), ("B", "M", 60.0),  # K missing: never 40/100 = T - M
        ("C", "K", 0.0), ("C", "M", 0.0),  # K + M = 0: missing, not a division error
        ("E", "K", 1.0), ("E", "M", 3.0),
    ], ["municipality_id", "gender", "v"])
    out = gender_shares(df, "v", ["municipality_id"])
    rows = _by_key(out, ["municipality_id"])
    assert rows[("A",)]["women_share"] == pytest.approx(0.3)
    assert rows[("A",)]["men_share"] == pytest.approx(0.7)
    assert math.isnan(rows[("B",)]["women_share"])
    assert math.isnan(rows[("B",)]["men_share"])
    assert math.isnan(rows[("C",)]["women_share"])
    assert rows[("E",)]["women_share"] == pytest.approx(0.25)
    assert rows[("E",)]["men_share"] == pytest.approx(0.75)


def test_gender_shares_returns_only_the_input_groups() -> None:
    df = _frame([
        ("A", 2016, "K", 30.0), ("A", 2016, "M", 70.0),
        ("B", 2017, "K", 10.0), ("B", 2017, "M", 30.0),
    ], ["municipality_id", "year", "gender", "v"])
    out = gender_shares(df, "v", ["municipality_id", "year"])
    assert sorted(zip(out["municipality_id"], out["year"], strict=True)) == [
        ("A", 2016), ("B", 2017)]


def test_change_between_years() -> None:
    df = _frame([
        ("A", 2015, 0.0), ("A", 2017, 10.0),
        ("B", 2015, 100.0), ("B", 2017, 150.0),
        ("C", 2017, 5.0),  # no base year
        ("D", 2015, 80.0), ("D", 2016, 1.0), ("D", 2017, 60.0),
    ], ["municipality_id", "year", "v"])
    out = change_between_years(df, "v", 2015, 2017, ["municipality_id"])
    assert list(out.columns) == ["municipality_id", "value_from", "value_to", "change",
                                 "change_pct"]
    rows = _by_key(out, ["municipality_id"])
    assert rows[("A",)]["change"] == 10.0
    assert math.isnan(rows[("A",)]["change_pct"])  # base 0: not inf
    assert rows[("B",)]["change"] == 50.0
    assert rows[("B",)]["change_pct"] == pytest.approx(50.0)  # 50 / 100 * 100
    assert math.isnan(rows[("C",)]["value_from"])
    assert math.isnan(rows[("C",)]["change"])
    assert math.isnan(rows[("C",)]["change_pct"])
    assert rows[("D",)]["change"] == -20.0
    assert rows[("D",)]["change_pct"] == pytest.approx(-25.0)  # -20 / 80 * 100
    assert not np.isinf(out["change_pct"]).any()
