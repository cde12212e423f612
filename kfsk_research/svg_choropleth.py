"""Choropleths as inline SVG: the PNG map's classes, colours and gaps (:mod:`maps`), each
municipality a link to its profile with its value as hover text, gaps hatched, an HTML
legend beside the map, county borders when the region spans counties, and the values as a
table one click away.

No scripts: hover text is the SVG ``<title>``, keyboard focus moves through the links.
The ``<svg>`` is ``role="group"`` with an ``aria-label`` summary (``role="img"`` would
hide the links from assistive technology).
"""

from __future__ import annotations

import html
import re

import pandas as pd

from kfsk_research import maps, svgmap
from kfsk_research.formatting import count_sv, number_sv, swedish_sort_key

MAP_WIDTH = 560  # pixels of the map at natural size; the HTML legend is beside or below it
MAP_HEIGHT = 780
LABEL_FONT = 11  # place names, pixels
CHAR_WIDTH = 0.58  # an average character's width, in em, for fitting names
MAX_NAMED = 6  # the legend names at most this many municipalities of a gap class

# How a value reads in hover text: (decimals, text after the number).
VALUE_TEXT: dict[str, tuple[int, str]] = {
    "received_per_1000": (1, "per 1\u00a0000 invånare"),
    "received_24m_per_1000": (1, "per 1\u00a0000 invånare (senaste 24 månaderna)"),
    "quota_ratio": (2, "gånger kommuntalet"),
    "respondents": (0, ""),
    "refugees_employed_pct": (1, "procent"),
    "refugees_employed_deviation_pct": (1, "procentenheter"),
}


def value_text(v, indicator: str) -> str:
    """A value as hover text: ``15,2 per 1 000 invånare``, ``3 respondenter``."""
    decimals, unit = VALUE_TEXT.get(indicator, (1, ""))
    if indicator == "respondents":
        return f"{number_sv(v, 0)} {'respondent' if int(v) == 1 else 'respondenter'}"
    return number_sv(v, decimals) + (f" {unit}" if unit else "")


