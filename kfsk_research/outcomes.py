"""The tables of chapter 7 (outcomes and costs), computed from a Dataset.

Every table is long: one row per unit and year with ``municipality_id`` (a member's
code, the region's id from the configuration, e.g. ``skane``, or ``0000`` for Sweden),
``municipality_name``, ``level`` (``kommun``, ``region``, ``riket``), ``year`` and one
column per KPI or measure. Region values follow
:func:`kfsk_research.indicators.outcomes.region_values`; Sweden is Kolada's own ``0000``
row, or, for a KPI without one, the unweighted mean of all municipalities (then listed
by :func:`sweden_fallbacks`). Gaps stay gaps.
"""

from __future__ import annotations

import math

import pandas as pd

from kfsk_research.dataset import Dataset
from kfsk_research.editions import Region
from kfsk_research.indicators.outcomes import (
    PARAMETER_DOCS,
    ScenarioParameters,
    distribute,
    poisson_rate_ci,
    region_values,
    scenario_cost,
    wilson_share_ci,
)
from kfsk_research.municipalities import SWEDEN_ID, SWEDEN_NAME
from kfsk_research.sources import kolada

LEVELS = ("kommun", "region", "riket")
KEYS = ["municipality_id", "municipality_name", "level", "year"]

# column: (KPI, gender)
EMPLOYMENT = {
    "refugees_employed_pct": ("N00700", "T"),
    "refugees_employed_women_pct": ("N00700", "K"),
    "refugees_employed_men_pct": ("N00700", "M"),
    "refugees_employed_4_6y_pct": ("N02994", "T"),
    "refugees_employed_10y_pct": ("N02995", "T"),
    "refugees_work_or_studies_pct": ("N00712", "T"),
    "young_refugees_neet_pct": ("N00703", "T"),
}
EXPECTED = {
    "refugees_employed_pct": ("N00700", "T"),
    "refugees_employed_expected_pct": ("N00485", "T"),
    "refugees_employed_deviation_pct": ("N00486", "T"),
}
COSTS = {
    "assistance_share_of_income_pct": ("N00702", "T"),
    "monthly_payment_sek": ("N31806", "T"),
    "economic_assistance_per_inhabitant_sek": ("U31001", "T"),
    "reception_cost_per_inhabitant_sek": ("N40007", "T"),
    "reception_net_cost_per_inhabitant_sek": ("N40010", "T"),
    "purchased_reception_pct": ("N40014", "T"),
    "population": ("N01951", "T"),
}
# kronor per inhabitant: the region value is weighted by the population (a denominator)
PER_INHABITANT = ("economic_assistance_per_inhabitant_sek", "reception_cost_per_inhabitant_sek",
                  "reception_net_cost_per_inhabitant_sek",
                  "reception_revenue_per_inhabitant_sek")
WAVE_YEARS = (2015, 2016, 2017)


def kpis_of(spec: dict[str, tuple[str, str]]) -> list[str]:
    """The KPI ids a table reads, in order."""
    return list(dict.fromkeys(k for k, _ in spec.values()))


def missing_kpis(ds: Dataset, spec: dict[str, tuple[str, str]]) -> list[str]:
    """KPIs of ``spec`` whose file is not among the dataset's inputs."""
    return [k for k in kpis_of(spec) if not ds.has(kolada.kpi_file(k))]


def _wide(ds: Dataset, spec: dict[str, tuple[str, str]], years: list[int]) -> pd.DataFrame:
    """``municipality_id, year`` + one column per spec entry, for every area in Kolada."""
    out = None
    for col, (kpi, gender) in spec.items():
        rows = ds.kpi(kpi, gender=gender)
        rows = rows[rows["year"].isin(years)].rename(columns={"value": col})[
            ["municipality_id", "year", col]]
        out = rows if out is None else out.merge(rows, on=["municipality_id", "year"],
                                                 how="outer")
    out = out.astype({"municipality_id": "string"})
    for col in spec:
        out[col] = out[col].astype("float64")
    return out


