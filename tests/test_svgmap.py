"""Inline SVG maps: choropleths with profile links and hover values, hatched gaps, county
borders and no names for the whole country, shared borders after simplification, page
sizes, the county map of an index page, profile locator maps, and one chapter page in
a real browser (a municipality's hover text and its link to an existing profile).

Expected values are read here from ``data/kolada/*.csv`` and
``data/reference/municipalities.csv``; SVG is parsed as XML.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from kfsk_research import svg_choropleth, svgmap

SVG = "{http://www.w3.org/2000/svg}"
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def names() -> pd.DataFrame:
    return pd.read_csv(DATA / "reference" / "municipalities.csv", dtype=str)


def _rates(year: int, names: pd.DataFrame) -> pd.DataFrame:
    """``municipality_id, municipality_name, received_per_1000`` of every municipality:
    N01986 of ``year`` over N01951 of the year before, per 1,000 (NaN where either lacks)."""
    def total(kpi: str, y: int) -> pd.Series:
        k = pd.read_csv(DATA / "kolada" / f"{kpi}.csv", dtype={"municipality_id": str})
        k = k[(k["period"] == y) & (k["gender"] == "T")]
        return k.set_index("municipality_id")["value"]

    received, population = total("N01986", year), total("N01951", year - 1)
    frame = names[["municipality_id", "municipality_name"]].copy()
    frame["received_per_1000"] = [received.get(c, float("nan")) / population.get(c, 1) * 1000
                                  for c in frame["municipality_id"]]
    return frame


def _parse(out: str) -> ET.Element:
    """The ``<svg>`` of a map (``div.kfsk-svgmap-wrap`` holds it and the HTML legend)."""
    root = ET.fromstring(out)
    return root if root.tag == f"{SVG}svg" else root.find(f"{SVG}svg")


def _legend(out: str) -> list[str]:
    """The legend's lines and entries, as text."""
    legend = next(d for d in ET.fromstring(out).iter("div") if d.get("class") == "map-legend")
    return ["".join(e.itertext()) for e in legend if e.tag == "p"] + [
        "".join(li.itertext()) for li in legend.iter("li")]


def _areas(root: ET.Element) -> dict[str, tuple[str, ET.Element]]:
    """Municipality code → (hover title, path) of every link."""
    out = {}
    for a in root.iter(f"{SVG}a"):
        code = re.fullmatch(r"\.\./municipalities/(\d{4})\.html", a.get("href")).group(1)
        out[code] = (a.find(f"{SVG}title").text, a.find(f"{SVG}path"))
    return out


@pytest.fixture(scope="module")
def skane_svg(names: pd.DataFrame) -> str:
    frame = _rates(2017, names)
    frame = frame[frame["municipality_id"].str.startswith("12")]
    return svg_choropleth.choropleth_svg(frame, "received_per_1000", "received_per_1000",
                                         "map_received_per_1000_2017", year=2017,
                                         summary="Karta: test")


@pytest.fixture(scope="module")
def sweden_2021(names: pd.DataFrame) -> pd.DataFrame:
    return _rates(2021, names)


@pytest.fixture(scope="module")
def sweden_svg(sweden_2021: pd.DataFrame) -> str:
    return svg_choropleth.choropleth_svg(sweden_2021, "received_per_1000",
                                         "received_per_1000", "map_x_2021", year=2021)


def test_skane_titles_links_and_size(skane_svg: str) -> None:
    assert len(skane_svg.encode()) < 60_000
    root = _parse(skane_svg)
    assert root.get("role") == "group" and root.get("aria-label") == "Karta: test"
    areas = _areas(root)
    assert len(areas) == 33 and all(c.startswith("12") for c in areas)
    # N01986 2017 Malmö 2443, N01951 2016 328494 → 7,44; Perstorp 144 / 7338 → 19,62
    assert areas["1280"][0] == "Malmö: 7,4 per 1\u00a0000 invånare (2017)"
    assert areas["1275"][0] == "Perstorp: 19,6 per 1\u00a0000 invånare (2017)"
    assert not [c for c, (_, p) in areas.items() if "hatch" in p.get("fill")]  # no gaps
    labels = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "map-labels"
              for t in g]
    assert 10 <= len(labels) <= 33 and "Malmö" in labels
    # the names fit: a short, large one is drawn; the tiny Burlöv is left to hover text
    assert "Sjöbo" in labels and "Burlöv" not in labels
    assert not root.findall(f".//{SVG}g[@class='map-counties']")  # one county only


