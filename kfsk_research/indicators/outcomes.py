"""Outcomes of refugee reception: region values, 95 % intervals and the cost scenario.

Pure functions: tidy frames in, tidy frames out; no I/O, no plotting, no globals
other than constants.

Region values. Kolada gives shares without denominators, so a region's value of a
share is the unweighted mean of the members that have a value ("kommunsnitt",
Kolada's "ovägt medel"). Where the data hold a denominator (kronor per inhabitant and
the population, N01951) the region value is weighted by it instead, which gives the
region's own kronor per inhabitant over the members with a value.

The cost scenario follows the idea of KEFU's 2018 analysis for Skåne (report section
2.4): people who leave the establishment programme without reaching their own support
may need försörjningsstöd. It is a scenario, not a forecast: every parameter is stated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # standard normal quantile for a two-sided 95 % interval


# -- 95 % intervals ---------------------------------------------------------------------------

def poisson_rate_ci(df: pd.DataFrame, count: str, denominator: str, column: str,
                    per: float = 1000.0) -> pd.DataFrame:
    """Add ``<column>_ci_low`` and ``<column>_ci_high``: the exact (Garwood) 95 % Poisson
    interval of the rate ``count / denominator × per``.

    Treats the count as Poisson with the population fixed: lower = χ²(0.025; 2k)/2,
    upper = χ²(0.975; 2k+2)/2, both divided by the denominator (lower = 0 for k = 0).
    Missing where the count or the denominator is missing or the denominator ≤ 0.
    """
    from scipy.special import gammaincinv  # χ²(q; 2k)/2 = P⁻¹(k, q); scipy.stats costs ~2 s


    out = df.copy()
    k = out[count].astype("float64")
    n = out[denominator].astype("float64")
    valid = k.notna() & n.gt(0)
    kk = k.where(valid, 0.0).to_numpy()
    low = np.where(kk > 0, gammaincinv(np.maximum(kk, 1e-300), 0.025), 0.0)
    high = gammaincinv(kk + 1, 0.975)
    nn = n.where(valid, 1.0).to_numpy()
    out[f"{column}_ci_low"] = pd.Series(np.where(valid, low / nn * per, np.nan), index=out.index)
    out[f"{column}_ci_high"] = pd.Series(np.where(valid, high / nn * per, np.nan),
                                         index=out.index)
    return out


def wilson_interval(share: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share (0–1) observed among ``n`` persons."""
    if n is None or share is None or math.isnan(n) or math.isnan(share) or n <= 0:
        return (math.nan, math.nan)
    z2 = z * z
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def wilson_share_ci(df: pd.DataFrame, share: str, n: str, column: str | None = None,
                    scale: float = 1.0) -> pd.DataFrame:
    """Add ``<column>_ci_low`` and ``<column>_ci_high``: the 95 % Wilson interval of the
    share ``df[share] / scale`` among ``df[n]`` persons, in the unit of ``share``
    (``scale=100`` for a ``_pct`` column). Missing where either input is missing or n ≤ 0.
    """
    column = column or share
    out = df.copy()
    bounds = [wilson_interval(p / scale, m) for p, m in zip(
        out[share].astype("float64"), out[n].astype("float64"), strict=True)]
    out[f"{column}_ci_low"] = [b[0] * scale for b in bounds]
    out[f"{column}_ci_high"] = [b[1] * scale for b in bounds]
    return out


def interval_uncertain(df: pd.DataFrame, column: str, max_width: float,
                       relative: bool = False) -> pd.Series:
    """True where the 95 % interval of ``column`` is wider than ``max_width`` (in the
    column's unit, or as a fraction of the value when ``relative``); False where it is
    narrower or there is no interval."""
    width = df[f"{column}_ci_high"] - df[f"{column}_ci_low"]
    if relative:
        width = width / df[column].where(df[column] > 0)
    return width.gt(max_width).fillna(False)


# -- region and Sweden rows -------------------------------------------------------------------