def sweden_fallbacks(ds: Dataset, spec: dict[str, tuple[str, str]],
                     years: list[int]) -> list[str]:
    """Columns of ``spec`` without a Kolada ``0000`` row in ``years`` (their Sweden value
    is the unweighted mean of all municipalities)."""
    wide = _wide(ds, spec, years)
    sweden = wide[wide["municipality_id"] == SWEDEN_ID]
    return [c for c in spec if sweden[c].notna().sum() == 0 and wide[c].notna().any()]


def _names(ds: Dataset) -> pd.DataFrame:
    return ds.registry.municipalities[["municipality_id", "municipality_name"]]


def long_table(ds: Dataset, members: list[str], region: Region, wide: pd.DataFrame,
               columns: list[str], years: list[int],
               weights: dict[str, str] | None = None,
               sums: tuple[str, ...] = ()) -> pd.DataFrame:
    """Members, the region and Sweden, one row per unit and year, from ``wide``
    (``municipality_id, year, <columns…>`` for all areas). ``sums`` are totals: their
    region value is the sum over members with a value (``<col>_municipalities_missing``
    says how many lack one)."""
    grid = pd.MultiIndex.from_product([members, years], names=["municipality_id", "year"])
    grid = grid.to_frame(index=False).astype({"municipality_id": "string"})
    munis = grid.merge(wide, on=["municipality_id", "year"], how="left")
    munis = munis.merge(_names(ds), on="municipality_id", how="left")
    munis["level"] = "kommun"
    means = [c for c in columns if c not in sums]
    reg = region_values(munis, means, members, weights)
    for col in sums:
        totals = munis.groupby("year")[col].agg(["sum", "count"])
        reg[col] = reg["year"].map(totals["sum"].where(totals["count"] > 0))
        reg[f"{col}_municipalities_missing"] = reg["year"].map(len(members) - totals["count"])
    reg["municipality_id"] = region.region_id
    reg["municipality_name"] = region.name
    reg["level"] = "region"
    all_munis = wide[~wide["municipality_id"].str.startswith("00")]
    sweden = wide[wide["municipality_id"] == SWEDEN_ID].set_index("year").reindex(years)
    sweden = sweden.reset_index()
    for col in columns:
        if sweden[col].notna().sum() == 0 and all_munis[col].notna().any():
            means_all = all_munis.groupby("year")[col].sum(min_count=1) if col in sums else \
                all_munis.groupby("year")[col].mean()
            sweden[col] = sweden["year"].map(means_all)
    sweden["municipality_id"] = SWEDEN_ID
    sweden["municipality_name"] = SWEDEN_NAME
    sweden["level"] = "riket"
    out = pd.concat([munis, reg, sweden[["municipality_id", "municipality_name", "level",
                                         "year", *columns]]], ignore_index=True)
    out["_order"] = out["level"].map({lv: i for i, lv in enumerate(LEVELS)})
    out = out.sort_values(["_order", "municipality_id", "year"], ignore_index=True)
    counts = [c for c in out.columns if c == "n_municipalities" or
              c.endswith("municipalities_missing")]
    for c in counts:
        out[c] = out[c].astype("Int64")
    return out[[*KEYS, *columns, *counts]]


def employment_refugees(ds: Dataset, members: list[str], region: Region,
                        years: list[int]) -> pd.DataFrame:
    """Refugees (skyddsbehövande och anhöriga) 20–64 in work: N00700 by gender, after 4–6
    years in Sweden (N02994), after 10+ years (N02995, until 2017), in work or studies
    (N00712, from 2018) and 20–25-year-olds neither working nor studying (N00703); percent
    (0–100). Region values are kommunsnitt (unweighted means over members with a value)."""
    return long_table(ds, members, region, _wide(ds, EMPLOYMENT, years), list(EMPLOYMENT),
                      years)


def expected_vs_actual(ds: Dataset, members: list[str], region: Region,
                       years: list[int]) -> pd.DataFrame:
    """N00700 (share of refugees 20–64 in work), Kolada's expected value N00485 and the
    deviation N00486 (percentage points; positive = more in work than expected).
    Region values are kommunsnitt."""
    return long_table(ds, members, region, _wide(ds, EXPECTED, years), list(EXPECTED), years)


