"""SCB population on 31 December per municipality (a cross-check of Kolada N01951)."""

from __future__ import annotations

import os

import pandas as pd

from kfsk_research.errors import DataError
from kfsk_research.paths import data_dir
from kfsk_research.sources.csvfile import read_table, row_of

POPULATION = "scb/population.csv"
ATTRIBUTION = "Källa: SCB"


def load_scb_population(
    data_root: str | os.PathLike[str] | None = None, known: frozenset[str] | None = None
) -> pd.DataFrame:
    """Population: ``municipality_id, municipality_name, year, population`` (persons)."""
    path = data_dir(data_root) / POPULATION
    df = read_table(path, POPULATION, ["municipality_id", "municipality_name", "year",
                                       "population"], ["municipality_id", "year"],
                    known_codes=known)
    zero = df["population"].eq(0).fillna(False)
    if zero.any():
        i = int(zero.to_numpy().argmax())
        raise DataError(POPULATION, "population of 0", row=row_of(df, i), column="population")
    return df
