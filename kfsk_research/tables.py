"""The tables behind the chapters, computed from a :class:`~kfsk_research.dataset.Dataset`.

Each function returns a tidy frame sorted by its key; the build writes them as
``tables/<table_id>.csv``. Gaps stay gaps: nothing is filled in.
"""

from __future__ import annotations

import pandas as pd

from kfsk_research import facts
from kfsk_research.dataset import Dataset
from kfsk_research.editions import Edition, Region
from kfsk_research.indicators import (
    aggregate_mean,
    aggregate_sum,
    aggregate_weighted,
    quota_ratio,
    received_24m_per_1000,
    received_per_1000,
)
from kfsk_research.indicators.outcomes import poisson_rate_ci
from kfsk_research.municipalities import SWEDEN_ID, county_area_id
from kfsk_research.sources import migrationsverket

REGION_AREA = "region"
EDUCATION_KPIS = {
    "education_pre_secondary_share": "N00961",
    "education_secondary_share": "N00962",
    "education_tertiary_share": "N00963",
}


def _received(ds: Dataset) -> pd.DataFrame:
    return ds.kpi("N01986").rename(columns={"value": "received"})[
        ["municipality_id", "year", "received"]]


def reception_municipality(ds: Dataset, members: list[str], years: list[int]) -> pd.DataFrame:
    """Per member and year: received (N01986), received after assignment (N01987),
    population 31 Dec the year before (N01951) and received per 1,000 inhabitants with its
    exact 95 % Poisson interval (``received_per_1000_ci_low``/``_ci_high``)."""
    grid = pd.MultiIndex.from_product([members, years], names=["municipality_id", "year"])
    grid = grid.to_frame(index=False).astype({"municipality_id": "string"})
    received = grid.merge(_received(ds), how="left", on=["municipality_id", "year"])
    rates = received_per_1000(received, ds.population())
    rates = poisson_rate_ci(rates, "received", "population_prev_year", "received_per_1000")
    after = ds.kpi("N01987").rename(columns={"value": "received_after_assignment"})
    rates = rates.merge(after[["municipality_id", "year", "received_after_assignment"]],
                        how="left", on=["municipality_id", "year"])
    names = ds.registry.municipalities[["municipality_id", "municipality_name"]]
    out = rates.merge(names, on="municipality_id", how="left")
    cols = ["municipality_id", "municipality_name", "year", "received",
            "received_after_assignment", "population_prev_year", "received_per_1000",
            "received_per_1000_ci_low", "received_per_1000_ci_high"]
    return out[cols].sort_values(["municipality_id", "year"], ignore_index=True)


def reception_county(ds: Dataset, years: list[int]) -> pd.DataFrame:
    """Figure 4 for all counties: received in the last 24 months per 1,000 inhabitants.

    ``received_24m_per_1000`` is the unweighted mean of the municipal rates (the
    definition closest to the report's printed values, see ``kfsk check``);
    ``received_24m_per_1000_weighted`` is Σ received / Σ population for comparison;
    ``received_24m_per_1000_lower`` is a lower bound of the mean where members lack a
    value (Σ rates of the members that have one / all members; equals the mean when none
    is missing).
    """
    rates = received_24m_per_1000(_received(ds), ds.population())
    rates = rates[rates["year"].isin(years)]
    membership = ds.registry.county_membership()
    mean = aggregate_mean(rates, "received_24m_per_1000", membership, by=["year"])
    weighted = aggregate_weighted(rates, "received_24m_per_1000", "population_prev_year",
                                  membership, by=["year"])
    out = mean.merge(
        weighted[["area_id", "year", "received_24m_per_1000"]].rename(
            columns={"received_24m_per_1000": "received_24m_per_1000_weighted"}),
        on=["area_id", "year"])
    reported = rates.merge(membership, on="municipality_id").groupby(["area_id", "year"])[
        "received_24m_per_1000"].sum(min_count=1).rename("received_24m_per_1000_lower")
    out = out.merge(reported.reset_index(), on=["area_id", "year"], how="left")
    out["received_24m_per_1000_lower"] = (out["received_24m_per_1000_lower"]
                                          / out["n_municipalities"])
    out["county_id"] = out["area_id"].str[2:]
    out = out.merge(ds.registry.county_names(), on="county_id", how="left")
    cols = ["county_id", "county_name", "year", "received_24m_per_1000",
            "received_24m_per_1000_weighted", "received_24m_per_1000_lower",
            "n_municipalities", "municipalities_missing"]
    return out[cols].sort_values(["county_id", "year"], ignore_index=True)