def costs_reception(ds: Dataset, members: list[str], region: Region,
                    years: list[int]) -> pd.DataFrame:
    """Self-sufficiency and cost: N00702, N31806, U31001, N40007, N40010, N40014.

    ``reception_revenue_per_inhabitant_sek`` = N40007 − N40010 (the external revenue,
    mostly state compensation, per inhabitant); ``economic_assistance_sek`` = U31001 ×
    population 31 Dec (N01951), kronor. Region values: kronor per inhabitant weighted by
    the population (the region's own kronor per inhabitant over members with a value),
    totals summed, shares and N31806 as kommunsnitt.
    """
    wide = _wide(ds, COSTS, years)
    wide["reception_revenue_per_inhabitant_sek"] = (
        wide["reception_cost_per_inhabitant_sek"] - wide["reception_net_cost_per_inhabitant_sek"])
    wide["economic_assistance_sek"] = (wide["economic_assistance_per_inhabitant_sek"]
                                       * wide["population"])
    columns = ["assistance_share_of_income_pct", "monthly_payment_sek",
               "economic_assistance_per_inhabitant_sek", "reception_cost_per_inhabitant_sek",
               "reception_net_cost_per_inhabitant_sek", "reception_revenue_per_inhabitant_sek",
               "purchased_reception_pct", "economic_assistance_sek", "population"]
    out = long_table(ds, members, region, wide, columns, years,
                     weights=dict.fromkeys(PER_INHABITANT, "population"),
                     sums=("economic_assistance_sek", "population"))
    # a weighted kronor-per-inhabitant value or a total over only some members is not the
    # region's: a year in which a member lacks a value is a gap (the count says how many)
    region_rows = out["level"] == "region"
    for col in (*PER_INHABITANT, "economic_assistance_sek"):
        missing = out[f"{col}_municipalities_missing"].fillna(0).astype("int64")
        out.loc[region_rows & missing.gt(0), col] = math.nan
    return out


def reception_vs_employment(ds: Dataset, members: list[str], employment_year: int,
                            wave: tuple[int, ...] = WAVE_YEARS) -> pd.DataFrame:
    """Every municipality in Sweden: persons received in the ``wave`` years (N01986) per
    1,000 inhabitants on 31 Dec of the year before the first (N01951), with its 95 %
    Poisson interval, against N00700 in ``employment_year``. ``in_region`` marks members."""
    received = ds.kpi("N01986")
    received = received[received["year"].isin(wave)]
    counts = received.groupby("municipality_id")["value"].agg(["sum", "count"])
    pop = ds.population()
    pop = pop[pop["year"] == wave[0] - 1].set_index("municipality_id")["population"]
    employed = ds.kpi("N00700")
    employed = employed[employed["year"] == employment_year].set_index("municipality_id")[
        "value"]
    m = ds.registry.municipalities
    out = m[["municipality_id", "municipality_name", "county_id"]].copy()
    out["in_region"] = out["municipality_id"].isin(members)
    out["year"] = employment_year
    full = counts["count"] == len(wave)
    out["received_wave"] = out["municipality_id"].map(counts["sum"].where(full))
    out["population_before_wave"] = out["municipality_id"].map(pop).astype("float64")
    out["received_wave_per_1000"] = (out["received_wave"] / out["population_before_wave"]
                                     * 1000)
    out = poisson_rate_ci(out, "received_wave", "population_before_wave",
                          "received_wave_per_1000")
    out["refugees_employed_pct"] = out["municipality_id"].map(employed).astype("float64")
    return out.sort_values("municipality_id", ignore_index=True)


# -- the cost scenario ----------------------------------------------------------------------

DEFAULT_ASSUMPTIONS = {"assistance_share": 0.5, "persons_per_household": 1.5, "months": 10,
                       "horizon_years": 3, "spread": 0.10}


