"""Shares by gender."""

from __future__ import annotations

import pandas as pd


def gender_shares(df: pd.DataFrame, value: str, by: list[str]) -> pd.DataFrame:
    """Share (0–1) of women (K) and men (M) in K + M of ``value`` for each ``by`` group.

    Rows with gender ``T`` are ignored; a group lacking K or M gets missing shares
    (a missing gender is never derived as total minus the other).
    """
    rows = df[df["gender"].isin(["K", "M"])]
    wide = rows.groupby([*by, "gender"], sort=True)[value].first().unstack("gender")
    wide = wide.reindex(columns=["K", "M"])
    total = wide["K"] + wide["M"]
    out = pd.DataFrame({
        "women_share": wide["K"] / total.where(total > 0),
        "men_share": wide["M"] / total.where(total > 0),
    })
    return out.reset_index()
