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
    population 31 Dec the year before (N01951) and received per 1,000 inhabitants."""
    grid = pd.MultiIndex.from_product([members, years], names=["municipality_id", "year"])
    grid = grid.to_frame(index=False).astype({"municipality_id": "string"})
    received = grid.merge(_received(ds), how="left", on=["municipality_id", "year"])
    rates = received_per_1000(received, ds.population())
    after = ds.kpi("N01987").rename(columns={"value": "received_after_assignment"})
    rates = rates.merge(after[["municipality_id", "year", "received_after_assignment"]],
                        how="left", on=["municipality_id", "year"])
    names = ds.registry.municipalities[["municipality_id", "municipality_name"]]
    out = rates.merge(names, on="municipality_id", how="left")
    cols = ["municipality_id", "municipality_name", "year", "received",
            "received_after_assignment", "population_prev_year", "received_per_1000"]
    return out[cols].sort_values(["municipality_id", "year"], ignore_index=True)


def reception_county(ds: Dataset, years: list[int]) -> pd.DataFrame:
    """Figure 4 for all counties: received in the last 24 months per 1,000 inhabitants.

    ``received_24m_per_1000`` is the unweighted mean of the municipal rates (the
    definition closest to the report's printed values, see ``kfsk check``);
    ``received_24m_per_1000_weighted`` is Σ received / Σ population for comparison.
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
    out["county_id"] = out["area_id"].str[2:]
    out = out.merge(ds.registry.county_names(), on="county_id", how="left")
    cols = ["county_id", "county_name", "year", "received_24m_per_1000",
            "received_24m_per_1000_weighted", "n_municipalities", "municipalities_missing"]
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


def quota_vs_received(ds: Dataset, region: Region, members: list[str],
                      edition: Edition) -> pd.DataFrame:
    """Kommuntal against persons received, for Sweden, the region's counties and members.

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
        counties = sorted({county_area_id(c) for c in ds.registry.municipalities.loc[
            ds.registry.municipalities["municipality_id"].isin(members), "county_id"]})
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
        area["year"] = 2018
        area["source"] = migrationsverket.KOMMUNTAL_2018
        parts.append(area)
    if not parts:
        return pd.DataFrame(columns=["area_id", "area_name", "year", "kommuntal", "received",
                                     "received_on_assignment", "quota_ratio", "quota_note",
                                     "source"])
    out = pd.concat(parts, ignore_index=True)
    out = quota_ratio(out)
    out["area_name"] = [ds.registry.area_name(a) for a in out["area_id"]]
    out["received_on_assignment"] = out.get("received_on_assignment")
    cols = ["area_id", "area_name", "year", "kommuntal", "received", "received_on_assignment",
            "quota_ratio", "quota_note", "source"]
    out["_order"] = out["area_id"].map(lambda a: (0 if a == SWEDEN_ID else
                                                  1 if a.startswith("00") else 2))
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


def _members_lacking_any(inputs: list[pd.DataFrame], members: list[str],
                         grid: pd.DataFrame) -> list[int]:
    """Per (year, gender) of ``grid``: members lacking at least one of ``inputs``."""
    counts = []
    for year, gender in grid[["year", "gender"]].itertuples(index=False):
        lacking = set()
        for frame in inputs:
            value = frame.columns[-1]
            rows = frame[(frame["year"] == year) & (frame["gender"] == gender)]
            have = set(rows.loc[rows[value].notna(), "municipality_id"])
            lacking |= set(members) - have
        counts.append(len(lacking))
    return counts


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