def scenario_inputs(ds: Dataset, members: list[str], year: int) -> pd.DataFrame:
    """Per member in ``year``: leavers (N00964), their shares in work (N00971, with a 95 %
    Wilson interval over the leavers), in work or studies (N00973) and in labour-market
    programmes (N00991) 90 days after leaving, as 0–1; N31806 (kronor per household and
    month) and N02994 (percent)."""
    def value(kpi: str) -> pd.Series:
        rows = ds.kpi(kpi)
        return rows[rows["year"] == year].set_index("municipality_id")["value"].astype(
            "float64")

    out = _names(ds)
    out = out[out["municipality_id"].isin(members)].reset_index(drop=True)
    out["year"] = year
    out["exits"] = out["municipality_id"].map(value("N00964"))
    for col, kpi in (("exits_work_share", "N00971"), ("exits_work_or_studies_share", "N00973"),
                     ("exits_programme_share", "N00991")):
        out[col] = (out["municipality_id"].map(value(kpi)) / 100
                    if ds.has(kolada.kpi_file(kpi)) else math.nan)
    out = wilson_share_ci(out, "exits_work_share", "exits")
    out["monthly_payment_sek"] = (out["municipality_id"].map(value("N31806"))
                                  if ds.has(kolada.kpi_file("N31806")) else math.nan)
    out["refugees_employed_4_6y_pct"] = (out["municipality_id"].map(value("N02994"))
                                         if ds.has(kolada.kpi_file("N02994")) else math.nan)
    return out.sort_values("municipality_id", ignore_index=True)


def scenario_defaults(ds: Dataset, members: list[str], year: int) -> dict[str, dict]:
    """Each parameter's default for the region in ``year``: ``value``, ``source`` (where
    it came from, in Swedish) and, for data-based ones, ``n`` (members with a value)."""
    inputs = scenario_inputs(ds, members, year)
    out: dict[str, dict] = {}
    exits = inputs["exits"]
    out["leavers"] = {"value": float(exits.sum()) if exits.notna().any() else math.nan,
                      "n": int(exits.notna().sum()),
                      "source": f"Kolada N00964 {year}, summa över kommunerna"}
    employed = inputs["refugees_employed_4_6y_pct"]
    source = f"Kolada N02994 {year}, kommunsnitt"
    if employed.notna().sum() == 0 and ds.has(kolada.kpi_file("N00700")):
        rows = ds.kpi("N00700")
        rows = rows[(rows["year"] == year) & rows["municipality_id"].isin(members)]
        employed = rows["value"]
        source = f"Kolada N00700 {year}, kommunsnitt (N02994 saknas)"
    out["employed_share"] = {"value": float(employed.mean()) / 100
                             if employed.notna().any() else math.nan,
                             "n": int(employed.notna().sum()), "source": source}
    pay = inputs["monthly_payment_sek"]
    out["monthly_payment"] = {"value": float(pay.mean()) if pay.notna().any() else math.nan,
                              "n": int(pay.notna().sum()),
                              "source": f"Kolada N31806 {year}, kommunsnitt (per kommun i "
                                        "beräkningen)"}
    for name, value in DEFAULT_ASSUMPTIONS.items():
        out[name] = {"value": value, "source": "antagande"}
    return out


def resolve_parameters(defaults: dict[str, dict],
                       given: dict[str, float | None]) -> tuple[ScenarioParameters, dict]:
    """Parameters from ``given`` (``None`` = default) and which were overridden."""
    values, overridden = {}, {}
    for name in ("leavers", "employed_share", "assistance_share", "persons_per_household",
                 "monthly_payment", "months", "horizon_years", "spread"):
        g = given.get(name)
        overridden[name] = g is not None
        values[name] = float(g) if g is not None else defaults[name]["value"]
    values["horizon_years"] = int(values["horizon_years"])
    params = ScenarioParameters(**values)
    params.check()
    return params, overridden


