"""Swedish number formatting for narrative and tables."""

from __future__ import annotations

import math

UNIT_SUFFIX = {"percent": "\u00a0%", "per_1000": " per 1\u00a0000 invånare"}


def number_sv(value: float | int | None, decimals: int | None = None) -> str:
    """``12345.6`` → ``12 345,6`` (no-break space); missing → ``–``.

    ``decimals=None`` keeps what is needed (at most two).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else (
            1 if round(float(value), 1) == round(float(value), 2) else 2)
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def with_unit(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A number with its unit suffix (``71 %``); counts get none."""
    return number_sv(value, decimals) + UNIT_SUFFIX.get(unit, "")
