"""Reception rates per 1,000 inhabitants."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _safe_rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator × 1,000; missing (never inf) where the denominator is ≤ 0."""
    num = numerator.astype("float64")
    den = denominator.astype("float64")
    return pd.Series(np.where(den > 0, num / den.where(den > 0) * 1000, np.nan),
                     index=numerator.index, dtype="float64")


def _with_prev_population(received: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    prev = population.rename(columns={"population": "population_prev_year"}).assign(
        year=population["year"] + 1
    )
    return received.merge(prev[["municipality_id", "year", "population_prev_year"]],
                          on=["municipality_id", "year"], how="left")


def received_per_1000(received: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Persons received during year T per 1,000 inhabitants on 31 December T-1.

    ``received``: ``municipality_id, year, received``; ``population``:
    ``municipality_id, year, population`` (31 Dec). Returns the received rows with
    ``population_prev_year`` and ``received_per_1000``; missing where either input
    is missing or the population is 0.
    """
    out = _with_prev_population(received, population)
    out["received_per_1000"] = _safe_rate(out["received"], out["population_prev_year"])
    return out


def received_24m_per_1000(received: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Persons received in years T-1 and T per 1,000 inhabitants on 31 December T-1.

    The definition of the report's figure 4 ("mottagits senaste 24 mån, 31/12 år T
    dividerat med invånare 31/12 år T-1"). Missing where either year's count or the
    population is missing.
    """
    prev = received.assign(year=received["year"] + 1).rename(
        columns={"received": "received_prev_year"}
    )[["municipality_id", "year", "received_prev_year"]]
    out = received.merge(prev, on=["municipality_id", "year"], how="left")
    out["received_24m"] = out["received"] + out["received_prev_year"]
    out = _with_prev_population(out, population)
    out["received_24m_per_1000"] = _safe_rate(out["received_24m"], out["population_prev_year"])
    return out
