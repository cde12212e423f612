"""Maps: fixed class bins, legend labels, hatched gaps."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import math

import pandas as pd
import pytest
from matplotlib.collections import PatchCollection

from kfsk_research import maps


def test_bins_are_fixed_per_indicator() -> None:
    assert maps.BINS["received_per_1000"] == (2.5, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, math.inf)
    assert maps.class_labels("received_per_1000") == [
        "0–2,5", "2,5–5", "5–7,5", "7,5–10", "10–15", "15–20", "20–30", "över 30"]
    assert maps.class_labels("quota_ratio")[-1] == "över 3"


def test_classify_same_value_same_class_whatever_the_rest() -> None:
    a = maps.classify(pd.Series([1.0, 8.0, 40.0]), "received_per_1000")
    b = maps.classify(pd.Series([8.0, 8.1, None]), "received_per_1000")
    assert list(a) == [0, 3, 7]
    assert b.iloc[0] == 3 and b.iloc[1] == 3 and pd.isna(b.iloc[2])


@pytest.fixture(scope="module")
def skane_boundaries():
    from kfsk_research.municipalities import boundaries

    gdf = boundaries("kommun")
    return gdf[gdf["municipality_id"].str.startswith("12")]


def test_choropleth_hatches_and_names_missing(skane_boundaries) -> None:
    frame = pd.DataFrame({
        "municipality_id": pd.array(["1280", "1281", "1256"], dtype="string"),
        "municipality_name": ["Malmö", "Lund", "Östra Göinge"],
        "value": [7.4, 1.0, None],
    })
    fig, info = maps.choropleth(frame, "value", "received_per_1000", "t", "Källa: test",
                                boundaries=skane_boundaries)
    assert info.missing == ["Östra Göinge"]
    assert info.classes == {"1280": 2, "1281": 0}
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:8] == maps.class_labels("received_per_1000")
    assert legend[-1] == "Uppgift saknas: Östra Göinge"
    hatched = [c for c in fig.axes[0].collections
               if isinstance(c, PatchCollection) and c.get_hatch() == maps.MISSING_HATCH]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) >= 1
    assert any(t.get_text() == "Källa: test" for t in fig.texts)