def test_skane_with_table_under_60_kb(names: pd.DataFrame) -> None:
    frame = _rates(2017, names)
    frame = frame[frame["municipality_id"].str.startswith("12")]
    out = svg_choropleth.inline_map(frame, "received_per_1000", "received_per_1000", "m",
                                    year=2017)
    assert ("<caption>Mottagna per 1\u00a0000 invånare, 2017; samma klassgränser i alla "
            "utgåvor</caption>") in out
    assert len(out.encode()) < 60_000
    assert "<details" in out and "<summary>Kartans värden som tabell</summary>" in out
    assert '<a href="../municipalities/1280.html">Malmö</a>' in out
    assert "<td class=\"num\">7,4</td>" in out


def test_sweden_hatches_exactly_the_gaps(sweden_svg: str, sweden_2021: pd.DataFrame) -> None:
    assert len(sweden_svg.encode()) < 200_000
    root = _parse(sweden_svg)
    areas = _areas(root)
    assert len(areas) == 290
    hatched = {c for c, (_, p) in areas.items() if p.get("fill") == "url(#map_x_2021-hatch)"}
    # N01986 has no 2021 value for Torsås (0834) and Norberg (1962)
    assert hatched == {"0834", "1962"}
    assert areas["0834"][0] == "Torsås: uppgift saknas"
    assert root.find(f".//{SVG}pattern").get("id") == "map_x_2021-hatch"
    legend = _legend(sweden_svg)
    assert legend[0] == "Mottagna per 1\u00a0000 invånare"
    assert legend[-1] == "Uppgift saknas: Norberg, Torsås"
    assert legend[2:10] == ["0–0,5", "mer än 0,5, högst 1", "mer än 1, högst 2",
                            "mer än 2, högst 4", "mer än 4, högst 7,5",
                            "mer än 7,5, högst 12,5", "mer än 12,5, högst 20", "mer än 20"]


def test_sweden_has_county_borders_and_no_names(sweden_svg: str) -> None:
    root = _parse(sweden_svg)
    counties = [g for g in root.iter(f"{SVG}g") if g.get("class") == "map-counties"]
    assert len(counties) == 1 and len(counties[0]) == 21
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "map-labels"]


def _points(d: str) -> list[list[tuple[int, int]]]:
    """Absolute integer points of each ring of path data written as ``M x y l dx dy … z``."""
    rings = []
    for ring in re.findall(r"M([^z]*)z", d):
        start, _, rel = ring.partition("l")
        x, y = (int(v) for v in re.findall(r"-?\d+", start))
        pts = [(x, y)]
        nums = [int(v) for v in re.findall(r"-?\d+", rel)]
        for dx, dy in zip(nums[::2], nums[1::2], strict=True):
            x, y = x + dx, y + dy
            pts.append((x, y))
        rings.append(pts)
    return rings


def test_shared_borders_stay_shared(skane_svg: str) -> None:
    import shapely
    from shapely.geometry import Polygon

    areas = _areas(_parse(skane_svg))
    segments: dict[frozenset, set[str]] = {}
    polys = {}
    for code, (_, path) in areas.items():
        rings = _points(path.get("d"))
        polys[code] = shapely.make_valid(Polygon(rings[0], rings[1:]))
        for ring in rings:
            for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
                segments.setdefault(frozenset((a, b)), set()).add(code)
    # a border segment belongs to at most two municipalities, and neighbours share segments
    assert max(len(s) for s in segments.values()) == 2
    shared = {frozenset(s) for s in segments.values() if len(s) == 2}
    assert {"1280", "1233"} in [set(p) for p in shared]  # Malmö–Vellinge
    assert {"1281", "1261"} in [set(p) for p in shared]  # Lund–Kävlinge
    # no overlaps and no slivers: the drawn shapes tile the region
    total = sum(p.area for p in polys.values())
    union = shapely.union_all(list(polys.values()))
    assert abs(union.area - total) < 0.001 * total
    holes = sum(len(p.interiors) for p in getattr(union, "geoms", [union]))
    assert holes == 0


def test_simplified_coverage_keeps_every_neighbour() -> None:
    """Every pair of Skåne municipalities that shares a border of at least 2 km in the
    boundary file still shares a border after simplification for a 560-pixel map."""
    import shapely

    from kfsk_research.municipalities import boundaries

    gdf = boundaries("kommun")
    gdf = gdf[gdf["municipality_id"].str.startswith("12")].set_index("municipality_id")
    codes = list(gdf.index)
    projection = svgmap.Projection.fit(gdf.total_bounds, 560, 620)
    simple = svgmap.simplified_shapes(codes, projection)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            before = shapely.intersection(gdf.geometry[a], gdf.geometry[b]).length
            if before >= 2000:
                after = shapely.intersection(simple[a].boundary, simple[b].boundary).length
                assert after > 0.5 * before, (a, b, before, after)
                assert shapely.intersection(simple[a], simple[b]).area < 1.0