def _fig_id(figure_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", figure_id)


def _labels(shapes: dict[str, object], names: dict[str, str],
            projection: svgmap.Projection) -> list[tuple[str, float, float]]:
    """Names that fit inside their municipality at the drawn scale, largest first, none
    overlapping another: ``(name, x, y)`` in pixels (text centre)."""
    import shapely
    from shapely.geometry import box

    placed, out = [], []
    pixel = {c: projection.to_pixels(g) for c, g in shapes.items()}
    for code in sorted(pixel, key=lambda c: -pixel[c].area):
        geom = pixel[code]
        parts = sorted(getattr(geom, "geoms", [geom]), key=lambda p: -p.area)
        point = shapely.ops.polylabel(parts[0], tolerance=1.0) if parts else None
        if point is None:
            continue
        name = names.get(code, code)
        w, h = len(name) * CHAR_WIDTH * LABEL_FONT + 2, LABEL_FONT * 1.2
        rect = box(point.x - w / 2, point.y - h / 2, point.x + w / 2, point.y + h / 2)
        if rect.intersection(geom).area < 0.9 * rect.area:
            continue
        if any(rect.buffer(1).intersects(b) for b in placed):
            continue
        placed.append(rect)
        out.append((name, point.x, point.y))
    return out


def choropleth_svg(frame: pd.DataFrame, value: str, indicator: str, figure_id: str, *,
                   year: int | None = None, note: str | None = None, note_label: str = "",
                   summary: str = "", links: dict[str, str] | None = None) -> str:
    """An inline SVG choropleth of ``frame`` (``municipality_id, municipality_name,
    <value>``), classed and coloured as :func:`maps.choropleth` draws the PNG.

    Each municipality is an ``<a href>`` (``links[code]``, default
    ``../municipalities/<code>.html``) holding a ``<title>`` (``Malmö: 15,2 per 1 000
    invånare (2017)``, ``Perstorp: uppgift saknas``) and its ``<path>``. Municipalities
    without a value are hatched (pattern ``<figure_id>-hatch``) unless ``note`` is set for
    them (grey, ``note_label``). A region spanning several counties gets county borders;
    one of at most ``svgmap.MAX_LABELLED`` municipalities gets the names that fit.
    ``summary`` is the ``aria-label`` (the chapter's alt text). Returned in
    ``div.kfsk-svgmap-wrap`` with the legend as HTML beside the map (below it on a narrow
    screen, where the names are hidden by the page's CSS and the hover text remains).
    """
    fid = _fig_id(figure_id)
    frame = frame.drop_duplicates("municipality_id").copy()
    frame["municipality_id"] = frame["municipality_id"].astype(str)
    all_shapes = svgmap.municipality_shapes(frame["municipality_id"])
    frame = frame[frame["municipality_id"].isin(all_shapes)].sort_values("municipality_id")
    kind = maps.map_classes(frame, value, indicator, note)
    palette = [maps.hex_colour(c) for c in maps.colours(indicator)]
    labels = maps.class_labels(indicator)
    projection = svgmap.Projection.fit(svgmap.bounds_of(all_shapes.values()), MAP_WIDTH,
                                       MAP_HEIGHT)
    shapes = svgmap.simplified_shapes(frame["municipality_id"], projection)
    names = dict(zip(frame["municipality_id"], frame["municipality_name"].astype(str),
                     strict=True))
    when = f" ({year})" if year is not None else ""
    items = []
    for row, k in zip(frame.itertuples(index=False), kind, strict=True):
        code = row.municipality_id
        name = names[code]
        v = getattr(row, value)
        if k == maps.MISSING:
            title, fill, cls = f"{name}: uppgift saknas", f"url(#{fid}-hatch)", "map-missing"
        elif k == maps.NOTED:
            text = str(getattr(row, note) or note_label).strip()
            title, fill, cls = f"{name}: {text}", maps.NOTE_FACE, "map-noted"
        else:
            title = f"{name}: {value_text(v, indicator)}{when}"
            fill, cls = palette[int(k)], f"map-c{int(k)}"
        href = (links or {}).get(code, f"../municipalities/{code}.html")
        items.append((name, f'<a href="{html.escape(href)}"><title>{html.escape(title)}'
                            f'</title><path class="{cls}" fill="{fill}" '
                            f'd="{projection.path(shapes[code])}"/></a>'))
    # keyboard focus and screen readers go through the municipalities in name order
    items.sort(key=lambda t: swedish_sort_key(t[0]))
    counties = svgmap.county_shapes(shapes) if len({c[:2] for c in shapes}) > 1 else {}
    border = "".join(f'<path d="{projection.path(g, 2.0)}"/>' for g in counties.values())
    text = ""
    if len(shapes) <= svgmap.MAX_LABELLED:
        text = "".join(f'<text x="{x:.0f}" y="{y + LABEL_FONT * 0.35:.0f}">'
                       f"{html.escape(n)}</text>"
                       for n, x, y in _labels(shapes, names, projection))
    legend = _legend(indicator, palette, labels, frame, kind, note_label)
    aria = " ".join(summary.split()) or maps.legend_title(indicator).replace("\n", " ")
    hatch = (f'<defs><pattern id="{fid}-hatch" patternUnits="userSpaceOnUse" width="6" '
             'height="6" patternTransform="rotate(45)"><rect class="map-hatch-bg" width="6" '
             f'height="6" fill="{maps.MISSING_FACE}"/><path class="map-hatch" d="M0 0v6" '
             'stroke="#777" stroke-width="1.6"/></pattern></defs>')
    svg = (svgmap.svg_open(projection, projection.width, projection.height,
                           f'class="kfsk-svgmap" id="{fid}-map" role="group" '
                           f'aria-label="{html.escape(aria)}"')
           + hatch + svgmap.grid_group()
           + '<g class="map-areas" stroke="#fff" stroke-width="1.2" stroke-linejoin="round" '
             'fill-rule="evenodd">' + "".join(i for _, i in items) + "</g>"
           + (f'<g class="map-counties" fill="none" stroke="#444" stroke-width="2.4" '
              f'stroke-linejoin="round" aria-hidden="true">{border}</g>' if border else "")
           + "</g>"
           + (f'<g class="map-labels" font-size="{LABEL_FONT}" text-anchor="middle" '
              f'aria-hidden="true">{text}</g>' if text else "")
           + "</svg>")
    # the legend is HTML beside the map: it wraps below it on a narrow screen
    return f'<div class="kfsk-svgmap-wrap">{svg}{legend}</div>'


def _legend(indicator: str, palette: list[str], labels: list[str], frame: pd.DataFrame,
            kind: list, note_label: str) -> str:
    """The legend as HTML (``div.map-legend``): the title with unit and scale, a swatch
    per class, then the noted and the missing municipalities (named when few)."""
    title = "".join(f"<p>{html.escape(line)}</p>"
                    for line in maps.legend_title(indicator).split("\n"))
    items = [f'<li><span class="map-swatch" style="background:{fill}"></span>'
             f"{html.escape(label)}</li>" for fill, label in zip(palette, labels, strict=True)]
    names = frame["municipality_name"].astype(str).tolist()
    for k, label, cls, style in (
            (maps.NOTED, note_label or "Anmärkning", "map-swatch",
             f' style="background:{maps.NOTE_FACE}"'),
            (maps.MISSING, maps.MISSING_LABEL, "map-swatch map-swatch-missing", "")):
        which = sorted((n for n, c in zip(names, kind, strict=True) if c == k),
                       key=swedish_sort_key)
        if not which:
            continue
        text = (f"{label}: {', '.join(which)}" if len(which) <= MAX_NAMED else
                f"{label}: {count_sv(len(which), 'kommun', 'kommuner')} (se tabellen)")
        items.append(f'<li><span class="{cls}"{style}></span>{html.escape(text)}</li>')
    return f'<div class="map-legend">{title}<ul>{"".join(items)}</ul></div>'


# Table headers where the field's label does not name the unit.
TABLE_LABELS = {"refugees_employed_pct": "Förvärvsarbetande flyktingar 20–64 år, procent"}


def values_table(frame: pd.DataFrame, value: str, indicator: str, *, note: str | None = None,
                 note_label: str = "", links: dict[str, str] | None = None,
                 year: int | None = None) -> str:
    """The map's values as a table in ``<details>`` (``Kartans värden som tabell``): name
    (linked to the profile), value (– when missing) and the legend class it is drawn in;
    the caption is the legend's title (unit and scale) and the year."""
    from kfsk_research.context import html_table

    frame = frame.drop_duplicates("municipality_id").copy()
    frame["municipality_id"] = frame["municipality_id"].astype(str)
    kind = maps.map_classes(frame, value, indicator, note)
    labels = maps.class_labels(indicator)
    shown = pd.DataFrame({
        "municipality_name": frame["municipality_name"].astype(str),
        value: frame[value].astype("Float64"),
        "Klass på kartan": [
            maps.MISSING_LABEL if k == maps.MISSING
            else (str(frame.iloc[i][note] or note_label) if k == maps.NOTED else labels[int(k)])
            for i, k in enumerate(kind)],
    })
    shown = shown.iloc[sorted(range(len(shown)),
                              key=lambda i: swedish_sort_key(shown.iloc[i]["municipality_name"]))]
    ids = dict(zip(frame["municipality_name"].astype(str), frame["municipality_id"],
                   strict=False))
    hrefs = {n: html.escape((links or {}).get(c, f"../municipalities/{c}.html"))
             for n, c in ids.items()}
    note = maps.SCALE_NOTES.get(indicator, "")
    caption = (" ".join(maps.LEGEND_TITLES[indicator].split("\n"))
               + (f", {year}" if year is not None else "") + (f"; {note.lower()}" if note else ""))
    table = html_table(shown, caption, hrefs, decimals=VALUE_TEXT.get(indicator, (1, ""))[0],
                       labels={k: v for k, v in TABLE_LABELS.items() if k == value})
    return ("<details class=\"map-values\"><summary>Kartans värden som tabell</summary>"
            f"{table}</details>")


def inline_map(frame: pd.DataFrame, value: str, indicator: str, figure_id: str, *,
               year: int | None = None, note: str | None = None, note_label: str = "",
               summary: str = "", links: dict[str, str] | None = None) -> str:
    """The SVG choropleth and its table of values: what a chapter shows for a map."""
    return (choropleth_svg(frame, value, indicator, figure_id, year=year, note=note,
                           note_label=note_label, summary=summary, links=links)
            + values_table(frame, value, indicator, note=note, note_label=note_label,
                           links=links, year=year))