def region_values(frame: pd.DataFrame, columns: list[str], members: list[str],
                  weights: dict[str, str] | None = None, by: str = "year") -> pd.DataFrame:
    """One row per ``by`` value with each column's region value over ``members``.

    ``frame``: ``municipality_id, <by>, <columns…>`` (and the weight columns). A column's
    region value is the unweighted mean over members with a value, or, for a column
    named in ``weights``, Σ(value × weight) / Σ(weight) over members having both.
    ``n_municipalities`` / ``municipalities_missing`` count members with / without a value
    of the first column; ``<column>_municipalities_missing`` does so for the others.
    A column no member has is missing.
    """
    weights = weights or {}
    part = frame[frame["municipality_id"].isin(members)]
    keys = sorted(frame[by].dropna().unique())
    rows = []
    for key in keys:
        g = part[part[by] == key]
        row: dict[str, object] = {by: key}
        for i, col in enumerate(columns):
            values = g[col].astype("float64")
            have = values.notna()
            if col in weights:
                w = g[weights[col]].astype("float64")
                have &= w.notna() & w.gt(0)
                row[col] = (float((values[have] * w[have]).sum() / w[have].sum())
                            if have.any() else math.nan)
            else:
                row[col] = float(values[have].mean()) if have.any() else math.nan
            n_have = int(g.loc[have, "municipality_id"].nunique())
            if i == 0:
                row["n_municipalities"] = n_have
                row["municipalities_missing"] = len(members) - n_have
            else:
                row[f"{col}_municipalities_missing"] = len(members) - n_have
        rows.append(row)
    cols = [by, *columns, "n_municipalities", "municipalities_missing",
            *[f"{c}_municipalities_missing" for c in columns[1:]]]
    return pd.DataFrame(rows, columns=cols)


