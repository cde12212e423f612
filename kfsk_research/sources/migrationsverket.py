"""Migrationsverket: kommunmottagna 2018 by category, kommuntal 2018, totals 2015-2016.

An empty cell is a missing value (Migrationsverket's "0 or not reported"),
never filled with 0.
"""

from __future__ import annotations

import os

import pandas as pd

from kfsk_research.fields import MV_CATEGORIES
from kfsk_research.paths import data_dir
from kfsk_research.sources.csvfile import read_table

RECEIVED_2018 = "migrationsverket/kommunmottagna_2018.csv"
KOMMUNTAL_2018 = "migrationsverket/anvisningar_kommuntal_2018.csv"
RECEIVED_2015_2016 = "migrationsverket/kommunmottagna_total_2015_2016.csv"
ATTRIBUTION = "Källa: Migrationsverket"


def load_received_2018(
    data_root: str | os.PathLike[str] | None = None, known: frozenset[str] | None = None
) -> pd.DataFrame:
    """Kommunmottagna 2018 by category (persons); ``00LL`` and ``0000`` rows are totals."""
    cols = ["municipality_id", "municipality_name"]
    for cat in MV_CATEGORIES:
        cols += [cat, f"{cat}_varav_ensamkommande"]
    path = data_dir(data_root) / RECEIVED_2018
    return read_table(path, RECEIVED_2018, cols, ["municipality_id"], known_codes=known)


def load_kommuntal_2018(
    data_root: str | os.PathLike[str] | None = None, known: frozenset[str] | None = None
) -> pd.DataFrame:
    """Kommuntal 2018 and persons received on assignment: ``kommuntal, mottagna``."""
    path = data_dir(data_root) / KOMMUNTAL_2018
    return read_table(path, KOMMUNTAL_2018,
                      ["municipality_id", "municipality_name", "kommuntal", "mottagna"],
                      ["municipality_id"], known_codes=known)


def load_received_2015_2016(
    data_root: str | os.PathLike[str] | None = None, known: frozenset[str] | None = None
) -> pd.DataFrame:
    """Total kommunmottagna per municipality in 2015 and 2016: ``year, mottagna``."""
    path = data_dir(data_root) / RECEIVED_2015_2016
    return read_table(path, RECEIVED_2015_2016,
                      ["municipality_id", "municipality_name", "year", "mottagna"],
                      ["municipality_id", "year"], known_codes=known)
