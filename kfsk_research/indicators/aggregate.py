"""Aggregation from municipalities to counties, regions and the country.

``membership`` maps ``municipality_id`` to ``area_id`` (a municipality may belong
to several areas). An area's value is missing when any member lacks a value;
``n_municipalities`` counts members with a value, ``municipalities_missing`` those without.
"""

from __future__ import annotations

import pandas as pd


def _members_with_values(df, value_cols, membership, by):
    keys = membership[["area_id"]].drop_duplicates()
    frame = df[["municipality_id", *by, *value_cols]]
    grid = membership.merge(frame[["municipality_id", *by]].drop_duplicates(subset=by)[by],
                            how="cross") if by else membership
    merged = grid.merge(frame, on=["municipality_id", *by], how="left")
    return keys, merged


def _finish(merged, value_cols, by, result):
    ok = merged[value_cols].notna().all(axis=1)
    counts = merged.assign(_ok=ok).groupby(["area_id", *by])["_ok"].agg(["sum", "size"])
    result = result.join(counts)
    result["n_municipalities"] = result["sum"].astype("int64")
    result["municipalities_missing"] = (result["size"] - result["sum"]).astype("int64")
    result = result.drop(columns=["sum", "size"])
    return result.reset_index()


def _aggregate(df, value, membership, by, how: str) -> pd.DataFrame:
    by = by or []
    _, merged = _members_with_values(df, [value], membership, by)
    grouped = merged.groupby(["area_id", *by])[value]
    result = (grouped.sum(min_count=1) if how == "sum" else grouped.mean()).to_frame(value)
    result.loc[grouped.apply(lambda s: s.isna().any()), value] = float("nan")
    return _finish(merged, [value], by, result)


def aggregate_sum(
    df: pd.DataFrame, value: str, membership: pd.DataFrame, by: list[str] | None = None
) -> pd.DataFrame:
    """Sum of ``value`` over each area's members (counts, e.g. persons received)."""
    return _aggregate(df, value, membership, by, "sum")


def aggregate_mean(
    df: pd.DataFrame, value: str, membership: pd.DataFrame, by: list[str] | None = None
) -> pd.DataFrame:
    """Unweighted mean of the members' ``value`` (the report's county "snitt")."""
    return _aggregate(df, value, membership, by, "mean")


def aggregate_weighted(
    df: pd.DataFrame,
    value: str,
    weight: str,
    membership: pd.DataFrame,
    by: list[str] | None = None,
) -> pd.DataFrame:
    """Weighted mean Σ(value × weight) / Σ(weight) over each area's members.

    For a rate this is the population-weighted rate (Σ numerators / Σ denominators)
    when ``weight`` is its denominator; for shares, weight by the counts they refer to.
    Returns ``value`` and ``weight`` (the summed weight) per area.
    """
    by = by or []
    _, merged = _members_with_values(df, [value, weight], membership, by)
    merged["_product"] = merged[value] * merged[weight]
    grouped = merged.groupby(["area_id", *by])
    sums = grouped[["_product", weight]].sum(min_count=1)
    incomplete = grouped[[value, weight]].apply(lambda g: g.isna().any().any())
    result = pd.DataFrame({value: sums["_product"] / sums[weight].where(sums[weight] > 0),
                           weight: sums[weight]})
    result.loc[incomplete, [value, weight]] = float("nan")
    return _finish(merged, [value, weight], by, result)
