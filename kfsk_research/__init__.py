"""kfsk-research: the report 'Tillgång eller belastning?' (2018) rebuilt per edition and region.

Importing the package is cheap; pandas, geopandas and matplotlib load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kfsk_research.context import Chapter


def chapter(chapter_id: str, edition: int = 2018, region: str = "skane",
            data_dir: str | None = None, output_dir: str | None = None) -> Chapter:
    """The context a chapter notebook works with (see :class:`kfsk_research.context.Chapter`)."""
    if chapter_id == "07_utfall":  # chapter 7 has its own blocks (outcomes_chapter.py)
        from kfsk_research.outcomes_chapter import OutcomesChapter

        return OutcomesChapter(chapter_id, edition, region, data_dir, output_dir)
    from kfsk_research import regional_chapter  # a region's own notebooks (regional_chapter.py)

    if regional_chapter.is_regional(chapter_id):
        return regional_chapter.regional_chapter(chapter_id, edition, region, data_dir,
                                                 output_dir)
    from kfsk_research.context import Chapter

    return Chapter(chapter_id, edition, region, data_dir, output_dir)


# -- exploring the data directly (notebooks/utforska.ipynb) -----------------------------------
# Submodules reachable as attributes, imported on first use (``kr.tables``, ``kr.maps`` …), so
# that ``import kfsk_research`` stays light.
_SUBMODULES = ("dataset", "editions", "indicators", "maps", "municipalities", "tables")


def __getattr__(name: str):
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"kfsk_research.{name}")
    raise AttributeError(f"module 'kfsk_research' has no attribute '{name}'")


def load(edition: int = 2018, data_dir: str | None = None):
    """Every input of ``edition`` and every Kolada KPI file in the data directory, validated
    once: a :class:`kfsk_research.dataset.Dataset` (``ds.kpi("N01986")``,
    ``ds.population()``, ``ds.registry``). ``data_dir`` as in the chapter notebooks (None:
    ``$KFSK_DATA_DIR``, else ``data/``; relative paths from the project root)."""
    from kfsk_research.dataset import known_inputs, load_dataset
    from kfsk_research.editions import load_config
    from kfsk_research.paths import existing_data_dir

    e = load_config().edition(edition, existing_data_dir(data_dir))  # the data hold its years
    kpis = [i for i in known_inputs(data_dir) if i.startswith("kolada/N")
            or i.startswith("kolada/U")]
    optional = [i for i in dict.fromkeys([*e.optional, *kpis]) if i not in e.required]
    return load_dataset(e.required, optional, data_dir)


def membership(municipalities: list[str], area_id: str = "urval"):
    """``municipality_id, area_id``: the municipalities as one area, for
    :mod:`kfsk_research.indicators`' ``aggregate_*`` functions."""
    import pandas as pd

    return pd.DataFrame({"municipality_id": pd.Series(list(municipalities), dtype="string"),
                         "area_id": area_id})


def kpi_map(ds, kpi: str, year: int, municipalities: list[str], gender: str = "T"):
    """Choropleth (:func:`kfsk_research.maps.choropleth`) of Kolada ``kpi`` in ``year`` for
    ``municipalities``; returns ``(figure, MapInfo)``. The KPI gets five classes over its
    whole range in the data (quintiles of every municipality's values in all years: the
    same bins for every year and region), which the legend states; missing values are
    hatched and named. (The scale is registered in :mod:`kfsk_research.maps`' tables under
    ``kolada:<kpi>``, since ``choropleth`` takes its bins from there.)"""
    import math
    import textwrap

    from kfsk_research import maps
    from kfsk_research.sources.kolada import ATTRIBUTION

    rows = ds.kpi(kpi, gender)
    municipal = rows[~rows["municipality_id"].str.startswith("00")]["value"].dropna()
    if municipal.empty or municipal.min() < 0:
        raise ValueError(f"{kpi}: no scale for a KPI without values or with negative values")
    key = f"kolada:{kpi}"
    if key not in maps.BINS:
        edges = sorted({float(f"{q:.2g}") for q in municipal.quantile([0.2, 0.4, 0.6, 0.8])})
        meta = ds.kpis.set_index("kpi").loc[kpi]
        maps.BINS[key] = (*[e for e in edges if e > 0], math.inf)
        maps.PALETTES[key] = "Blues"
        maps.LEGEND_TITLES[key] = textwrap.fill(str(meta["title"]), 34)
        maps.SCALE_NOTES[key] = (f"Kvintiler av alla kommuners värden\n"
                                 f"{int(rows['year'].min())}–{int(rows['year'].max())}")
    names = ds.registry.municipalities[["municipality_id", "municipality_name"]]
    frame = names[names["municipality_id"].isin(list(municipalities))].merge(
        rows[rows["year"] == year][["municipality_id", "value"]], on="municipality_id",
        how="left")
    name = textwrap.shorten(str(ds.kpis.set_index("kpi").loc[kpi, "title"]), 60,
                            placeholder=" …")
    title = f"{name} ({kpi}), {year}"
    return maps.choropleth(frame, "value", key, title, f"{ATTRIBUTION} ({kpi})")


__all__ = ["__version__", "chapter", "kpi_map", "load", "membership"]
