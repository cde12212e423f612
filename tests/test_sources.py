"""Loaders (``kfsk_research.sources``) against the real snapshot and against broken files.

Expected numbers were read by hand from the snapshot CSVs in ``data/`` (file
and line given beside each literal; line 1 is the header) and from the file table of
its README.md (row counts, checked with ``wc -l`` minus the header).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kfsk_research.errors import DataError, MissingInputError
from kfsk_research.sources import kolada, migrationsverket, reference, scb

pytest.register_assert_rewrite("helpers")
from helpers import KOLADA_HEADER, SKANE_IDS, assert_located, one_row, write_input  # noqa: E402

pytest_plugins = ["helpers"]

# Rows (excluding the header) of every kolada/<KPI>.csv: README.md, table of KPIs,
# column "rows"; each checked with `wc -l` (minus 1).
KOLADA_ROWS = {
    "N00485": 2869, "N00486": 2868, "N00700": 12749, "N00701": 2604, "N00702": 5649,
    "N00703": 4378, "N00704": 2891, "N00705": 2906, "N00706": 2906, "N00707": 2893,
    "N00712": 1455, "N00960": 7696, "N00961": 7726, "N00962": 7592, "N00963": 7559,
    "N00964": 7439, "N00971": 6319, "N00973": 6319, "N00991": 5471, "N00994": 4257,
    "N01951": 27108, "N01986": 9287, "N01987": 2550, "N01990": 6620, "N01991": 2570,
    "N01992": 2563, "N01993": 6620, "N01995": 2266, "N02002": 2260, "N02006": 9287,
    "N02926": 22768, "N02994": 4349, "N02995": 1267, "N18701": 5627, "N31806": 5327,
    "N31859": 1611, "N40007": 7254, "N40010": 8117, "N40014": 5849, "U30464": 272,
    "U30465": 246, "U31001": 3709, "U37003": 2200,
}

N01986 = "kolada/N01986.csv"
N01951 = "kolada/N01951.csv"
N00486 = "kolada/N00486.csv"


# --------------------------------------------------------------------------------------
# The real snapshot
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kpis(snapshot_dir: Path) -> pd.DataFrame:
    return kolada.load_kpis(snapshot_dir)


@pytest.fixture(scope="module")
def n01986(snapshot_dir: Path, known: frozenset[str]) -> pd.DataFrame:
    return kolada.load_kolada("N01986", snapshot_dir, known=known, unit_hint="count")


@pytest.fixture(scope="module")
def n01951(snapshot_dir: Path, known: frozenset[str]) -> pd.DataFrame:
    return kolada.load_kolada("N01951", snapshot_dir, known=known, unit_hint="count")


@pytest.fixture(scope="module")
def received_2018(snapshot_dir: Path, known: frozenset[str]) -> pd.DataFrame:
    return migrationsverket.load_received_2018(snapshot_dir, known)


@pytest.fixture(scope="module")
def kommuntal_2018(snapshot_dir: Path, known: frozenset[str]) -> pd.DataFrame:
    return migrationsverket.load_kommuntal_2018(snapshot_dir, known)


@pytest.fixture(scope="module")
def received_2015_2016(snapshot_dir: Path, known: frozenset[str]) -> pd.DataFrame:
    return migrationsverket.load_received_2015_2016(snapshot_dir, known)


@pytest.fixture(scope="module")
def population(snapshot_dir: Path, known: frozenset[str]) -> pd.DataFrame:
    return scb.load_scb_population(snapshot_dir, known)


def test_kolada_row_counts_add_up_to_readme_total() -> None:
    # Guards the literal table above: README says 43 files, 244273 rows in total.
    assert len(KOLADA_ROWS) == 43
    assert sum(KOLADA_ROWS.values()) == 244273


@pytest.mark.parametrize(("kpi", "rows"), sorted(KOLADA_ROWS.items()))
def test_every_kolada_file_loads_with_its_row_count(
    snapshot_dir: Path, known: frozenset[str], kpis: pd.DataFrame, kpi: str, rows: int
) -> None:
    unit = kpis.loc[kpis["kpi"] == kpi, "unit_hint"].iloc[0]
    df = kolada.load_kolada(kpi, snapshot_dir, known=known, unit_hint=unit)
    assert len(df) == rows
    assert list(df.columns) == ["kpi", "municipality_id", "year", "gender", "value"]
    assert set(df["kpi"]) == {kpi}
    assert set(df["gender"]) <= {"T", "K", "M"}
    assert df["value"].notna().all()  # README: rows with an empty value were dropped


def test_kpi_catalogue(kpis: pd.DataFrame) -> None:
    assert len(kpis) == 43  # kolada/kpis.csv: 44 lines
    assert set(kpis["kpi"]) == set(KOLADA_ROWS)
    assert one_row(kpis, kpi="N01986")["unit_hint"] == "count"  # kpis.csv line 23
    assert one_row(kpis, kpi="N01951")["unit_hint"] == "count"  # kpis.csv line 22
    assert one_row(kpis, kpi="N00486")["unit_hint"] == "percent"  # kpis.csv line 3
    assert kpis["has_gender"].dtype == bool
    assert bool(one_row(kpis, kpi="N01951")["has_gender"]) is True  # kpis.csv line 22: True


def test_kolada_period_is_returned_as_year_with_string_codes(n01986: pd.DataFrame) -> None:
    assert "period" not in n01986.columns
    assert n01986["year"].dtype == "int64"
    assert n01986["value"].dtype == "float64"
    assert pd.api.types.is_string_dtype(n01986["municipality_id"])
    assert n01986["municipality_id"].str.fullmatch(r"\d{4}").all()
    assert "0114" in set(n01986["municipality_id"])  # N01986.csv line 38: 0114 2017 K
    assert "114" not in set(n01986["municipality_id"])


def test_n01986_malmo_2017(n01986: pd.DataFrame) -> None:
    # kolada/N01986.csv lines 3747-3749: N01986,1280,2017,{K 1031.0, M 1412.0, T 2443.0}
    assert one_row(n01986, municipality_id="1280", year=2017, gender="T")["value"] == 2443.0
    assert one_row(n01986, municipality_id="1280", year=2017, gender="K")["value"] == 1031.0
    assert one_row(n01986, municipality_id="1280", year=2017, gender="M")["value"] == 1412.0
    assert one_row(n01986, municipality_id="0114", year=2017, gender="T")["value"] == 303.0


def test_n01986_has_all_skane_municipalities_2017(n01986: pd.DataFrame) -> None:
    t2017 = n01986[(n01986["year"] == 2017) & (n01986["gender"] == "T")]
    assert set(SKANE_IDS) <= set(t2017["municipality_id"])


def test_n01951_skane_county_row_2016(n01951: pd.DataFrame) -> None:
    # kolada/N01951.csv line 940: N01951,0012,2016,T,1324565.0 (lines 938-939: K, M)
    assert one_row(n01951, municipality_id="0012", year=2016, gender="T")["value"] == 1324565.0
    assert one_row(n01951, municipality_id="0012", year=2016, gender="K")["value"] == 664407.0
    # kolada/N01951.csv line 12040: N01951,1280,2016,T,328494.0
    assert one_row(n01951, municipality_id="1280", year=2016, gender="T")["value"] == 328494.0


def test_municipalities_reference(municipalities: pd.DataFrame) -> None:
    assert len(municipalities) == 290
    assert pd.api.types.is_string_dtype(municipalities["municipality_id"])
    assert "0114" in set(municipalities["municipality_id"])  # municipalities.csv line 2
    assert municipalities["county_id"].nunique() == 21
    skane = municipalities[municipalities["county_id"] == "12"]
    assert tuple(sorted(skane["municipality_id"])) == SKANE_IDS
    assert set(skane["county_name"]) == {"Skåne län"}
    # municipalities.csv line 118: 1280,Malmö,12,Skåne län
    assert one_row(municipalities, municipality_id="1280")["municipality_name"] == "Malmö"


def test_kommungrupper_reference(snapshot_dir: Path, known: frozenset[str]) -> None:
    df = reference.load_kommungrupper(snapshot_dir, known)
    assert len(df) == 580
    assert set(df["classification"]) == {"skl2017", "skr2023"}
    # kommungrupper.csv lines 234-235
    row = one_row(df, municipality_id="1280", classification="skl2017")
    assert (row["group_code"], row["group_name"]) == ("A1", "Storstäder")
    assert one_row(df, municipality_id="1280", classification="skr2023")["group_code"] == "G92787"
    assert "0114" in set(df["municipality_id"])  # kommungrupper.csv line 2


def test_received_2018(received_2018: pd.DataFrame) -> None:
    assert len(received_2018) == 312
    assert pd.api.types.is_string_dtype(received_2018["municipality_id"])
    assert set(SKANE_IDS) <= set(received_2018["municipality_id"])
    # kommunmottagna_2018.csv line 12:
    # 0012,Skåne län,557,8,1391,247,1060,167,325,181,2898,2,6231,605
    skane = one_row(received_2018, municipality_id="0012")
    assert skane["kvotflyktingar"] == 557
    assert skane["anvisade_abo"] == 1391
    assert skane["ebo"] == 1060
    assert skane["anhoriga"] == 2898
    assert skane["total"] == 6231
    assert skane["total_varav_ensamkommande"] == 605
    # line 2: 0000,Riket,...,44216,6635
    assert one_row(received_2018, municipality_id="0000")["total"] == 44216


def test_received_2018_empty_cell_is_missing_not_zero(received_2018: pd.DataFrame) -> None:
    # kommunmottagna_2018.csv line 3: 0001,Stockholms län,...,2061,,9091,1239
    stockholm = one_row(received_2018, municipality_id="0001")
    assert stockholm["anhoriga_varav_ensamkommande"] is pd.NA
    assert stockholm["anhoriga"] == 2061
    assert received_2018["anhoriga_varav_ensamkommande"].dtype == "Int64"
    # line 135: 1273,Osby,,,7,... -> kvotflyktingar missing
    assert pd.isna(one_row(received_2018, municipality_id="1273")["kvotflyktingar"])


def test_kommuntal_2018(kommuntal_2018: pd.DataFrame) -> None:
    assert len(kommuntal_2018) == 288
    ids = set(kommuntal_2018["municipality_id"])
    # anvisningar_kommuntal_2018.csv line 11: 0012,Skåne län,1800,1727
    skane = one_row(kommuntal_2018, municipality_id="0012")
    assert (skane["kommuntal"], skane["mottagna"]) == (1800, 1727)
    assert "1256" not in ids  # Östra Göinge: no row in the file
    assert "1275" not in ids  # Perstorp: no row in the file
    assert len(set(SKANE_IDS) & ids) == 31
    # line 122: 1273,Osby,0,0 (kommuntal 0 is a value, not missing)
    assert one_row(kommuntal_2018, municipality_id="1273")["kommuntal"] == 0


def test_received_2015_2016(received_2015_2016: pd.DataFrame) -> None:
    assert len(received_2015_2016) == 580
    assert set(received_2015_2016["year"]) == {2015, 2016}
    assert set(SKANE_IDS) <= set(received_2015_2016["municipality_id"])
    # kommunmottagna_total_2015_2016.csv lines 200-201: 1256,Östra Göinge,{2015 368,2016 388}
    assert one_row(received_2015_2016, municipality_id="1256", year=2015)["mottagna"] == 368
    assert one_row(received_2015_2016, municipality_id="1256", year=2016)["mottagna"] == 388
    # line 2: 0114,Upplands Väsby,2015,166
    assert one_row(received_2015_2016, municipality_id="0114", year=2015)["mottagna"] == 166


def test_scb_population(population: pd.DataFrame) -> None:
    assert len(population) == 20590
    assert population["year"].min() == 1950
    assert population["year"].max() == 2020
    assert set(SKANE_IDS) <= set(population["municipality_id"])
    # scb/population.csv line 8304: 1280,Malmö,2016,328494 (= N01951 line 12040)
    assert one_row(population, municipality_id="1280", year=2016)["population"] == 328494
    # line 2: 0114,Upplands Väsby,1950,6156
    assert one_row(population, municipality_id="0114", year=1950)["population"] == 6156


# --------------------------------------------------------------------------------------
# Broken files written into tmp_path: one test per error
# --------------------------------------------------------------------------------------


def test_missing_kolada_file_names_file_place_and_env_var(broken_root: Path) -> None:
    with pytest.raises(MissingInputError) as info:
        kolada.load_kolada("N01986", broken_root)
    err = info.value
    assert_located(err, N01986, None, None)
    assert str(broken_root / "kolada") in str(err)
    assert "KFSK_DATA_DIR" in str(err)


def test_missing_migrationsverket_file(broken_root: Path) -> None:
    with pytest.raises(MissingInputError) as info:
        migrationsverket.load_kommuntal_2018(broken_root)
    assert_located(info.value, migrationsverket.KOMMUNTAL_2018, None, None)
    assert str(broken_root / "migrationsverket") in str(info.value)
    assert "KFSK_DATA_DIR" in str(info.value)


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_file(broken_root: Path, content: bytes) -> None:
    path = broken_root / N01986
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root)
    assert_located(info.value, N01986, 1, None)
    assert "empty" in str(info.value)


def test_renamed_header_column(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, ["kpi,municipality_id,period,gender,values",
                                      "N01986,1280,2017,T,2443.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 1, "value")
    assert "'values'" in str(info.value)


def test_semicolon_separator(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, ["kpi;municipality_id;period;gender;value",
                                      "N01986;1280;2017;T;2443.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 1, None)
    assert "';'" in str(info.value)


def test_latin1_encoding(broken_root: Path, broken_known: frozenset[str]) -> None:
    # An encoding error is about the bytes of a line, not a column: column stays None.
    write_input(broken_root, scb.POPULATION,
                ["municipality_id,municipality_name,year,population",
                 "1230,Staffanstorp,2016,24015",
                 "1280,Malmö,2016,328494"], encoding="latin-1")
    with pytest.raises(DataError) as info:
        scb.load_scb_population(broken_root, broken_known)
    assert_located(info.value, scb.POPULATION, 3, None)
    assert "UTF-8" in str(info.value)


@pytest.mark.parametrize("bad", ["n/a", "abc"])
def test_non_numeric_kolada_value(broken_root: Path, broken_known: frozenset[str],
                                  bad: str) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2016,T,2595.0",
                                      f"N01986,1280,2017,T,{bad}"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 3, "value")
    assert f"'{bad}'" in str(info.value)


def test_non_numeric_kommuntal(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, migrationsverket.KOMMUNTAL_2018,
                ["municipality_id,municipality_name,kommuntal,mottagna",
                 "0012,Skåne län,1800,1727",
                 "1214,Svalöv,4,4",
                 "1230,Staffanstorp,abc,91"])
    with pytest.raises(DataError) as info:
        migrationsverket.load_kommuntal_2018(broken_root, broken_known)
    assert_located(info.value, migrationsverket.KOMMUNTAL_2018, 4, "kommuntal")
    assert "'abc'" in str(info.value)


def test_duplicate_key_row(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2016,T,2595.0",
                                      "N01986,1280,2017,T,2443.0",
                                      "N01986,1280,2017,T,2443.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 3, "municipality_id")
    assert "duplicate" in str(info.value)
    assert "also in row 4" in str(info.value)


def test_duplicate_key_names_the_row_with_the_same_key(broken_root: Path,
                                                       broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2017,T,2443.0",
                                      "N01986,1281,2017,T,1024.0",
                                      "N01986,1280,2017,T,2443.0",
                                      "N01986,1281,2017,T,1024.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 2, "municipality_id")
    assert "also in row 4" in str(info.value)


def test_unknown_code(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2017,T,2443.0",
                                      "N01986,9999,2017,T,5.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 3, "municipality_id")
    assert "unknown" in str(info.value)
    assert "'9999'" in str(info.value)


@pytest.mark.parametrize(("code", "fix"), [("180", "'0180'"), ("1280.0", "'1280'")])
def test_code_that_lost_its_format_suggests_the_fix(
    broken_root: Path, broken_known: frozenset[str], code: str, fix: str
) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,0114,2017,T,303.0",
                                      f"N01986,{code},2017,T,2443.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 3, "municipality_id")
    assert fix in str(info.value)


def test_code_that_lost_its_zero_in_migrationsverket(broken_root: Path,
                                                     broken_known: frozenset[str]) -> None:
    write_input(broken_root, migrationsverket.RECEIVED_2015_2016,
                ["municipality_id,municipality_name,year,mottagna",
                 "114,Upplands Väsby,2015,166"])
    with pytest.raises(DataError) as info:
        migrationsverket.load_received_2015_2016(broken_root, broken_known)
    assert_located(info.value, migrationsverket.RECEIVED_2015_2016, 2, "municipality_id")
    assert "'0114'" in str(info.value)


def test_negative_value_in_count_kpi(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2016,T,2595.0",
                                      "N01986,1280,2017,T,-2443.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known, unit_hint="count")
    assert_located(info.value, N01986, 3, "value")
    assert "negative" in str(info.value)


def test_negative_population_without_unit_hint(broken_root: Path,
                                               broken_known: frozenset[str]) -> None:
    # N01951 is always a count, whatever unit_hint says.
    write_input(broken_root, N01951, [KOLADA_HEADER, "N01951,1280,2016,T,-328494.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01951", broken_root, known=broken_known)
    assert_located(info.value, N01951, 2, "value")


def test_negative_value_in_percent_kpi_is_accepted(broken_root: Path,
                                                   broken_known: frozenset[str]) -> None:
    # kolada/N00486.csv lines 1169-1171: 1280 2015-2017 T, all negative deviations
    write_input(broken_root, N00486, [KOLADA_HEADER,
                                      "N00486,1280,2015,T,-5.98265517",
                                      "N00486,1280,2016,T,-5.9",
                                      "N00486,1280,2017,T,-6.91457892"])
    df = kolada.load_kolada("N00486", broken_root, known=broken_known, unit_hint="percent")
    assert df["value"].tolist() == [-5.98265517, -5.9, -6.91457892]


def test_population_zero_in_n01951(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01951, [KOLADA_HEADER,
                                      "N01951,1280,2015,T,322574.0",
                                      "N01951,1280,2016,T,0.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01951", broken_root, known=broken_known, unit_hint="count")
    assert_located(info.value, N01951, 3, "value")
    assert "population of 0" in str(info.value)


def test_population_zero_in_scb(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, scb.POPULATION,
                ["municipality_id,municipality_name,year,population",
                 "1280,Malmö,2016,0"])
    with pytest.raises(DataError) as info:
        scb.load_scb_population(broken_root, broken_known)
    assert_located(info.value, scb.POPULATION, 2, "population")


def test_year_outside_range_in_scb(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, scb.POPULATION,
                ["municipality_id,municipality_name,year,population",
                 "1280,Malmö,2016,328494",
                 "1280,Malmö,2099,328494"])
    with pytest.raises(DataError) as info:
        scb.load_scb_population(broken_root, broken_known)
    assert_located(info.value, scb.POPULATION, 3, "year")
    assert "2099" in str(info.value)


def test_year_outside_range_in_kolada(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2017,T,2443.0",
                                      "N01986,1280,2099,T,2443.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    err = info.value
    assert (err.file, err.row) == (N01986, 3)
    assert "2099" in str(err)


def test_year_error_in_kolada_names_the_files_column(broken_root: Path,
                                                     broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER, "N01986,1280,2099,T,2443.0"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 2, "period")


def test_row_number_after_a_blank_line(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2016,T,2595.0",
                                      "",
                                      "N01986,1280,2017,T,abc"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert_located(info.value, N01986, 4, "value")


def test_short_row_is_an_error(broken_root: Path, broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2016,T,2595.0",
                                      "N01986,1280,2017,T"])
    with pytest.raises(DataError) as info:
        kolada.load_kolada("N01986", broken_root, known=broken_known)
    assert (info.value.file, info.value.row) == (N01986, 3)


# --------------------------------------------------------------------------------------
# Accepted variations
# --------------------------------------------------------------------------------------


def test_utf8_bom_loads_identically(broken_root: Path, snapshot_dir: Path,
                                    broken_known: frozenset[str], known: frozenset[str],
                                    n01986: pd.DataFrame) -> None:
    target = broken_root / N01986
    target.parent.mkdir()
    target.write_bytes(b"\xef\xbb\xbf" + (snapshot_dir / N01986).read_bytes())
    with_bom = kolada.load_kolada("N01986", broken_root, known=broken_known, unit_hint="count")
    pd.testing.assert_frame_equal(with_bom, n01986)


def test_utf8_bom_in_migrationsverket_file(broken_root: Path, snapshot_dir: Path,
                                           broken_known: frozenset[str],
                                           kommuntal_2018: pd.DataFrame) -> None:
    target = broken_root / migrationsverket.KOMMUNTAL_2018
    target.parent.mkdir()
    target.write_bytes(b"\xef\xbb\xbf"
                       + (snapshot_dir / migrationsverket.KOMMUNTAL_2018).read_bytes())
    with_bom = migrationsverket.load_kommuntal_2018(broken_root, broken_known)
    pd.testing.assert_frame_equal(with_bom, kommuntal_2018)


def test_empty_kolada_value_is_nan_not_zero(broken_root: Path,
                                            broken_known: frozenset[str]) -> None:
    write_input(broken_root, N01986, [KOLADA_HEADER,
                                      "N01986,1280,2016,T,2595.0",
                                      "N01986,1280,2017,T,",
                                      "N01986,1281,2017,T,1024.0"])
    df = kolada.load_kolada("N01986", broken_root, known=broken_known, unit_hint="count")
    assert len(df) == 3
    assert df["value"].dtype == "float64"
    assert df["value"].iloc[0] == 2595.0
    assert pd.isna(df["value"].iloc[1])
    assert df["value"].iloc[2] == 1024.0


def test_copied_reference_file_gives_the_same_known_codes(broken_known: frozenset[str],
                                                          known: frozenset[str]) -> None:
    # 290 municipalities + 21 counties (00LL) + 0000
    assert broken_known == known
    assert len(known) == 290 + 21 + 1
    assert {"0000", "0012", "0114", "1280"} <= known
    assert "9999" not in known


def test_broken_root_is_isolated(broken_root: Path) -> None:
    # The fixture holds only the reference file: nothing leaks from the snapshot.
    assert sorted(p.relative_to(broken_root).as_posix()
                  for p in broken_root.rglob("*") if p.is_file()) == [reference.MUNICIPALITIES]
