"""Reproduction check: the 2018 report's printed numbers recomputed from the sources.

The rows, their tolerances and expected statuses live in ``data/report_claims.csv``;
this module only implements the recomputation methods and the tolerance policy
stated in that file's header.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kfsk_research import facts, tables
from kfsk_research.dataset import Dataset

CLAIMS_FILE = Path(__file__).resolve().parent / "data" / "report_claims.csv"
STATUSES = ("reproduced", "within tolerance", "differs", "no source", "consistent",
            "inconsistent")
# Display labels (check.html); the CSV keeps the status values above.
STATUS_SV = {"reproduced": "reproducerad", "within tolerance": "inom tolerans",
             "differs": "avviker", "no source": "källa saknas", "consistent": "konsistent",
             "inconsistent": "inkonsistent"}
# The statuses that count as a success for each kind of row (see ``kind_summary``).
PASSING = {"number": ("reproduced", "within tolerance"), "claim": ("reproduced",),
           "consistency": ("consistent",), "no source": ()}
CHECK_COLUMNS = ["id", "claim", "source_ref", "published", "recomputed", "difference",
                 "tolerance", "status", "expected_status", "reason"]


def load_claims(path: Path = CLAIMS_FILE) -> pd.DataFrame:
    """The claims table (one row per checkable number)."""
    df = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    bad = sorted(set(df["expected_status"]) - set(STATUSES))
    if bad:
        raise ValueError(f"{path}: unknown expected_status {bad}")
    if df["id"].duplicated().any():
        raise ValueError(f"{path}: duplicate ids {df.loc[df['id'].duplicated(), 'id'].tolist()}")
    return df


def _params(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split(";") if part)


def _years(text: str) -> list[int]:
    a, _, b = text.partition("-")
    return list(range(int(a), int(b or a) + 1))


@dataclass
class Context:
    """What the methods read: the dataset (validated inputs)."""

    ds: Dataset

    def members(self, area: str) -> list[str]:
        """Municipality codes of a county (``12`` or ``0012``) or a single municipality."""
        m = self.ds.registry.municipalities
        county = area[2:] if len(area) == 4 and area.startswith("00") else area
        if len(county) == 2:
            return m.loc[m["county_id"] == county, "municipality_id"].tolist()
        return [area]

    def kolada_sum(self, kpi: str, area: str, year: int, gender: str = "T",
                   absent: frozenset[str] = frozenset()) -> float:
        """A Kolada count for Sweden (its ``0000`` row), a county (sum) or a municipality.

        Missing if a member lacks a value, unless it is listed in ``absent`` (counted as 0:
        the claims file gives the evidence that it had none).
        """
        rows = self.ds.kpi(kpi, gender)
        rows = rows[rows["year"] == year].set_index("municipality_id")["value"]
        if area == "0000":
            return float(rows.get("0000", math.nan))
        values = rows.reindex(self.members(area))
        gaps = set(values.index[values.isna()]) - absent
        return math.nan if gaps else float(values.sum())

    def county_rates(self, year: int) -> pd.Series:
        """Figure 4 as the build computes it (``tables.reception_county``), by county_id."""
        table = tables.reception_county(self.ds, [year])
        return table.set_index("county_id")["received_24m_per_1000"]

    def gender_totals(self, kpi: str, county: str, year: int,
                      weights: str | None = None) -> tuple[float, float]:
        """Sums for K and M over members reporting both genders (optionally × a share)."""
        members = self.members(county)
        out = {}
        for g in ("K", "M"):
            v = self.ds.kpi(kpi, g)
            v = v[(v["year"] == year)].set_index("municipality_id")["value"]
            if weights:
                w = self.ds.kpi(weights, g)
                w = w[(w["year"] == year)].set_index("municipality_id")["value"]
                v = w * v / 100
            out[g] = v.reindex(members)
        both = out["K"].notna() & out["M"].notna()
        return float(out["K"][both].sum()), float(out["M"][both].sum())


def _m_received_24m_mean(ctx: Context, p: dict) -> float:
    return float(ctx.county_rates(int(p["year"])).get(p["county"], math.nan))


def _m_county_rank(ctx: Context, p: dict) -> float:
    rates = ctx.county_rates(int(p["year"])).sort_values(ascending=False)
    return float(list(rates.index).index(p["county"]) + 1 == int(p["rank"]))


def _m_lower_half(ctx: Context, p: dict) -> float:
    ok = True
    for y in _years(p["years"]):
        rates = ctx.county_rates(y).sort_values(ascending=False)
        ok &= list(rates.index).index(p["county"]) + 1 > len(rates) / 2
    return float(ok)


def _absent(p: dict) -> frozenset[str]:
    return frozenset(filter(None, p.get("absent", "").split("+")))


def _m_kolada_sum(ctx: Context, p: dict) -> float:
    return ctx.kolada_sum(p["kpi"], p["area"], int(p["year"]), p.get("gender", "T"),
                          _absent(p))


def _m_kolada_ratio(ctx: Context, p: dict) -> float:
    """One Kolada count over another for the same area and year (e.g. received / quota)."""
    year, absent = int(p["year"]), _absent(p)
    return (ctx.kolada_sum(p["num"], p["area"], year, absent=absent)
            / ctx.kolada_sum(p["den"], p["area"], year, absent=absent))


def _m_over_quota(ctx: Context, p: dict) -> float:
    received = ctx.kolada_sum(p["kpi"], p["area"], int(p["year"]))
    return received / facts.fact_value(p["quota_fact"])


def _m_smallest(ctx: Context, p: dict) -> float:
    pop = ctx.ds.population()
    pop = pop[(pop["year"] == int(p["year"]))
              & pop["municipality_id"].isin(ctx.members(p["county"]))]
    return float(pop.loc[pop["population"].idxmin(), "municipality_id"] == p["area"])


def _m_mv_kommuntal(ctx: Context, p: dict) -> float:
    k = ctx.ds.kommuntal_2018
    if k is None:
        return math.nan
    row = k[k["municipality_id"] == p["area"]]
    return float(row[p["column"]].iloc[0]) if not row.empty else math.nan


def _m_gender_more(ctx: Context, p: dict, weights: str | None = None,
                   kpi: str | None = None) -> float:
    ok = True
    for y in _years(p["years"]):
        k, m = ctx.gender_totals(kpi or p["kpi"], p["county"], y, weights)
        ok &= (m > k) if p.get("more", "M") == "M" else (k > m)
    return float(ok)


def _m_gender_more_exits(ctx: Context, p: dict) -> float:
    return _m_gender_more(ctx, p, weights="N00964", kpi="N00973")


def _m_education_similar(ctx: Context, p: dict) -> float:
    limit = float(p["max_difference"])
    for y in _years(p["years"]):
        for kpi in ("N00961", "N00962", "N00963"):
            k_w, m_w = ctx.gender_totals("N00960", p["county"], y)
            k, m = ctx.gender_totals(kpi, p["county"], y, weights="N00960")
            if k_w and m_w and abs(k / k_w - m / m_w) > limit:
                return 0.0
    return 1.0


def _m_facts_sum(_ctx: Context, p: dict) -> float:
    return sum(facts.fact_value(f) for f in p["facts"].split("+"))


def _m_facts_share(_ctx: Context, p: dict) -> float:
    return facts.fact_value(p["part"]) / facts.fact_value(p["whole"]) * 100


def _m_group_sum(_ctx: Context, p: dict) -> float:
    return float(facts.facts_group(p["group"])["value"].sum())


def _m_group_count(_ctx: Context, p: dict) -> float:
    rows = facts.facts_group(p["group"])
    return float((rows["value"] >= float(p.get("min", "-inf"))).sum())


METHODS: dict[str, Callable[[Context, dict], float]] = {
    "received_24m_mean": _m_received_24m_mean,
    "county_rank_24m": _m_county_rank,
    "county_rank_24m_lower_half": _m_lower_half,
    "kolada_sum": _m_kolada_sum,
    "kolada_ratio": _m_kolada_ratio,
    "received_over_published_quota": _m_over_quota,
    "smallest_population": _m_smallest,
    "migrationsverket_kommuntal_2018": _m_mv_kommuntal,
    "gender_more": _m_gender_more,
    "gender_more_exits_work": _m_gender_more_exits,
    "education_similar": _m_education_similar,
    "facts_sum": _m_facts_sum,
    "facts_share": _m_facts_share,
    "facts_group_sum": _m_group_sum,
    "facts_group_count": _m_group_count,
}


def status_of(published: float, recomputed: float, decimals: int, tolerance: str,
              same_measure: bool, consistency: bool) -> str:
    """Apply the tolerance policy (see the claims file's header)."""
    if math.isnan(recomputed):
        return "inconsistent" if consistency else "differs"
    equal = round(recomputed, decimals) == round(published, decimals)
    if consistency:
        return "consistent" if equal else "inconsistent"
    if equal and same_measure:
        return "reproduced"
    if tolerance and same_measure:
        limit = (abs(published) * float(tolerance[:-1]) / 100 if tolerance.endswith("%")
                 else float(tolerance))
        if abs(recomputed - published) <= limit + 1e-12:
            return "within tolerance"
    return "differs"


def _kind(method: str, unit: str, consistency: bool) -> str:
    """``number``, ``claim`` (a yes/no statement), ``consistency`` or ``no source``."""
    if consistency:
        return "consistency"
    if method == "no_source":
        return "no source"
    return "claim" if unit == "boolean" else "number"


def run_check(ds: Dataset, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Recompute every claim; columns as in ``tables/check.csv`` (plus ``kind``)."""
    claims = load_claims() if claims is None else claims
    ctx = Context(ds)
    rows = []
    for c in claims.itertuples(index=False):
        published = float(c.published)
        consistency = c.expected_status in ("consistent", "inconsistent")
        if c.method == "no_source":
            recomputed, status = math.nan, "no source"
        else:
            try:
                recomputed = METHODS[c.method](ctx, _params(c.params))
            except (KeyError, ValueError, IndexError, ZeroDivisionError) as exc:
                recomputed, status = math.nan, f"differs ({type(exc).__name__})"
            else:
                status = status_of(published, recomputed, int(c.decimals), c.tolerance,
                                   c.same_measure == "true", consistency)
        rows.append({
            "id": c.id, "claim": c.claim, "source_ref": c.source_ref, "published": published,
            "recomputed": recomputed,
            "difference": recomputed - published if not math.isnan(recomputed) else math.nan,
            "tolerance": c.tolerance, "status": status, "expected_status": c.expected_status,
            "reason": c.reason,
            "kind": _kind(c.method, c.unit, consistency),
        })
    return pd.DataFrame(rows)


def summary(result: pd.DataFrame) -> dict[str, int]:
    """Counts by status."""
    return {s: int((result["status"] == s).sum()) for s in STATUSES}


def status_sv(status: str) -> str:
    """The Swedish label of a status (``differs (KeyError)`` → ``avviker (fel: KeyError)``)."""
    base, _, detail = status.partition(" (")
    label = STATUS_SV.get(status, STATUS_SV.get(base, status))
    return f"{label} (fel: {detail}" if detail and status not in STATUS_SV else label


def kind_summary(result: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per kind of row: (rows that pass, rows); numbers and yes/no claims never mixed."""
    out = {}
    for kind, passing in PASSING.items():
        rows = result[result["kind"] == kind]
        out[kind] = (int(rows["status"].isin(passing).sum()), len(rows))
    return out


def unexpected(result: pd.DataFrame) -> pd.DataFrame:
    """Rows whose status differs from the expected one (a regression)."""
    return result[result["status"] != result["expected_status"]]


def format_table(result: pd.DataFrame) -> str:
    """Plain-text table: id, published, recomputed, difference, status."""
    def num(v: float) -> str:
        return "–" if pd.isna(v) else f"{v:,.2f}".rstrip("0").rstrip(".")

    lines = [f"{'id':<36} {'published':>12} {'recomputed':>12} {'difference':>11}  status"]
    for r in result.itertuples(index=False):
        flag = "" if r.status == r.expected_status else f"   (expected {r.expected_status})"
        lines.append(f"{r.id:<36} {num(r.published):>12} {num(r.recomputed):>12} "
                     f"{num(r.difference):>11}  {r.status}{flag}")
    return "\n".join(lines)


def run_check_cli(edition: str, region: str, data_root) -> int:
    """``kfsk check``: print the table and the counts; exit 5 on an unexpected status."""
    from kfsk_research.dataset import load_dataset
    from kfsk_research.editions import load_config

    config = load_config()
    ed = config.edition(edition)
    config.region(region)
    if ed.edition != 2018:
        print(f"note: the check compares with the 2018 report; edition {ed.edition}'s data "
              "are used as they are")
    ds = load_dataset(ed.required, ed.optional, data_root)
    result = run_check(ds)
    print(format_table(result))
    counts = summary(result)
    kinds = kind_summary(result)
    print("\n" + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    print(f"numbers with a source reproduced or within tolerance: {kinds['number'][0]} of "
          f"{kinds['number'][1]}; yes/no claims confirmed: {kinds['claim'][0]} of "
          f"{kinds['claim'][1]}; consistency checks consistent: {kinds['consistency'][0]} of "
          f"{kinds['consistency'][1]}; no source: {kinds['no source'][1]}", flush=True)
    bad = unexpected(result)
    if not bad.empty:
        print(f"error: {len(bad)} row(s) changed status: {', '.join(bad['id'])}",
              file=sys.stderr)
        return 5
    return 0