def _report_quota_rows(region: Region) -> list[dict]:
    """2017 kommuntal and received as printed in the report (Skåne rows only for Skåne)."""
    rows = []
    pairs = [("0000", "kommuntal_2017_sverige", "mottagna_2017_sverige")]
    if region.region_id == "skane":
        pairs += [("0012", "kommuntal_2017_skane", "mottagna_2017_skane"),
                  ("1280", "kommuntal_2017_malmo", "mottagna_2017_malmo"),
                  ("1275", "kommuntal_2017_perstorp", "mottagna_2017_perstorp")]
    for area_id, quota_id, received_id in pairs:
        try:
            rows.append({"area_id": area_id, "year": 2017,
                         "kommuntal": facts.fact_value(quota_id),
                         "received": facts.fact_value(received_id),
                         "source": f"report ({facts.reference(quota_id)})"})
        except KeyError:
            continue
    return rows


def whole_counties(ds: Dataset, members: list[str]) -> list[str]:
    """Area ids (``00LL``) of the counties whose every municipality is a member."""
    m = ds.registry.municipalities
    inside = set(members)
    out = []
    for county_id, ids in m.groupby("county_id")["municipality_id"]:
        if set(ids) <= inside:
            out.append(county_area_id(county_id))
    return sorted(out)


def quota_vs_received(ds: Dataset, region: Region, members: list[str],
                      edition: Edition) -> pd.DataFrame:
    """Kommuntal against persons received, for Sweden, the region's counties and members.

    County rows are shown only for counties wholly inside the region (see
    :func:`whole_counties`); a region that is not a set of whole counties gets a total row
    (``area_id`` ``region``: sums over its members, a member absent from Migrationsverket's
    file counting as kommuntal 0, received missing if any member lacks it).
    2017 rows (edition 2018 only) are the report's printed figures (``source`` =
    ``report``); 2018 rows take kommuntal and ``received_on_assignment`` from
    Migrationsverket's file and ``received`` (all kommunmottagna) from Kolada N01986.
    Where kommuntal is 0 or absent, ``quota_ratio`` is missing ("inget kommuntal").
    """
    rows = _report_quota_rows(region) if edition.edition == 2018 else []
    report = pd.DataFrame(rows, columns=["area_id", "year", "kommuntal", "received", "source"])
    parts = [report] if rows else []
    if ds.kommuntal_2018 is not None:
        k = ds.kommuntal_2018
        counties = whole_counties(ds, members)
        county_rows = k[k["municipality_id"].str.startswith("00")]
        national = pd.DataFrame([{"municipality_id": SWEDEN_ID,
                                  "kommuntal": county_rows["kommuntal"].sum(min_count=1),
                                  "mottagna": county_rows["mottagna"].sum(min_count=1)}])
        wanted = pd.DataFrame({"municipality_id": [*counties, *members]}).astype("string")
        area = pd.concat([national, wanted.merge(k, how="left", on="municipality_id")],
                         ignore_index=True)
        received = _received(ds)
        received = received[received["year"] == 2018]
        county_received = aggregate_sum(received, "received",
                                        ds.registry.county_membership())
        received_all = pd.concat([
            received[["municipality_id", "received"]],
            county_received.rename(columns={"area_id": "municipality_id"})[
                ["municipality_id", "received"]],
        ])
        area = area.drop(columns=["municipality_name"], errors="ignore").merge(
            received_all, how="left", on="municipality_id")
        area = area.rename(columns={"municipality_id": "area_id",
                                    "mottagna": "received_on_assignment"})
        if not counties:  # the region is not a set of whole counties: add its own total
            member_rows = area[area["area_id"].isin(members)]
            area = pd.concat([area, pd.DataFrame([{
                "area_id": REGION_AREA,
                # a member absent from Migrationsverket's file has no kommuntal (0)
                "kommuntal": member_rows["kommuntal"].fillna(0).sum(),
                "received_on_assignment": member_rows["received_on_assignment"].fillna(0).sum(),
                "received": member_rows["received"].sum(min_count=len(members)),
            }])], ignore_index=True)
        area["year"] = 2018
        area["source"] = migrationsverket.KOMMUNTAL_2018
        parts.append(area)
    if not parts:
        return pd.DataFrame(columns=["area_id", "area_name", "year", "kommuntal", "received",
                                     "received_on_assignment", "quota_ratio", "quota_note",
                                     "source"])
    out = pd.concat(parts, ignore_index=True)
    out = quota_ratio(out)
    out["area_name"] = [f"{region.name} (summa av {len(members)} kommuner)" if a == REGION_AREA
                        else ds.registry.area_name(a) for a in out["area_id"]]
    out["received_on_assignment"] = out.get("received_on_assignment")
    cols = ["area_id", "area_name", "year", "kommuntal", "received", "received_on_assignment",
            "quota_ratio", "quota_note", "source"]
    out["_order"] = out["area_id"].map(lambda a: (0 if a == SWEDEN_ID else
                                                  1 if a.startswith("00") or a == REGION_AREA
                                                  else 2))
    out = out.sort_values(["year", "_order", "area_id"], ignore_index=True)
    return out[cols]


