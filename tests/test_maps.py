"""Maps: class bins over the whole data range, legend text and title, hatched gaps,
"inget kommuntal" as its own entry, labels that do not overlap."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import math

import pandas as pd
import pytest
from matplotlib.collections import PatchCollection

from kfsk_research import maps


def test_bins_are_fixed_per_indicator() -> None:
    assert maps.BINS["received_per_1000"] == (0.5, 1.0, 2.0, 4.0, 7.5, 12.5, 20.0, math.inf)
    # no shared edges: each class names whether its bounds are in it (upper inclusive)
    assert maps.class_labels("received_per_1000") == [
        "0–0,5", "mer än 0,5, högst 1", "mer än 1, högst 2", "mer än 2, högst 4",
        "mer än 4, högst 7,5", "mer än 7,5, högst 12,5", "mer än 12,5, högst 20", "mer än 20"]
    assert maps.class_labels("quota_ratio")[0] == "0–1"
    assert maps.class_labels("quota_ratio")[-1] == "mer än 10"
    assert maps.class_labels("refugees_employed_deviation_pct")[:2] == [
        "högst \u221210", "mer än \u221210, högst \u22125"]
    # the class edges as labelled are those classify() uses: 1 is in "mer än 0,5, högst 1"
    assert list(maps.classify(pd.Series([0.5, 1.0, 1.01]), "received_per_1000")) == [0, 1, 2]


def test_legend_title_names_unit_and_scale() -> None:
    title = maps.legend_title("received_per_1000")
    assert title.startswith("Mottagna per 1\u00a0000 invånare")
    # true in every edition, also 2018 (whose data end in 2017): no later years named
    assert "Samma klassgränser i alla utgåvor" in title and "2022" not in title
    assert maps.legend_title("quota_ratio").startswith("Mottagna / kommuntal")


def test_classify_same_value_same_class_whatever_the_rest() -> None:
    a = maps.classify(pd.Series([1.0, 8.0, 40.0]), "received_per_1000")
    b = maps.classify(pd.Series([8.0, 8.1, None]), "received_per_1000")
    assert list(a) == [1, 5, 7]  # 0,5–1; 7,5–12,5; över 20
    assert b.iloc[0] == 5 and b.iloc[1] == 5 and pd.isna(b.iloc[2])


@pytest.mark.parametrize(("values", "expected"), [
    # 2022-like values (snapshot: 10–90th percentile 0,6–1,9) fall in three classes
    ([0.6, 1.1, 1.9, 6.3], [1, 2, 2, 4]),
    # 2016-like values (4,1–15,9) in four classes
    ([4.1, 7.6, 11.0, 15.9, 40.1], [4, 5, 5, 6, 7]),
])
def test_bins_resolve_low_and_high_years(values: list[float], expected: list[int]) -> None:
    assert list(maps.classify(pd.Series(values), "received_per_1000")) == expected


@pytest.fixture(scope="module")
def skane_boundaries():
    from kfsk_research.municipalities import boundaries

    gdf = boundaries("kommun")
    return gdf[gdf["municipality_id"].str.startswith("12")]


def _legend_texts(fig) -> list[str]:
    legend = fig.legends[0]
    return [" ".join(t.get_text().split()) for t in legend.get_texts()]  # entries may wrap


def test_choropleth_hatches_and_names_missing(skane_boundaries) -> None:
    frame = pd.DataFrame({
        "municipality_id": pd.array(["1280", "1281", "1256"], dtype="string"),
        "municipality_name": ["Malmö", "Lund", "Östra Göinge"],
        "value": [7.4, 1.0, None],
    })
    fig, info = maps.choropleth(frame, "value", "received_per_1000", "t", "Källa: test",
                                boundaries=skane_boundaries)
    assert info.missing == ["Östra Göinge"]
    assert info.classes == {"1280": 4, "1281": 1}
    legend = _legend_texts(fig)
    assert legend[:8] == maps.class_labels("received_per_1000")
    assert legend[-1] == "Uppgift saknas: Östra Göinge"
    assert fig.legends[0].get_title().get_text() == maps.legend_title("received_per_1000")
    ax = fig.axes[0]
    hatched = [c for c in ax.collections
               if isinstance(c, PatchCollection) and c.get_hatch() == maps.MISSING_HATCH]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) >= 1
    assert any(t.get_text() == "Källa: test" for t in fig.texts)


def test_kommuntal_zero_is_not_missing(skane_boundaries) -> None:
    # anvisningar_kommuntal_2018.csv: 1273,Osby,0,0 (kommuntal 0); 1256 Östra Göinge absent
    frame = pd.DataFrame({
        "municipality_id": pd.array(["1273", "1256", "1280", "1281"], dtype="string"),
        "municipality_name": ["Osby", "Östra Göinge", "Malmö", "Lund"],
        "quota_ratio": [None, None, 9.54, None],
        "quota_note": ["inget kommuntal", "inget kommuntal", "", ""],
    })
    fig, info = maps.choropleth(frame, "quota_ratio", "quota_ratio", "t", "Källa: test",
                                boundaries=skane_boundaries, note="quota_note",
                                note_label="Inget kommuntal")
    assert info.noted == ["Osby", "Östra Göinge"]
    assert info.missing == ["Lund"]  # no value and no note: missing data
    legend = _legend_texts(fig)
    assert "Inget kommuntal: Osby, Östra Göinge" in legend
    assert legend[-1] == "Uppgift saknas: Lund"
    hatched = [c for c in fig.axes[0].collections
               if isinstance(c, PatchCollection) and c.get_hatch() == maps.MISSING_HATCH]
    assert len(hatched) == 1  # only Lund is hatched


def test_labels_do_not_overlap(skane_boundaries) -> None:
    frame = skane_boundaries[["municipality_id"]].assign(
        municipality_name=skane_boundaries["municipality_id"], value=5.0)
    names = pd.read_csv("data/reference/municipalities.csv", dtype=str)
    frame["municipality_name"] = frame["municipality_id"].map(
        dict(zip(names["municipality_id"], names["municipality_name"], strict=True)))
    fig, info = maps.choropleth(frame, "value", "received_per_1000", "t", "Källa: test",
                                boundaries=skane_boundaries)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert len(boxes) == len(info.labelled) >= 28
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    # the small ones around Lund are named (offset where needed), not drawn on top of each other
    assert {"Burlöv", "Lund", "Staffanstorp"} <= set(info.labelled)


def test_whole_country_png_has_county_borders_and_no_names() -> None:
    from matplotlib.collections import LineCollection

    from kfsk_research.municipalities import boundaries

    names = pd.read_csv("data/reference/municipalities.csv", dtype=str)
    frame = names[["municipality_id", "municipality_name"]].assign(value=5.0)
    fig, info = maps.choropleth(frame, "value", "received_per_1000", "t", "Källa: test",
                                boundaries=boundaries("kommun"))
    assert info.labelled == [] and not fig.axes[0].texts  # 290 names would not be legible
    borders = [c for c in fig.axes[0].collections
               if isinstance(c, LineCollection) and c.get_gid() == "counties"]
    assert len(borders) == 1 and len(borders[0].get_paths()) >= 21  # 21 counties


def test_one_county_png_has_no_county_borders(skane_boundaries) -> None:
    frame = skane_boundaries[["municipality_id"]].assign(municipality_name="x", value=5.0)
    fig, _ = maps.choropleth(frame, "value", "received_per_1000", "t", "Källa: test",
                             boundaries=skane_boundaries)
    assert not [c for c in fig.axes[0].collections if c.get_gid() == "counties"]
