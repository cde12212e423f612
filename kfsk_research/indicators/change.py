"""Change over time."""

from __future__ import annotations

import pandas as pd


def change_between_years(
    df: pd.DataFrame, value: str, from_year: int, to_year: int, by: list[str]
) -> pd.DataFrame:
    """``value`` in ``from_year`` and ``to_year`` with absolute and relative change.

    Returns ``by`` + ``value_from, value_to, change, change_pct`` (percent of the
    first value; missing where that is 0 or missing).
    """
    a = df[df["year"] == from_year].set_index(by)[value].rename("value_from")
    b = df[df["year"] == to_year].set_index(by)[value].rename("value_to")
    out = pd.concat([a, b], axis=1)
    out["change"] = out["value_to"] - out["value_from"]
    base = out["value_from"].where(out["value_from"] != 0)
    out["change_pct"] = out["change"] / base * 100
    return out.reset_index()
