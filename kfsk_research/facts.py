"""Facts that exist only in the 2018 report (``data/report_facts.csv``), with pages.

Survey answers, the 2017 kommuntal and the national Arbetsförmedlingen figures
have no public source in the snapshot; each row carries the report section and
page it was copied from.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

FACTS_FILE = Path(__file__).resolve().parent / "data" / "report_facts.csv"
COLUMNS = ["fact_id", "group", "label", "value", "unit", "year", "area_id", "gender",
           "section", "page", "note"]


@cache
def load_facts(path: Path = FACTS_FILE) -> pd.DataFrame:
    """All facts, indexed by ``fact_id`` (``value`` float, ``year`` and ``page`` Int64)."""
    df = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    df["value"] = pd.to_numeric(df["value"], errors="raise").astype("float64")
    for col in ("year", "page"):
        df[col] = pd.to_numeric(df[col].replace("", None)).astype("Int64")
    dupes = df.loc[df["fact_id"].duplicated(), "fact_id"].tolist()
    if dupes:
        raise ValueError(f"{path}: duplicate fact_id {dupes}")
    return df.set_index("fact_id", drop=False)


def fact(fact_id: str) -> pd.Series:
    """One fact row."""
    facts = load_facts()
    if fact_id not in facts.index:
        raise KeyError(f"unknown fact '{fact_id}' (see {FACTS_FILE.name})")
    return facts.loc[fact_id]


def fact_value(fact_id: str) -> float:
    """The value of one fact, as printed in the report."""
    return float(fact(fact_id)["value"])


def facts_group(group: str) -> pd.DataFrame:
    """The facts of one group, in file order."""
    facts = load_facts()
    rows = facts[facts["group"] == group]
    if rows.empty:
        raise KeyError(f"no facts in group '{group}'")
    return rows.reset_index(drop=True)


def reference(fact_id: str) -> str:
    """Where a fact is printed, e.g. ``avsnitt 2.3, s. 9``."""
    row = fact(fact_id)
    page = "" if pd.isna(row["page"]) else f", s. {int(row['page'])}"
    return f"avsnitt {row['section']}{page}"