def test_noted_is_grey_not_hatched(names: pd.DataFrame) -> None:
    frame = names[names["municipality_id"].str.startswith("12")][
        ["municipality_id", "municipality_name"]].copy()
    frame["quota_ratio"] = 1.2
    frame["quota_note"] = ""
    frame.loc[frame["municipality_id"] == "1273", ["quota_ratio", "quota_note"]] = \
        [None, "inget kommuntal"]
    frame.loc[frame["municipality_id"] == "1281", "quota_ratio"] = None
    svg = svg_choropleth.choropleth_svg(frame, "quota_ratio", "quota_ratio", "q", year=2018,
                                        note="quota_note", note_label="Inget kommuntal")
    areas = _areas(_parse(svg))
    assert areas["1273"][0] == "Osby: inget kommuntal"
    assert areas["1273"][1].get("fill") == "#d9d9d9"
    assert {c for c, (_, p) in areas.items() if p.get("fill") == "url(#q-hatch)"} == {"1281"}
    assert areas["1280"][0] == "Malmö: 1,20 gånger kommuntalet (2018)"
    assert _legend(svg)[-2:] == ["Inget kommuntal: Osby", "Uppgift saknas: Lund"]


def test_county_map(names: pd.DataFrame) -> None:
    county_names = dict(zip(names["county_id"], names["county_name"], strict=False))
    svg = svgmap.county_map_svg({"12": ("2018/skane/index.html", "utgåva 2018")},
                                county_names)
    root = _parse(svg)
    assert root.get("role") == "group"
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["2018/skane/index.html"]
    assert links[0].find(f"{SVG}title").text == "Skåne län: utgåva 2018"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert len(titles) == 21
    assert "Norrbottens län: ingen rapport byggd" in titles
    assert len(svg.encode()) < 60_000


def test_profile_locator_for_the_whole_country(names: pd.DataFrame) -> None:
    everyone = sorted(names["municipality_id"])
    skane = sorted(c for c in everyone if c.startswith("12"))
    assert svgmap.locator_codes(everyone, "1280") == skane
    assert svgmap.locator_codes(skane, "1280") == skane  # a region: all of it
    from kfsk_research.municipalities import boundaries

    gdf = boundaries("kommun")
    paths, width, height = svgmap.region_paths(gdf[gdf["municipality_id"].isin(skane)])
    svg = svgmap.region_svg(paths, width, height, "1280",
                            dict(zip(names["municipality_id"], names["municipality_name"],
                                     strict=True)), "länet")
    assert len(svg.encode()) < 30_000 and svg.count("<path") == 33
    assert 'aria-label="Malmö markerad på kartan över länet"' in svg


# -- a built chapter page in a real browser ----------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_chapter_map_hover_text_and_profile_link(pages_root: Path,
                                                  tmp_path: Path) -> None:
    from test_browser import BROWSER_FLAGS, CHROMEDRIVER, CHROMIUM, _binary

    chromium, driver_path = _binary(CHROMIUM, "chromium"), _binary(CHROMEDRIVER, "chromedriver")
    if not chromium or not driver_path:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium and chromedriver are needed in CI")
        pytest.skip("chromium or chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    page = pages_root / "2018" / "skane" / "chapters" / "02_etablering.html"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (*BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.get(page.as_uri())
        link = driver.find_element(
            By.CSS_SELECTOR, 'svg.kfsk-svgmap a[href="../municipalities/1280.html"]')
        title = link.find_element(By.TAG_NAME, "title").get_attribute("textContent")
        # N01986 2017 Malmö 2443 over N01951 2016 328494, per 1 000
        assert title == "Malmö: 7,4 per 1\u00a0000 invånare (2017)"
        # the municipalities are in the keyboard's tab order, the <svg> is a labelled group
        assert driver.execute_script("return arguments[0].tabIndex", link) == 0
        svg = driver.find_element(By.CSS_SELECTOR, "svg#map_received_per_1000_2017-map")
        assert svg.get_attribute("role") == "group" and svg.get_attribute("aria-label")
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', "
                              "{bubbles: true}))", link)
        assert driver.current_url.endswith("/2018/skane/municipalities/1280.html")
        assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Malmö (1280)")
    finally:
        driver.quit()
