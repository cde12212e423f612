"""Small inline SVG maps of a region (no image files, no scripts), for profile pages."""

from __future__ import annotations

import html

SIMPLIFY_METRES = 250.0
WIDTH = 320


def _ring(coords, x0: float, y1: float, scale: float) -> str:
    pts = [f"{(x - x0) * scale:.1f},{(y1 - y) * scale:.1f}" for x, y in coords]
    return "M" + " L".join(pts) + " Z"


def region_paths(gdf) -> tuple[dict[str, str], int, int]:
    """SVG path data per ``municipality_id`` of ``gdf`` (SWEREF 99 TM), and the view size."""
    shapes = gdf.set_index("municipality_id").geometry.simplify(SIMPLIFY_METRES)
    x0, y0, x1, y1 = shapes.total_bounds
    scale = WIDTH / (x1 - x0)
    height = round((y1 - y0) * scale)
    paths = {}
    for code, geom in shapes.items():
        polys = getattr(geom, "geoms", [geom])
        parts = []
        for poly in polys:
            parts.append(_ring(poly.exterior.coords, x0, y1, scale))
            parts += [_ring(r.coords, x0, y1, scale) for r in poly.interiors]
        paths[str(code)] = " ".join(parts)
    return paths, WIDTH, height


def region_svg(paths: dict[str, str], width: int, height: int, highlight: str,
               names: dict[str, str]) -> str:
    """An inline SVG of the region with ``highlight`` filled; each shape has a title."""
    items = []
    for code in sorted(paths):
        fill = "#d6604d" if code == highlight else "#dcdcdc"
        title = html.escape(names.get(code, code))
        items.append(f'<path d="{paths[code]}" fill="{fill}" stroke="#ffffff" '
                     f'stroke-width="0.6" fill-rule="evenodd"><title>{title}</title></path>')
    label = html.escape(names.get(highlight, highlight))
    # width/height give the natural size; the style lets it shrink on narrow screens
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            'style="max-width:100%;height:auto" role="img" '
            f'aria-label="{label} markerad på kartan över regionen">'
            + "".join(items) + "</svg>")