def parameter_table(defaults: dict[str, dict], params: ScenarioParameters,
                    overridden: dict[str, bool]) -> pd.DataFrame:
    """One row per parameter: value, unit, description, source and whether it was given."""
    rows = []
    for name, value in params.as_dict().items():
        unit, label, reasoning = PARAMETER_DOCS[name]
        d = defaults[name]
        source = "angivet vid körningen" if overridden[name] else d["source"]
        rows.append({"parameter": name, "parameter_value": value, "parameter_unit": unit,
                     "parameter_label": label, "source": source, "reasoning": reasoning,
                     "default_value": d["value"], "overridden": overridden[name]})
    return pd.DataFrame(rows)


def scenario_cost_table(ds: Dataset, members: list[str], region: Region,
                        params: ScenarioParameters, overridden: dict[str, bool],
                        year: int) -> pd.DataFrame:
    """Projected yearly försörjningsstöd cost for each member and the region (sum over
    members with a value), for the ``horizon_years`` after ``year``; low / central / high.

    Per member: leavers = N00964 in ``year`` (a given ``leavers`` is the region total,
    split in proportion to N00964); monthly payment = N31806 in ``year``, the region's
    kommunsnitt where a member lacks one (``monthly_payment_imputed``), or the given value.
    """
    inputs = scenario_inputs(ds, members, year)
    base = inputs[["municipality_id", "municipality_name"]].copy()
    base["leavers"] = (distribute(params.leavers, inputs["exits"]) if overridden["leavers"]
                       else inputs["exits"])
    pay = inputs["monthly_payment_sek"]
    if overridden["monthly_payment"]:
        base["monthly_payment"] = params.monthly_payment
        base["monthly_payment_imputed"] = False
    else:
        base["monthly_payment"] = pay.fillna(pay.mean())
        base["monthly_payment_imputed"] = pay.isna()
    if base["monthly_payment"].isna().all():
        base["monthly_payment_imputed"] = False
    cost = scenario_cost(base, params, year + 1)
    cost = cost.merge(base[["municipality_id", "municipality_name", "monthly_payment_imputed"]],
                      on="municipality_id")
    cost["level"] = "kommun"
    value_cols = ["leavers", *[f"scenario_households_{c}" for c in ("low", "central", "high")],
                  *[f"scenario_cost_{c}_sek" for c in ("low", "central", "high")]]
    reg = cost.groupby(["year", "projection_year"])
    region_rows = reg[value_cols].sum(min_count=1)
    have = reg["scenario_cost_central_sek"].count()
    region_rows["n_municipalities"] = have
    region_rows["municipalities_missing"] = len(members) - have
    region_rows = region_rows.reset_index()
    region_rows["municipality_id"] = region.region_id
    region_rows["municipality_name"] = region.name
    region_rows["level"] = "region"
    region_rows["monthly_payment"] = math.nan
    out = pd.concat([cost, region_rows], ignore_index=True)
    out = out.rename(columns={"monthly_payment": "monthly_payment_sek"})
    out["_order"] = out["level"].map({"kommun": 0, "region": 1})
    out = out.sort_values(["_order", "municipality_id", "year"], ignore_index=True)
    for c in ("n_municipalities", "municipalities_missing"):
        out[c] = out[c].astype("Int64")
    cols = [*KEYS, "projection_year", "leavers", "monthly_payment_sek",
            "monthly_payment_imputed", *value_cols[1:], "n_municipalities",
            "municipalities_missing"]
    return out[cols]