def _reported_sums(participants: pd.DataFrame, exits: pd.DataFrame, share: pd.DataFrame,
                   members: list[str]) -> pd.DataFrame:
    """Lower bounds where the region value is missing: sums over the members that report.

    ``participants_reported`` = Σ participants of reporting members;
    ``exits_work_or_studies_reported`` = Σ leavers × share in work or studies over members
    reporting both. They are labelled as "at least" wherever shown.
    """
    by = ["year", "gender"]
    p = participants[participants["municipality_id"].isin(members)]
    p = p.groupby(by)["participants"].sum(min_count=1).rename("participants_reported")
    e = exits.merge(share, on=["municipality_id", *by])
    e = e[e["municipality_id"].isin(members)]
    e = (e["exits"] * e["share"] / 100).groupby([e["year"], e["gender"]]).sum(min_count=1)
    return pd.concat([p, e.rename("exits_work_or_studies_reported")], axis=1).reset_index()


def _lacking_sets(inputs: list[pd.DataFrame], members: list[str],
                  grid: pd.DataFrame) -> list[set[str]]:
    """Per (year, gender) of ``grid``: the members lacking at least one of ``inputs``."""
    out = []
    for year, gender in grid[["year", "gender"]].itertuples(index=False):
        lacking = set()
        for frame in inputs:
            value = frame.columns[-1]
            rows = frame[(frame["year"] == year) & (frame["gender"] == gender)]
            have = set(rows.loc[rows[value].notna(), "municipality_id"])
            lacking |= set(members) - have
        out.append(lacking)
    return out


def _members_lacking_any(inputs: list[pd.DataFrame], members: list[str],
                         grid: pd.DataFrame) -> list[int]:
    """Per (year, gender) of ``grid``: how many members lack at least one of ``inputs``."""
    return [len(s) for s in _lacking_sets(inputs, members, grid)]


def establishment_gaps(ds: Dataset, members: list[str], years: list[int],
                       kpis: tuple[str, ...] = ("N00960", "N00964", "N00973", "N00961",
                                                "N00962", "N00963")) -> pd.DataFrame:
    """Which members lack which establishment KPI, per year and gender: one row per
    (year, gender, kpi, municipality_id) without a value — the gaps behind the missing
    region values of :func:`establishment_gender`."""
    rows = []
    for kpi in kpis:
        frame = ds.kpi(kpi, gender=None)
        for year in years:
            for gender in ("T", "K", "M"):
                part = frame[(frame["year"] == year) & (frame["gender"] == gender)]
                have = set(part.loc[part["value"].notna(), "municipality_id"])
                rows += [{"year": year, "gender": gender, "kpi": kpi, "municipality_id": m}
                         for m in members if m not in have]
    out = pd.DataFrame(rows, columns=["year", "gender", "kpi", "municipality_id"])
    return out.sort_values(["year", "gender", "kpi", "municipality_id"], ignore_index=True)


def gender_balance(ds: Dataset, members: list[str], years: list[int]) -> pd.DataFrame:
    """Who outnumbers whom among those enrolled in the programme (N00960), per year.

    ``participants_women_reported``/``participants_men_reported`` sum the members that
    report both genders; ``municipalities_missing`` of the ``n_municipalities`` members
    lack one.
    ``participants_rest`` is Σ total (T) of those lacking a gender (missing when one of
    them also lacks T). ``majority_gender`` is ``K``/``M``/``lika`` when it is certain for
    the whole region: every member reports both, or the difference among the reporting
    members exceeds ``participants_rest`` (the rest can shift it by at most that much);
    otherwise empty (cannot be decided from the data).
    """
    frame = ds.kpi("N00960", gender=None)
    frame = frame[frame["municipality_id"].isin(members) & frame["year"].isin(years)]
    wide = frame.pivot_table(index=["year", "municipality_id"], columns="gender",
                             values="value", aggfunc="first")
    wide = wide.reindex(columns=["T", "K", "M"])
    rows = []
    for year in years:
        part = (wide.xs(year, level="year") if year in wide.index.get_level_values("year")
                else pd.DataFrame(columns=["T", "K", "M"]))
        part = part.reindex(members)
        both = part[part["K"].notna() & part["M"].notna()]
        rest = part.drop(index=both.index)
        rest_total = rest["T"].sum() if rest["T"].notna().all() else float("nan")
        women, men = both["K"].sum(), both["M"].sum()
        diff = women - men
        majority = ""
        if not both.empty and (rest.empty or (not pd.isna(rest_total)
                                               and abs(diff) > rest_total)):
            majority = "K" if diff > 0 else "M" if diff < 0 else "lika"
        rows.append({"year": year, "participants_women_reported": women if len(both) else
                     float("nan"), "participants_men_reported": men if len(both) else
                     float("nan"), "n_municipalities": len(members),
                     "municipalities_missing": len(rest), "participants_rest": rest_total,
                     "majority_gender": majority})
    return pd.DataFrame(rows)


