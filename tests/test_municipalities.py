"""The municipality registry on the snapshot: regions, codes, names, kommungrupper, maps.

Expected members and names were read by hand from ``reference/municipalities.csv`` and
``reference/kommungrupper.csv`` of the snapshot (line numbers beside the literals).
"""

from __future__ import annotations

import pandas as pd
import pytest

from kfsk_research.editions import Config, Region
from kfsk_research.errors import ConfigError
from kfsk_research.municipalities import Registry, boundaries, county_area_id, validate_code

pytest.register_assert_rewrite("helpers")
from helpers import SKANE_IDS  # noqa: E402

pytest_plugins = ["helpers"]


def test_skane_has_its_33_municipalities(registry: Registry, config: Config) -> None:
    members = registry.members(config.region("skane"))
    assert len(members) == 33
    assert tuple(members) == SKANE_IDS
    assert "0012" not in members  # the county aggregate is not a member


def test_blekinge_members(registry: Registry, config: Config) -> None:
    # municipalities.csv: the five rows with county_id 10
    assert registry.members(config.region("blekinge")) == ["1060", "1080", "1081", "1082",
                                                             "1083"]


def test_goteborgsregionen_spans_two_counties(registry: Registry, config: Config) -> None:
    region = config.region("goteborgsregionen")
    members = registry.members(region)
    assert members == ["1384", "1401", "1402", "1407", "1415", "1419", "1440", "1441",
                       "1462", "1480", "1481", "1482", "1489"]
    table = registry.region_table(region)
    assert len(table) == 13
    # municipalities.csv line 135: 1384,Kungsbacka,13,Hallands län
    kungsbacka = table[table["municipality_id"] == "1384"].iloc[0]
    assert (kungsbacka["municipality_name"], kungsbacka["county_id"]) == ("Kungsbacka", "13")
    assert set(table["county_id"]) == {"13", "14"}


def test_region_with_unknown_member_is_a_config_error(registry: Registry) -> None:
    region = Region("test", "Test", municipalities=("1280", "9999"))
    with pytest.raises(ConfigError, match="9999"):
        registry.members(region)


def test_region_of_unknown_county_is_a_config_error(registry: Registry) -> None:
    with pytest.raises(ConfigError, match="99"):
        registry.members(Region("test", "Test", counties=("99",)))


@pytest.mark.parametrize(("code", "fix"), [
    (180, "0180"),
    ("180", "0180"),
    ("1280.0", "1280"),
])
def test_validate_code_rejects_codes_that_lost_their_format(code: object, fix: str) -> None:
    with pytest.raises(ValueError, match=f"'{fix}'"):
        validate_code(code)


def test_validate_code_rejects_a_number_even_with_four_digits() -> None:
    with pytest.raises(ValueError, match="string"):
        validate_code(1280)


def test_validate_code_rejects_unknown_code(known: frozenset[str]) -> None:
    with pytest.raises(ValueError, match="unknown municipality code '9999'"):
        validate_code("9999", known)
    assert validate_code("9999") == "9999"  # without a known set only the shape is checked


@pytest.mark.parametrize("code", ["0180", "1280", "0012", "0000"])
def test_validate_code_accepts_valid_codes(code: str, known: frozenset[str]) -> None:
    assert validate_code(code, known) == code


def test_known_area_ids(registry: Registry) -> None:
    assert len(registry.known) == 290 + 21 + 1
    assert {"0000", "0012", "0180", "1280"} <= registry.known


def test_area_names(registry: Registry) -> None:
    assert registry.area_name("0012") == "Skåne län"
    assert registry.area_name("0000") == "Riket"
    assert registry.area_name("1280") == "Malmö"  # municipalities.csv line 118
    assert registry.area_name("0114") == "Upplands Väsby"  # municipalities.csv line 2
    with pytest.raises(KeyError):
        registry.area_name("9999")
    with pytest.raises(KeyError):
        registry.area_name("0099")


def test_county_area_id_and_membership(registry: Registry) -> None:
    assert county_area_id("12") == "0012"
    membership = registry.county_membership()
    assert len(membership) == 290
    assert membership["area_id"].nunique() == 21
    skane = membership[membership["area_id"] == "0012"]
    assert tuple(sorted(skane["municipality_id"])) == SKANE_IDS
    names = registry.county_names()
    assert len(names) == 21
    assert names.loc[names["county_id"] == "08", "county_name"].iloc[0] == "Kalmar län"


def test_kommungrupp_skl2017(registry: Registry) -> None:
    groups = registry.kommungrupp("skl2017")
    assert len(groups) == 290
    assert list(groups.columns) == ["municipality_id", "group_code", "group_name"]
    # kommungrupper.csv line 234: 1280,skl2017,A1,Storstäder
    malmo = groups[groups["municipality_id"] == "1280"].iloc[0]
    assert (malmo["group_code"], malmo["group_name"]) == ("A1", "Storstäder")
    # line 268: 1384,skl2017,A2,Pendlingskommun nära storstad
    assert groups.loc[groups["municipality_id"] == "1384", "group_code"].iloc[0] == "A2"
    assert groups["group_code"].nunique() == 9


def test_kommungrupp_skr2023(registry: Registry) -> None:
    groups = registry.kommungrupp("skr2023")
    assert len(groups) == 290
    # kommungrupper.csv line 235: 1280,skr2023,G92787,Storstäder
    malmo = groups[groups["municipality_id"] == "1280"].iloc[0]
    assert (malmo["group_code"], malmo["group_name"]) == ("G92787", "Storstäder")
    # README: G92787 (Storstäder) has 3 members
    assert (groups["group_code"] == "G92787").sum() == 3


@pytest.fixture(scope="module")
def kommun_boundaries():
    return boundaries("kommun")


def test_boundaries_kommun(kommun_boundaries, municipalities: pd.DataFrame) -> None:
    gdf = kommun_boundaries
    assert len(gdf) == 290
    assert gdf.crs.to_epsg() == 3006
    assert pd.api.types.is_string_dtype(gdf["municipality_id"])
    assert set(gdf["municipality_id"]) == set(municipalities["municipality_id"])
    assert "0114" in set(gdf["municipality_id"])
    assert gdf["municipality_id"].is_monotonic_increasing
    assert gdf.geometry.notna().all()
