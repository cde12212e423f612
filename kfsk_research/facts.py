"""Facts that exist only in the 2018 report (``data/report_facts.csv``), with pages.

Survey answers, the 2017 kommuntal and the national Arbetsförmedlingen figures
have no public source in the snapshot; each row carries the report section and
page it was copied from.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from kfsk_research.formatting import number_sv, number_word

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
    page = "" if pd.isna(row["page"]) else f", s.\u00a0{int(row['page'])}"
    return f"avsnitt {row['section']}{page}"


# -- display ---------------------------------------------------------------------------------
# Units whose whole values count things: one to twelve are written in words in prose
# (Språkrådet); ratios like "2 gånger" read the same way.
COUNT_UNITS = frozenset({"count", "persons", "respondents", "programmes", "applications",
                         "ratio"})
_SUFFIX = {"percent": "\u00a0%", "per_1000": " per 1\u00a0000 invånare"}
_SOURCE_IN_NOTE = re.compile(r"källa:\s*([^;]+)")
AXIS_LABELS = {"percent": "andel (%)", "persons": "antal personer", "count": "antal",
               "applications": "antal ansökningar", "respondents": "antal svarande",
               "programmes": "antal utbildningar", "per_1000": "per 1\u00a0000 invånare",
               "sek": "kronor", "ratio": "kvot"}


def value_text(value: float, unit: str) -> str:
    """A fact's value for a table: Swedish digits with its unit (``85 %``, ``10,4 per
    1 000 invånare``, ``37 miljarder kr``); counts as integers."""
    if unit == "sek":
        if abs(value) >= 1e9:
            return f"{number_sv(value / 1e9)} miljarder kr"
        return f"{number_sv(value)}\u00a0kr"
    if unit in COUNT_UNITS - {"ratio"}:
        return number_sv(round(value), 0)
    return number_sv(value) + _SUFFIX.get(unit, "")


def prose(fact_id: str, neuter: bool = False) -> str:
    """A fact's value in running text: whole counts one to twelve in words (``fyra``;
    ``ett`` with ``neuter``), otherwise as in tables; ``37 miljarder kronor``."""
    row = fact(fact_id)
    value, unit = float(row["value"]), str(row["unit"])
    if unit in COUNT_UNITS and value.is_integer() and 1 <= value <= 12:
        return number_word(int(value), neuter)
    text = value_text(value, unit)
    return text.replace("miljarder kr", "miljarder kronor") if unit == "sek" else text


def source_text(row: pd.Series) -> str:
    """Where a fact comes from, for a reader: ``Rapporten (2018), avsnitt 3.8, s. 17``; for
    the few facts not printed in the report, the source named in their note."""
    if str(row["section"]).strip():
        page = "" if pd.isna(row["page"]) else f", s. {int(row['page'])}"
        return f"Rapporten (2018), avsnitt {row['section']}{page}"
    m = _SOURCE_IN_NOTE.search(str(row["note"]))
    return _quotes(m.group(1).strip()) if m else "Se anmärkning"


def _quotes(text: str) -> str:
    """Straight single quotes from the facts file as Swedish quotation marks (”…”)."""
    return re.sub(r"'([^']+)'", "\u201d\\1\u201d", text)


def display_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Facts as shown on a page: ``label``, ``value`` (with unit), ``year`` (empty where it
    does not apply), ``source`` (report section and page) and ``note``."""
    return pd.DataFrame({
        "label": rows["label"].astype(str),
        "value": [value_text(float(v), str(u)) for v, u in zip(rows["value"], rows["unit"],
                                                                strict=True)],
        "year": ["" if pd.isna(y) else str(int(y)) for y in rows["year"]],
        "source": [source_text(r) for _, r in rows.iterrows()],
        "note": [_display_note(r) for _, r in rows.iterrows()],
    })


def _display_note(row: pd.Series) -> str:
    """The note without what the source column already says."""
    if str(row["section"]).strip():
        return _quotes(str(row["note"]))
    parts = [p.strip() for p in str(row["note"]).split(";")]
    parts = [p.replace(", därför utan avsnitt/sida", "") for p in parts
             if p and not p.startswith("källa:")]
    return _quotes("; ".join(parts))
