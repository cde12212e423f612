"""Chapter 7 (outcomes and costs): intervals, region values and the cost scenario.

Expected values are read by hand from the snapshot CSVs (file and line cited; line 1
is the header) and computed on paper, not with the package.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from kfsk_research import outcomes
from kfsk_research.indicators.outcomes import (
    ScenarioParameters,
    distribute,
    interval_uncertain,
    poisson_rate_ci,
    region_values,
    scenario_cost,
    wilson_interval,
    wilson_share_ci,
)

BLEKINGE = ["1060", "1080", "1081", "1082", "1083"]


# -- intervals ----------------------------------------------------------------------------

def test_poisson_interval_matches_tabulated_exact_limits() -> None:
    # Garwood limits for k = 10 (standard tables): 4.795, 18.390; for k = 0: 0, 3.689
    frame = pd.DataFrame({"k": [10.0, 0.0, None, 5.0], "n": [1000.0, 1000.0, 1000.0, 0.0]})
    out = poisson_rate_ci(frame, "k", "n", "rate")
    assert out["rate_ci_low"][0] == pytest.approx(4.795, abs=1e-3)
    assert out["rate_ci_high"][0] == pytest.approx(18.390, abs=1e-3)
    assert out["rate_ci_low"][1] == 0.0
    assert out["rate_ci_high"][1] == pytest.approx(3.689, abs=1e-3)
    assert out[["rate_ci_low", "rate_ci_high"]].iloc[2:].isna().all().all()  # gap, zero pop


def test_wilson_interval_matches_hand_computation() -> None:
    # p = 0.5, n = 10: centre 0.5, half = 1.96/(1+0.38415)·sqrt(0.025+0.009604) = 0.2634
    low, high = wilson_interval(0.5, 10)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    low, high = wilson_interval(0.0, 20)  # never below 0, upper 3.84/(20+3.84) = 0.1611
    assert low == 0.0 and high == pytest.approx(0.1611, abs=1e-4)
    assert all(math.isnan(v) for v in wilson_interval(0.3, 0))
    pct = wilson_share_ci(pd.DataFrame({"s": [50.0], "n": [10]}), "s", "n", scale=100)
    assert pct["s_ci_low"][0] == pytest.approx(23.66, abs=0.01)


def test_interval_flag_uses_stated_width() -> None:
    frame = pd.DataFrame({"x": [10.0, 10.0, None], "x_ci_low": [9.0, 4.0, None],
                          "x_ci_high": [11.0, 17.0, None]})
    assert interval_uncertain(frame, "x", 5.0).tolist() == [False, True, False]
    assert interval_uncertain(frame, "x", 0.5, relative=True).tolist() == [False, True, False]


# -- region values ------------------------------------------------------------------------

def test_region_values_unweighted_mean_of_members_with_a_value() -> None:
    frame = pd.DataFrame({"municipality_id": ["a", "b", "c", "x"], "year": [2020] * 4,
                          "v": [10.0, None, 30.0, 99.0], "w": [1.0, 2.0, None, 5.0],
                          "pop": [100.0, 100.0, 300.0, 1.0]})
    out = region_values(frame, ["v", "w"], ["a", "b", "c"], weights={"w": "pop"})
    row = out.iloc[0]
    assert row["v"] == 20.0 and row["n_municipalities"] == 2
    assert row["municipalities_missing"] == 1
    assert row["w"] == pytest.approx((1 * 100 + 2 * 100) / 200)  # weighted, c lacks w
    assert row["w_municipalities_missing"] == 1


# -- the scenario on a toy region ---------------------------------------------------------

def _params(**kw) -> ScenarioParameters:
    base = {"leavers": None, "employed_share": 0.4, "assistance_share": 0.5,
            "persons_per_household": 1.5, "monthly_payment": None, "months": 10,
            "horizon_years": 3, "spread": 0.1}
    return ScenarioParameters(**{**base, **kw})


def test_scenario_formula_and_cases() -> None:
    base = pd.DataFrame({"municipality_id": ["a"], "leavers": [30.0],
                         "monthly_payment": [8000.0]})
    out = scenario_cost(base, _params(), 2018)
    # year 1: 30 × 0.6 × 0.5 / 1.5 = 6 households × 8 000 × 10 = 480 000 kr
    assert out["scenario_cost_central_sek"].tolist() == pytest.approx([480_000, 960_000,
                                                                       1_440_000])
    assert out["year"].tolist() == [2018, 2019, 2020]
    # low: 30 × 0.5 × 0.4 / 1.5 = 4 households; high: 30 × 0.7 × 0.6 / 1.5 = 8.4
    assert out["scenario_households_low"][0] == pytest.approx(4.0)
    assert out["scenario_households_high"][0] == pytest.approx(8.4)


def test_scenario_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="employed_share"):
        _params(employed_share=1.5).check()
    with pytest.raises(ValueError, match="months"):
        _params(months=13).check()


def test_distribute_keeps_the_total() -> None:
    split = distribute(100.0, pd.Series([1.0, 3.0, None]))
    assert split.tolist() == [25.0, 75.0, 0.0]


# -- tables from the snapshot -------------------------------------------------------------

@pytest.fixture(scope="module")
def blekinge(config):
    return config.region("blekinge")


@pytest.fixture(scope="module")
def skane(config):
    return config.region("skane")


def _row(frame: pd.DataFrame, code: str, year: int) -> pd.Series:
    hit = frame[(frame["municipality_id"] == code) & (frame["year"] == year)]
    assert len(hit) == 1, (code, year)
    return hit.iloc[0]


def test_employment_refugees_by_hand(dataset_2018, skane) -> None:
    members = dataset_2018.registry.members(skane)
    table = outcomes.employment_refugees(dataset_2018, members, skane,
                                         list(range(2013, 2023)))
    # kolada/N00700.csv line 5373: N00700,1280,2022,T,62.52568264 (Malmö)
    assert _row(table, "1280", 2022)["refugees_employed_pct"] == pytest.approx(62.52568264)
    # line 5189: N00700,1275,2022,T,55.7195572 (Perstorp); 5187/5188: K 45.188…, M 64.026…
    perstorp = _row(table, "1275", 2022)
    assert perstorp["refugees_employed_pct"] == pytest.approx(55.7195572)
    assert perstorp["refugees_employed_women_pct"] == pytest.approx(45.18828452)
    assert perstorp["refugees_employed_men_pct"] == pytest.approx(64.02640264)
    # line 30: N00700,0000,2022,T,67.73561872 (Sweden is Kolada's own row)
    assert _row(table, "0000", 2022)["refugees_employed_pct"] == pytest.approx(67.73561872)
    region = _row(table, "skane", 2022)
    assert region["level"] == "region" and region["n_municipalities"] == 33
    # N00712 starts in 2018, N02995 stops in 2017 (data/README.md): gaps stay gaps
    assert pd.isna(_row(table, "skane", 2017)["refugees_work_or_studies_pct"])
    assert pd.isna(region["refugees_employed_10y_pct"])
    assert region["refugees_employed_10y_pct_municipalities_missing"] == 33
    assert set(table["level"]) == {"kommun", "region", "riket"}
    assert len(table) == (33 + 2) * 10


def test_expected_vs_actual_by_hand(dataset_2018, blekinge) -> None:
    members = dataset_2018.registry.members(blekinge)
    table = outcomes.expected_vs_actual(dataset_2018, members, blekinge, [2022])
    # kolada/N00486.csv line 946: N00486,1082,2022,T,0.90677966 (Karlshamn, above zero)
    assert _row(table, "1082", 2022)["refugees_employed_deviation_pct"] == pytest.approx(
        0.90677966)
    # line 936: N00486,1081,2022,T,-9.80688424 (Ronneby, below); N00485.csv line 936: 63.3
    ronneby = _row(table, "1081", 2022)
    assert ronneby["refugees_employed_deviation_pct"] == pytest.approx(-9.80688424)
    assert ronneby["refugees_employed_expected_pct"] == pytest.approx(63.3)
    # region: mean of lines 916, 926, 936, 946, 956
    mean = (-0.15508021 - 2.51831502 - 9.80688424 + 0.90677966 - 2.21638734) / 5
    assert _row(table, "blekinge", 2022)["refugees_employed_deviation_pct"] == pytest.approx(
        mean)


def test_costs_reception_by_hand(dataset_2018, skane, blekinge) -> None:
    members = dataset_2018.registry.members(skane)
    table = outcomes.costs_reception(dataset_2018, members, skane, [2017, 2022])
    malmo = _row(table, "1280", 2022)  # Skåne's largest municipality
    # kolada/N40010.csv line 3284: N40010,1280,2022,T,-10.697386
    assert malmo["reception_net_cost_per_inhabitant_sek"] == pytest.approx(-10.697386)
    # N40007.csv line 2931: 366.962619 → external revenue 366.962619 + 10.697386
    assert malmo["reception_revenue_per_inhabitant_sek"] == pytest.approx(377.660005)
    # line 3279: N40010,1280,2017,T,-390.192217
    assert _row(table, "1280", 2017)["reception_net_cost_per_inhabitant_sek"] == \
        pytest.approx(-390.192217)
    members = dataset_2018.registry.members(blekinge)
    table = outcomes.costs_reception(dataset_2018, members, blekinge, [2022])
    region = _row(table, "blekinge", 2022)
    # U31001.csv lines 1167–1219 × N01951.csv lines 9796–10144 (Blekinge 2022)
    total = (137.5959419 * 13159 + 667.8880957 * 66682 + 1276.296136 * 29169
             + 878.2990129 * 32216 + 366.550531 * 17514)
    assert region["economic_assistance_sek"] == pytest.approx(total)
    assert region["economic_assistance_per_inhabitant_sek"] == pytest.approx(
        total / (13159 + 66682 + 29169 + 32216 + 17514))


def test_costs_region_kronor_per_inhabitant_is_a_gap_when_members_lack_it(
        dataset_2018, skane) -> None:
    members = dataset_2018.registry.members(skane)
    table = outcomes.costs_reception(dataset_2018, members, skane, [2010, 2011, 2012])
    region = table[table["level"] == "region"].set_index("year")
    # U31001.csv has Bjuv (1260) at lines 1295–1296 and Malmö (1280) at lines 1487–1488
    # for 2010 and 2012 but no 2011 row: 2011 is a gap, not a value over 31 municipalities
    # (which read 915 kronor, a dip that only reflects Malmö's absence)
    assert math.isnan(region.loc[2011, "economic_assistance_per_inhabitant_sek"])
    assert math.isnan(region.loc[2011, "economic_assistance_sek"])
    assert region.loc[2011, "economic_assistance_per_inhabitant_sek_municipalities_missing"] == 2
    assert region.loc[2010, "economic_assistance_per_inhabitant_sek_municipalities_missing"] == 0
    # 2010 and 2012 stay: Malmö 2 276 × 298 963 (N01951.csv line 12022) is part of the sum
    assert region.loc[2010, "economic_assistance_per_inhabitant_sek"] == pytest.approx(
        region.loc[2010, "economic_assistance_sek"] / region.loc[2010, "population"])
    malmo = _row(table, "1280", 2010)
    assert malmo["economic_assistance_sek"] == pytest.approx(2276.0 * 298963.0)


def test_reception_vs_employment_poisson(dataset_2018, blekinge) -> None:
    members = dataset_2018.registry.members(blekinge)
    table = outcomes.reception_vs_employment(dataset_2018, members, 2022)
    assert len(table) == 290 and table["in_region"].sum() == 5
    ronneby = table.set_index("municipality_id").loc["1081"]
    # N01986.csv lines 2975, 2978, 2981: 602 + 635 + 525; N01951.csv line 9946: 28221
    assert ronneby["received_wave"] == 1762
    assert ronneby["received_wave_per_1000"] == pytest.approx(1762 / 28221 * 1000)
    assert ronneby["received_wave_per_1000_ci_low"] < 62.44 < ronneby[
        "received_wave_per_1000_ci_high"]
    # a normal approximation gives ±1.96·sqrt(1762)/28.221 = ±2.92 per 1,000
    width = ronneby["received_wave_per_1000_ci_high"] - ronneby["received_wave_per_1000_ci_low"]
    assert width == pytest.approx(2 * 2.92, abs=0.05)


def test_reception_municipality_has_poisson_interval(dataset_2018, blekinge) -> None:
    from kfsk_research import tables

    members = dataset_2018.registry.members(blekinge)
    table = tables.reception_municipality(dataset_2018, members, [2017])
    ronneby = table.set_index("municipality_id").loc["1081"]
    # N01986.csv line 2981: 525 received in 2017; N01951.csv line 9952: 29 207 on 31/12 2016
    assert ronneby["received_per_1000"] == pytest.approx(525 / 29207 * 1000)
    # normal approximation ±1.96·sqrt(525)/29.207 = ±1.54 per 1,000; the exact interval is
    # a little wider and lies higher (Poisson skew)
    low, high = ronneby["received_per_1000_ci_low"], ronneby["received_per_1000_ci_high"]
    assert high - low == pytest.approx(2 * 1.54, abs=0.05)
    assert high - ronneby["received_per_1000"] > ronneby["received_per_1000"] - low


# -- the scenario by hand: Blekinge, edition 2023 (data year 2022) ------------------------

def test_central_scenario_by_hand_blekinge_2023(dataset_2018, blekinge) -> None:
    members = dataset_2018.registry.members(blekinge)
    assert members == BLEKINGE
    defaults = outcomes.scenario_defaults(dataset_2018, members, 2022)
    # N02994.csv lines 1517, 1537, 1557, 1577, 1593 (2022, T): kommunsnitt / 100
    employed = (53.030303 + 56.183745 + 37.377049 + 53.781512 + 57.627118) / 5 / 100
    assert defaults["employed_share"]["value"] == pytest.approx(employed)
    # N00964.csv lines 2398, 2425, 2452, 2479, 2503: 6 + 41 + 27 + 32 + 7
    assert defaults["leavers"]["value"] == 113
    params, overridden = outcomes.resolve_parameters(defaults, {})
    table = outcomes.scenario_cost_table(dataset_2018, members, blekinge, params, overridden,
                                         2022)
    # per municipality leavers × N31806 (lines 1773–1857): Σ = 903 577.01 kr
    leavers_x_pay = (6 * 2164.54545455 + 41 * 7474.07394113 + 27 * 7400.28187919
                     + 32 * 9856.32575758 + 7 * 9848.95287958)
    # × (1 − 0.516) × 0.5 / 1.5 × 10 months = 1 457 773 kr in 2023, three times that in 2025
    by_hand = leavers_x_pay * (1 - employed) * 0.5 / 1.5 * 10
    assert by_hand == pytest.approx(1_457_773, abs=1)
    region = table[table["level"] == "region"].set_index("year")
    assert region.loc[2023, "scenario_cost_central_sek"] == pytest.approx(by_hand)
    assert region.loc[2025, "scenario_cost_central_sek"] == pytest.approx(3 * by_hand)
    assert region.loc[2023, "n_municipalities"] == 5
    # an override changes the result by the expected factor: (1 − 0.3) / (1 − 0.516)
    params3, over3 = outcomes.resolve_parameters(defaults, {"employed_share": 0.3})
    table3 = outcomes.scenario_cost_table(dataset_2018, members, blekinge, params3, over3,
                                          2022)
    region3 = table3[table3["level"] == "region"].set_index("year")
    assert region3.loc[2023, "scenario_cost_central_sek"] == pytest.approx(
        by_hand * 0.7 / (1 - employed))
    params_tab = outcomes.parameter_table(defaults, params3, over3).set_index("parameter")
    assert params_tab.loc["employed_share", "overridden"]
    assert params_tab.loc["employed_share", "parameter_value"] == 0.3


def test_scenario_vs_outcome_holds_only_known_years(dataset_2018, blekinge) -> None:
    members = dataset_2018.registry.members(blekinge)
    defaults = outcomes.scenario_defaults(dataset_2018, members, 2022)
    params, overridden = outcomes.resolve_parameters(defaults, {})
    scenario = outcomes.scenario_cost_table(dataset_2018, members, blekinge, params,
                                            overridden, 2022)
    table = outcomes.scenario_vs_outcome(dataset_2018, members, blekinge, scenario, 2022)
    assert table.empty and "economic_assistance_change_sek" in table.columns


def test_scenario_vs_outcome_skane_2018(dataset_2018, skane) -> None:
    members = dataset_2018.registry.members(skane)
    defaults = outcomes.scenario_defaults(dataset_2018, members, 2017)
    params, overridden = outcomes.resolve_parameters(defaults, {})
    scenario = outcomes.scenario_cost_table(dataset_2018, members, skane, params, overridden,
                                            2017)
    table = outcomes.scenario_vs_outcome(dataset_2018, members, skane, scenario, 2017)
    region = table[table["level"] == "region"].set_index("year")
    assert list(region.index) == [2018, 2019, 2020]
    # U31001 lacks Burlöv and Vellinge in 2017 (the base year) and Bjuv in 2019
    # (data/README.md): the three are left out of every year, so the series compares the
    # same 30 municipalities throughout
    assert region["n_municipalities"].tolist() == [30, 30, 30]
    assert region["municipalities_missing"].tolist() == [3, 3, 3]
    munis = table[table["level"] == "kommun"]
    for year in (2018, 2019, 2020):
        part = munis[(munis["year"] == year) & ~munis["municipality_id"].isin(
            ["1231", "1233", "1260"])]
        assert region.loc[year, "economic_assistance_change_sek"] == pytest.approx(
            part["economic_assistance_change_sek"].sum())
        assert region.loc[year, "scenario_cost_central_sek"] == pytest.approx(
            part["scenario_cost_central_sek"].sum())
    malmo = _row(table, "1280", 2020)
    assert malmo["economic_assistance_change_sek"] == pytest.approx(
        malmo["economic_assistance_sek"] - malmo["economic_assistance_base_sek"])


# -- the built chapter (session build of 2018/skane) ---------------------------------------

@pytest.mark.slow
def test_built_chapter_tables_match_snapshot(report_2018) -> None:
    assert (report_2018 / "chapters" / "07_utfall.html").is_file()
    tables = report_2018 / "tables"
    read = lambda name: pd.read_csv(tables / f"{name}.csv",  # noqa: E731
                                    dtype={"municipality_id": str})
    employment = read("employment_refugees")
    # kolada/N00700.csv lines 5358 and 5174: Malmö 50.28542108, Perstorp 37.97468354 (2017)
    assert _row(employment, "1280", 2017)["refugees_employed_pct"] == pytest.approx(50.28542108)
    assert _row(employment, "1275", 2017)["refugees_employed_pct"] == pytest.approx(37.97468354)
    expected = read("expected_vs_actual")
    # N00486.csv line 1051: Hörby 1263 +4.7002681; line 1251: Kristianstad 1290 −7.22658662
    assert _row(expected, "1263", 2017)["refugees_employed_deviation_pct"] == pytest.approx(
        4.7002681)
    assert _row(expected, "1290", 2017)["refugees_employed_deviation_pct"] == pytest.approx(
        -7.22658662)
    costs = read("costs_reception")
    # N40010.csv line 3279: Malmö 2017 −390.192217
    assert _row(costs, "1280", 2017)["reception_net_cost_per_inhabitant_sek"] == \
        pytest.approx(-390.192217)
    scenario = read("scenario_cost")
    region = scenario[scenario["municipality_id"] == "skane"].set_index("year")
    assert list(region.index) == [2018, 2019, 2020]
    assert region.loc[2020, "scenario_cost_central_sek"] == pytest.approx(
        3 * region.loc[2018, "scenario_cost_central_sek"])
    outcome = read("scenario_vs_outcome")
    assert sorted(outcome["year"].unique()) == [2018, 2019, 2020]
    text = (report_2018 / "chapters" / "07_utfall.html").read_text(encoding="utf-8")
    assert "Det är ett scenario, inte en prognos" in text
    assert "fingervisning" in text
    # 2011 (Bjuv and Malmö lack U31001) is said to be a gap; U31001 covers all households
    assert "2011 (Bjuv och Malmö)" in text
    assert "en del av ökningen gäller andra hushåll" in text
    assert "underskattade ökningen" not in text
    assert "Bjuv, Burlöv och Vellinge saknar uppgift något av åren" in text
    # Sweden's N00702 jumps from 2,1 % (2008) to 4,8 % (2009): flagged as a likely break
    assert "från 2,1\u00a0% 2008 till 4,8\u00a0% 2009" in text
    # scenario costs in million kronor with one decimal, never to the krona
    assert "28,4" in text and "28\u00a0384\u00a0477" not in text
    # parameter names and file names only in the technical box
    prose = re.sub(r"<[^>]+>", " ", text.split("<strong>Räkna om.</strong>")[0])
    for name in ("employed_share", "-p leavers", "scenario_inputs.csv",
                 "costs_reception.csv", "employment_refugees.csv", "scenario_vs_outcome"):
        assert name not in prose, name
    assert "rapportens avsnitt 2.4" in text and "motsvarar kapitel 2.4" not in text
    assert "Socialstyrelsen" in text and "SKR och RKA" in text


# -- kfsk build -p NAME VALUE ----------------------------------------------------------------

def test_unknown_build_parameter_lists_the_chapters_parameters() -> None:
    from kfsk_research.build import NOTEBOOK_DIR, check_parameters
    from kfsk_research.errors import ConfigError

    check_parameters({"employed_share": 0.5}, NOTEBOOK_DIR)  # declared by 07_utfall
    with pytest.raises(ConfigError, match=r"unknown parameter employd_share.*07_utfall: "
                                          r"leavers, employed_share"):
        check_parameters({"employd_share": 0.5}, NOTEBOOK_DIR)
    with pytest.raises(ConfigError, match="set by the build"):
        check_parameters({"edition": 2019}, NOTEBOOK_DIR)


def test_build_parameter_values_and_overrides() -> None:
    from kfsk_research.build import BuildOptions, chapter_overrides
    from kfsk_research.chapters import chapter_spec
    from kfsk_research.cli import parameter_value

    assert [parameter_value(v) for v in ("0.5", "3", "None", "x")] == [0.5, 3, None, "x"]
    options = BuildOptions(parameters={"employed_share": 0.5})
    assert chapter_overrides(chapter_spec("07_utfall"), options) == {"employed_share": 0.5}
    assert chapter_overrides(chapter_spec("02_etablering"), options) == {}


def test_cli_unknown_parameter_exits_3(tmp_path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "kfsk_research.cli", "build", "--edition", "2018", "--region",
         "skane", "--output-dir", str(tmp_path), "-p", "no_such_parameter", "1"],
        capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert "no_such_parameter" in result.stderr and "employed_share" in result.stderr


@pytest.mark.slow
def test_build_override_changes_scenario_and_is_recorded(built_2018, snapshot_dir,
                                                         tmp_path) -> None:
    import json

    from helpers import seed_previous

    from kfsk_research.build import BuildOptions, build

    out = tmp_path / "out"
    report = seed_previous(built_2018, out)
    default = pd.read_csv(report / "tables" / "scenario_cost.csv", dtype={"municipality_id": str})
    lines: list[str] = []
    build([2018], ["skane"], BuildOptions(data_dir=snapshot_dir, output_root=out,
                                          log=lines.append, jobs=1,
                                          parameters={"employed_share": 0.5}))
    # only the chapter that declares the parameter runs again
    assert any("07_utfall" in line and "done" in line for line in lines)
    assert any("02_etablering" in line and "unchanged" in line for line in lines)
    changed = pd.read_csv(report / "tables" / "scenario_cost.csv",
                          dtype={"municipality_id": str})
    manifest = json.loads((report / "manifest.json").read_text())
    assert manifest["parameters"]["overrides"] == {"07_utfall": {"employed_share": 0.5}}
    params = pd.read_csv(report / "tables" / "scenario_parameters.csv").set_index("parameter")
    e0 = params.loc["employed_share", "default_value"]
    region = lambda t: t[t["municipality_id"] == "skane"]["scenario_cost_central_sek"]  # noqa: E731
    assert region(changed).to_numpy() == pytest.approx(
        region(default).to_numpy() * 0.5 / (1 - e0))
    # without the override the default result comes back
    build([2018], ["skane"], BuildOptions(data_dir=snapshot_dir, output_root=out,
                                          log=lambda _m: None, jobs=1))
    restored = pd.read_csv(report / "tables" / "scenario_cost.csv",
                           dtype={"municipality_id": str})
    pd.testing.assert_frame_equal(restored, default)
    assert json.loads((report / "manifest.json").read_text())["parameters"]["overrides"] == {}