# -- the cost scenario ------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioParameters:
    """The cost scenario's parameters (see :data:`PARAMETER_DOCS` for units and sources).

    ``leavers`` and ``monthly_payment`` may be ``None``: per municipality from the data.
    """

    leavers: float | None
    employed_share: float
    assistance_share: float
    persons_per_household: float
    monthly_payment: float | None
    months: float
    horizon_years: int
    spread: float = 0.10

    def check(self) -> None:
        """Raise ValueError naming the parameter that is out of range."""
        for name in ("employed_share", "assistance_share", "spread"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"{name} must be a share between 0 and 1, got {v}")
        if self.persons_per_household <= 0:
            raise ValueError("persons_per_household must be positive")
        if not 0 < self.months <= 12:
            raise ValueError(f"months must be between 1 and 12, got {self.months}")
        if int(self.horizon_years) != self.horizon_years or self.horizon_years < 1:
            raise ValueError(f"horizon_years must be a whole number ≥ 1, got "
                             f"{self.horizon_years}")
        for name in ("leavers", "monthly_payment"):
            v = getattr(self, name)
            if v is not None and v < 0:
                raise ValueError(f"{name} must not be negative, got {v}")

    def case(self, case: str) -> ScenarioParameters:
        """The ``low``, ``central`` or ``high`` case: ``spread`` added to the employed
        share and taken from the assistance share (low), or the reverse (high); both
        kept within 0–1."""
        if case == "central":
            return self
        sign = {"low": 1, "high": -1}[case]
        clip = lambda v: min(1.0, max(0.0, v))  # noqa: E731
        return replace(self, employed_share=clip(self.employed_share + sign * self.spread),
                       assistance_share=clip(self.assistance_share - sign * self.spread))

    def as_dict(self) -> dict[str, float | None]:
        """Parameter name → value."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


CASES = ("low", "central", "high")

# name: (unit, Swedish description, source or reasoning)
PARAMETER_DOCS: dict[str, tuple[str, str, str]] = {
    "leavers": (
        "personer per år",
        "Personer som lämnar etableringsuppdraget under ett år",
        "Kolada N00964 (Arbetsförmedlingen) per kommun, utgåvans sista dataår; samma antal "
        "antas lämna varje år i horisonten. Ett angivet tal är regionens summa och fördelas "
        "på kommunerna efter N00964."),
    "employed_share": (
        "andel 0–1",
        "Andel av dem som lämnar som når egen försörjning inom horisonten",
        "Kolada N02994 (SCB): förvärvsarbetande flyktingar 20–64 år med 4–6 års vistelsetid, "
        "kommunsnitt i regionen sista dataåret (de som lämnar har bott här omkring två år; "
        "efter en horisont på tre år har de bott här fyra till sex år). Saknas N02994: "
        "N00700 (alla flyktingar 20–64 år)."),
    "assistance_share": (
        "andel 0–1",
        "Andel av dem utan egen försörjning som behöver försörjningsstöd",
        "Antagande: hälften. Resten antas klara sig på studiemedel, aktivitetsstöd eller "
        "en partners inkomst. Datan har ingen andel för detta; N00991 och N00973 (status 90 "
        "dagar efter avslut) visas som stöd för bedömningen."),
    "persons_per_household": (
        "vuxna per hushåll",
        "Vuxna som lämnat uppdraget per hushåll med försörjningsstöd",
        "Antagande: 1,5 (en blandning av ensamstående och par där båda deltagit). "
        "N31806 gäller hela hushållet, barn inräknade, så här räknas bara vuxna."),
    "monthly_payment": (
        "kronor per hushåll och månad",
        "Utbetalt försörjningsstöd per flyktinghushåll och månad med bistånd",
        "Kolada N31806 (Socialstyrelsen) per kommun, sista dataåret; saknas kommunens värde "
        "används regionens kommunsnitt. Löpande priser, ingen uppräkning."),
    "months": (
        "månader per år",
        "Månader per år med försörjningsstöd",
        "Antagande: 10 av 12 (de flesta utan arbete behöver stöd större delen av året; "
        "korta jobb, kurser och flyttar ger några månader utan)."),
    "horizon_years": (
        "år",
        "Antal år som scenariot räknar framåt",
        "Antagande: 3, som KEFU:s analys av åren 2018–2020. Varje års avgångar som behöver "
        "stöd antas ha kvar det resten av horisonten, så kostnaden växer år för år."),
    "spread": (
        "andel 0–1",
        "Hur mycket låg- och högfallet flyttar andelarna i arbete och med stöd",
        "Antagande: 0,10. Lågfallet: andelen i arbete +0,10 och andelen med stöd −0,10; "
        "högfallet tvärtom."),
}


def scenario_cost(base: pd.DataFrame, params: ScenarioParameters,
                  first_year: int) -> pd.DataFrame:
    """Projected yearly försörjningsstöd cost per municipality, low / central / high.

    ``base``: ``municipality_id, leavers, monthly_payment`` (resolved per municipality).
    For projection year t = 1 … ``horizon_years`` (calendar year ``first_year + t - 1``):

        households(t) = t × leavers × (1 − employed_share) × assistance_share
                        / persons_per_household
        cost(t) = households(t) × monthly_payment × months   (kronor)

    (each year's leavers who need support keep it for the rest of the horizon). Returns
    one row per municipality and year: ``scenario_households_<case>`` and
    ``scenario_cost_<case>_sek``; missing where leavers or payment is missing.
    """
    params.check()
    rows = []
    for t in range(1, int(params.horizon_years) + 1):
        year_rows = base[["municipality_id", "leavers", "monthly_payment"]].copy()
        year_rows["year"] = first_year + t - 1
        year_rows["projection_year"] = t
        for case in CASES:
            p = params.case(case)
            households = (t * year_rows["leavers"].astype("float64")
                          * (1 - p.employed_share) * p.assistance_share
                          / p.persons_per_household)
            year_rows[f"scenario_households_{case}"] = households
            year_rows[f"scenario_cost_{case}_sek"] = (
                households * year_rows["monthly_payment"].astype("float64") * p.months)
        rows.append(year_rows)
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["municipality_id", "year"], ignore_index=True)


def distribute(total: float, weights: pd.Series) -> pd.Series:
    """``total`` split in proportion to ``weights`` (missing weights get nothing)."""
    w = weights.astype("float64").fillna(0.0)
    s = w.sum()
    if s <= 0:
        return pd.Series(total / max(len(w), 1), index=w.index)
    return w / s * total