def reception_24m_region(ds: Dataset, members: list[str], years: list[int],
                         region_name: str) -> pd.DataFrame:
    """Received in the last 24 months per 1,000 inhabitants for the region and Sweden:
    unweighted mean of the municipal rates over the municipalities that have one
    (``received_24m_per_1000_reported``); ``municipalities_missing`` are left out."""
    from kfsk_research.municipalities import SWEDEN_NAME

    rates = received_24m_per_1000(_received(ds), ds.population())
    everyone = ds.registry.municipalities["municipality_id"].tolist()
    rows = []
    for area_id, name, ids in ((REGION_AREA, region_name, members),
                               (SWEDEN_ID, SWEDEN_NAME, everyone)):
        for year in years:
            have = rates[(rates["year"] == year) & rates["municipality_id"].isin(ids)]
            values = have["received_24m_per_1000"].dropna()
            rows.append({"area_id": area_id, "area_name": name, "year": year,
                         "received_24m_per_1000_reported": values.mean() if len(values)
                         else float("nan"),
                         "n_municipalities": len(ids),
                         "municipalities_missing": len(ids) - len(values)})
    return pd.DataFrame(rows)


def establishment_gender(ds: Dataset, members: list[str], years: list[int]) -> pd.DataFrame:
    """The establishment programme in the region by year and gender (T, K, M).

    Counts are sums over members; shares (0–1) are weighted by the same gender's
    counts: participants (N00960) for education (N00961–N00963), leavers (N00964)
    for exits to work or studies (N00973). A region value is missing when any member
    lacks an input; ``municipalities_missing`` counts such members.
    """
    membership = pd.DataFrame({"municipality_id": members, "area_id": REGION_AREA}).astype(
        "string")
    by = ["year", "gender"]

    def kpi(k, name):
        rows = ds.kpi(k, gender=None).rename(columns={"value": name})
        return rows[rows["year"].isin(years)]

    participants = kpi("N00960", "participants")
    exits = kpi("N00964", "exits")
    grid = pd.MultiIndex.from_product([years, ["T", "K", "M"]], names=by).to_frame(index=False)
    out = grid.astype({"gender": "string"})
    inputs = [participants, exits]
    for name, frame in (("participants", participants), ("exits", exits)):
        agg = aggregate_sum(frame, name, membership, by=by)
        out = out.merge(agg[[*by, name]], on=by, how="left")
    shares = {"exits_work_or_studies_share": ("N00973", exits, "exits")}
    shares.update({col: (k, participants, "participants") for col, k in EDUCATION_KPIS.items()})
    for col, (k, weights, weight_name) in shares.items():
        pct = kpi(k, col)
        pct[col] = pct[col] / 100
        inputs.append(pct)
        frame = pct.merge(weights, on=["municipality_id", *by], how="outer")
        agg = aggregate_weighted(frame, col, weight_name, membership, by=by)
        out = out.merge(agg[[*by, col]], on=by, how="left")
    out["municipalities_missing"] = _members_lacking_any(inputs, members, grid)
    out["exits_work_or_studies"] = out["exits"] * out["exits_work_or_studies_share"]
    out = out.merge(_reported_sums(participants, exits, kpi("N00973", "share"), members),
                    on=by, how="left")
    cols = ["year", "gender", "participants", "exits", "exits_work_or_studies",
            "exits_work_or_studies_share", *EDUCATION_KPIS, "municipalities_missing",
            "participants_reported", "exits_work_or_studies_reported"]
    order = {"T": 0, "K": 1, "M": 2}
    out = out.sort_values(["year", "gender"], key=lambda s: s.map(order) if s.name == "gender"
                          else s, ignore_index=True)
    return out[cols]


def survey_respondents(ds: Dataset, members: list[str]) -> pd.DataFrame:
    """Respondents of the report's 2018 survey per municipality (Skåne only; report ch. 4).

    Members outside Skåne get a missing count (the survey covered Skåne only).
    """
    survey = facts.facts_group("survey_respondents")
    counts = pd.DataFrame({"municipality_id": survey["area_id"].astype("string"),
                           "respondents": survey["value"].astype("int64")})
    names = ds.registry.municipalities[["municipality_id", "municipality_name"]]
    out = names[names["municipality_id"].isin(members)].merge(counts, how="left",
                                                              on="municipality_id")
    out["respondents"] = out["respondents"].astype("Int64")
    return out.sort_values("municipality_id", ignore_index=True)
