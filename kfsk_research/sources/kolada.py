"""Kolada key figures (``kolada/<KPI>.csv``) and the KPI catalogue (``kolada/kpis.csv``).

Same long shape as the rows of Kolada's v3 API: one row per KPI, area, year and
gender. Kolada's ``period`` is returned as ``year``.
"""

from __future__ import annotations

import os

import pandas as pd

from kfsk_research.errors import DataError
from kfsk_research.paths import data_dir
from kfsk_research.sources.csvfile import read_table, row_of

KPIS = "kolada/kpis.csv"
KOLADA_COLUMNS = ["kpi", "municipality_id", "period", "gender", "value"]
ATTRIBUTION = "Källa: Kolada (RKA), CC BY 4.0"


def kpi_file(kpi: str) -> str:
    """Relative path of a KPI's file, e.g. ``kolada/N01986.csv``."""
    return f"kolada/{kpi.upper()}.csv"


def load_kpis(data_root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The KPI catalogue: ``kpi, title, description, unit_hint, has_gender``."""
    path = data_dir(data_root) / KPIS
    return read_table(path, KPIS, ["kpi", "title", "description", "unit_hint", "has_gender"],
                      ["kpi"])


def load_kolada(
    kpi: str,
    data_root: str | os.PathLike[str] | None = None,
    *,
    known: frozenset[str] | None = None,
    unit_hint: str | None = None,
) -> pd.DataFrame:
    """One KPI: ``kpi, municipality_id, year, gender, value`` (value in the KPI's unit).

    Missing values are missing rows (Kolada's convention). When ``unit_hint`` is
    ``count`` a negative value is an error; other units may be negative.
    """
    name = kpi_file(kpi)
    path = data_dir(data_root) / name
    df = read_table(path, name, KOLADA_COLUMNS, ["municipality_id", "period", "gender"],
                    known_codes=known, rename={"period": "year"})
    wrong = df["kpi"] != kpi.upper()
    if wrong.any():
        i = int(wrong.to_numpy().argmax())
        raise DataError(name, f"kpi '{df['kpi'].iloc[i]}' in the file of {kpi.upper()}",
                        row=row_of(df, i), column="kpi")
    if unit_hint == "count" or kpi.upper() == "N01951":
        neg = df["value"].lt(0).fillna(False)
        if neg.any():
            i = int(neg.to_numpy().argmax())
            raise DataError(name, f"negative count {df['value'].iloc[i]}", row=row_of(df, i),
                            column="value", hint=f"{kpi} is a count of persons")
    if kpi.upper() == "N01951":
        zero = df["value"].eq(0).fillna(False)
        if zero.any():
            i = int(zero.to_numpy().argmax())
            raise DataError(name, "population of 0", row=row_of(df, i), column="value",
                            hint="a population is the denominator of every per-1,000 rate")
    return df