def scenario_vs_outcome(ds: Dataset, members: list[str], region: Region,
                        scenario: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """The scenario's projection beside what happened, for projection years in the data.

    Realised: ekonomiskt bistånd paid (U31001 × population, kronor) in the year minus
    ``base_year``, and the change in N00702 (percentage points). U31001 covers all
    households, not only refugees: the comparison is indicative. Region rows sum
    (kronor) or average (N00702) over the members that have the scenario and both years'
    value in *every* known projection year (``n_municipalities``, the same set each year,
    so the series compares like with like); the projection is summed over the same members.
    """
    munis = scenario[scenario["level"] == "kommun"]
    years = sorted(munis["year"].unique())
    costs = _wide(ds, {k: COSTS[k] for k in ("assistance_share_of_income_pct",
                                             "economic_assistance_per_inhabitant_sek",
                                             "population")},
                  [base_year, *years])
    costs["economic_assistance_sek"] = (costs["economic_assistance_per_inhabitant_sek"]
                                        * costs["population"])
    costs = costs[costs["municipality_id"].isin(members)]
    base = costs[costs["year"] == base_year].set_index("municipality_id")
    known = [y for y in years if costs.loc[costs["year"] == y,
                                           "economic_assistance_sek"].notna().any()]
    cols = [*KEYS, "scenario_cost_low_sek", "scenario_cost_central_sek",
            "scenario_cost_high_sek", "economic_assistance_base_sek", "economic_assistance_sek",
            "economic_assistance_change_sek", "assistance_share_of_income_base_pct",
            "assistance_share_of_income_pct", "assistance_share_of_income_change_pp",
            "n_municipalities", "municipalities_missing"]
    if not known:
        return pd.DataFrame(columns=cols)
    rows = munis[munis["year"].isin(known)][
        ["municipality_id", "municipality_name", "level", "year", "scenario_cost_low_sek",
         "scenario_cost_central_sek", "scenario_cost_high_sek"]]
    rows = rows.merge(costs[["municipality_id", "year", "economic_assistance_sek",
                             "assistance_share_of_income_pct"]],
                      on=["municipality_id", "year"], how="left")
    rows["economic_assistance_base_sek"] = rows["municipality_id"].map(
        base["economic_assistance_sek"])
    rows["assistance_share_of_income_base_pct"] = rows["municipality_id"].map(
        base["assistance_share_of_income_pct"])
    rows["economic_assistance_change_sek"] = (rows["economic_assistance_sek"]
                                              - rows["economic_assistance_base_sek"])
    rows["assistance_share_of_income_change_pp"] = (
        rows["assistance_share_of_income_pct"] - rows["assistance_share_of_income_base_pct"])
    # one fixed set of members for every year, so that the region's series compares like
    # with like: those with the scenario and both years' value in every known year
    ok_all = (rows["economic_assistance_change_sek"].notna()
              & rows["scenario_cost_central_sek"].notna())
    n_years = rows["year"].nunique()
    fixed = set(ok_all.groupby(rows["municipality_id"]).sum().loc[lambda c: c == n_years].index)
    pp_all = rows["assistance_share_of_income_change_pp"].notna()
    fixed_pp = set(pp_all.groupby(rows["municipality_id"]).sum().loc[
        lambda c: c == n_years].index)
    region_rows = []
    for year, g in rows.groupby("year"):
        ok = g["municipality_id"].isin(fixed)
        pp = g["municipality_id"].isin(fixed_pp)
        sel = g[ok]
        region_rows.append({
            "municipality_id": region.region_id, "municipality_name": region.name,
            "level": "region", "year": year,
            **{c: sel[c].sum() if ok.any() else math.nan for c in (
                "scenario_cost_low_sek", "scenario_cost_central_sek", "scenario_cost_high_sek",
                "economic_assistance_base_sek", "economic_assistance_sek",
                "economic_assistance_change_sek")},
            "assistance_share_of_income_base_pct":
                g.loc[pp, "assistance_share_of_income_base_pct"].mean(),
            "assistance_share_of_income_pct": g.loc[pp, "assistance_share_of_income_pct"].mean(),
            "assistance_share_of_income_change_pp":
                g.loc[pp, "assistance_share_of_income_change_pp"].mean(),
            "n_municipalities": int(ok.sum()),
            "municipalities_missing": len(members) - int(ok.sum()),
        })
    out = pd.concat([rows, pd.DataFrame(region_rows)], ignore_index=True)
    for c in ("n_municipalities", "municipalities_missing"):
        out[c] = out[c].astype("Int64")
    out["_order"] = out["level"].map({"kommun": 0, "region": 1})
    out = out.sort_values(["_order", "municipality_id", "year"], ignore_index=True)
    return out[cols]
