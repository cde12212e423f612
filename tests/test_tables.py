"""Chapter tables computed from the edition-2018 dataset of the real snapshot.

Every expected number was worked out by hand from the snapshot CSVs (``grep``/``awk``
over ``data/``; file and line beside each literal), not with the package.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kfsk_research import tables
from kfsk_research.dataset import Dataset
from kfsk_research.editions import Config

pytest.register_assert_rewrite("helpers")
from helpers import SKANE_IDS, one_row  # noqa: E402

pytest_plugins = ["helpers"]

YEARS = [2015, 2016, 2017]


@pytest.fixture(scope="module")
def skane_members(config: Config, dataset_2018: Dataset) -> list[str]:
    return dataset_2018.registry.members(config.region("skane"))


@pytest.fixture(scope="module")
def reception(dataset_2018: Dataset, skane_members: list[str]) -> pd.DataFrame:
    return tables.reception_municipality(dataset_2018, skane_members, YEARS)


@pytest.fixture(scope="module")
def county(dataset_2018: Dataset) -> pd.DataFrame:
    return tables.reception_county(dataset_2018, YEARS)


@pytest.fixture(scope="module")
def quota(dataset_2018: Dataset, config: Config, skane_members: list[str]) -> pd.DataFrame:
    return tables.quota_vs_received(dataset_2018, config.region("skane"), skane_members,
                                    config.edition(2018))


@pytest.fixture(scope="module")
def establishment(dataset_2018: Dataset, skane_members: list[str]) -> pd.DataFrame:
    return tables.establishment_gender(dataset_2018, skane_members, YEARS)


def test_dataset_2018_read_every_input(dataset_2018: Dataset) -> None:
    assert dataset_2018.missing == ()
    assert dataset_2018.has("kolada/N01986.csv")
    assert dataset_2018.has("migrationsverket/anvisningar_kommuntal_2018.csv")


# --- reception_municipality -----------------------------------------------------------


def test_reception_municipality_shape(reception: pd.DataFrame) -> None:
    assert len(reception) == 99  # 33 municipalities x 3 years
    assert tuple(sorted(reception["municipality_id"].unique())) == SKANE_IDS
    assert sorted(reception["year"].unique()) == YEARS
    assert not reception.duplicated(["municipality_id", "year"]).any()


def test_reception_malmo_2017(reception: pd.DataFrame) -> None:
    malmo = one_row(reception, municipality_id="1280", year=2017)
    assert malmo["municipality_name"] == "Malmö"
    assert malmo["received"] == 2443.0  # kolada/N01986.csv line 3749: 1280,2017,T,2443.0
    # kolada/N01951.csv line 12040: 1280,2016,T,328494.0 (31 Dec of the year before)
    assert malmo["population_prev_year"] == 328494.0
    # 2443 / 328494 * 1000 = 7.436969929...
    assert malmo["received_per_1000"] == pytest.approx(7.436970, rel=1e-6)
    # kolada/N01987.csv line 1019: 1280,2017,T,408.0
    assert malmo["received_after_assignment"] == 408.0


def test_reception_missing_n01987_stays_missing(reception: pd.DataFrame) -> None:
    # README "Known gaps": N01987 2017 has no value for Östra Göinge (1256), Perstorp (1275)
    for code in ("1256", "1275"):
        row = one_row(reception, municipality_id=code, year=2017)
        assert math.isnan(row["received_after_assignment"])
        assert not math.isnan(row["received"])


def test_reception_skane_sum_2017(reception: pd.DataFrame) -> None:
    # awk over kolada/N01986.csv: 33 Skåne rows with period 2017, gender T, sum 10512
    received_2017 = reception.loc[reception["year"] == 2017, "received"]
    assert received_2017.notna().sum() == 33
    assert received_2017.sum() == 10512.0


# --- reception_county ---------------------------------------------------------------


def test_reception_county_shape(county: pd.DataFrame) -> None:
    assert len(county) == 63  # 21 counties x 3 years
    assert county["county_id"].nunique() == 21
    assert sorted(county["year"].unique()) == YEARS


def test_reception_county_kalmar_2017(county: pd.DataFrame) -> None:
    kalmar = one_row(county, county_id="08", year=2017)
    assert kalmar["county_name"] == "Kalmar län"
    # Mean over Kalmar's 12 municipalities (municipalities.csv, county_id 08) of
    # (N01986 2016 + 2017, T) / N01951 2016 T * 1000, e.g. Högsby 0821: 471 / 6080 * 1000
    # = 77.467; the 12 rates average to 31.082865.
    assert round(kalmar["received_24m_per_1000"], 2) == 31.08
    assert kalmar["received_24m_per_1000"] == pytest.approx(31.082865, abs=1e-5)
    # Population-weighted: 5701 received / 242301 inhabitants * 1000 = 23.528586
    assert kalmar["received_24m_per_1000_weighted"] == pytest.approx(23.528586, abs=1e-5)
    assert (kalmar["n_municipalities"], kalmar["municipalities_missing"]) == (12, 0)


# --- quota_vs_received --------------------------------------------------------------


def test_quota_2018_skane_county_row(quota: pd.DataFrame) -> None:
    skane = one_row(quota, area_id="0012", year=2018)
    assert skane["area_name"] == "Skåne län"
    # anvisningar_kommuntal_2018.csv line 11: 0012,Skåne län,1800,1727
    assert skane["kommuntal"] == 1800
    assert skane["received_on_assignment"] == 1727
    # README cross-check 1: Kolada N01986 2018 Skåne sum 6187 (awk: same)
    assert skane["received"] == 6187.0
    assert skane["quota_ratio"] == pytest.approx(6187 / 1800)


def test_quota_2018_has_sweden_county_and_every_member(quota: pd.DataFrame) -> None:
    rows_2018 = quota[quota["year"] == 2018]
    assert len(rows_2018) == 1 + 1 + 33  # Riket, Skåne län, 33 municipalities
    assert set(SKANE_IDS) <= set(rows_2018["area_id"])
    riket = one_row(rows_2018, area_id="0000")
    # Sum of the 21 county rows of anvisningar_kommuntal_2018.csv: 15200 and 14588
    assert (riket["kommuntal"], riket["received_on_assignment"]) == (15200, 14588)


def test_quota_2018_svalov(quota: pd.DataFrame) -> None:
    svalov = one_row(quota, area_id="1214", year=2018)
    # anvisningar_kommuntal_2018.csv: 1214,Svalöv,4,4; kolada/N01986.csv line 3080: 61.0
    assert (svalov["kommuntal"], svalov["received"]) == (4, 61.0)
    assert svalov["quota_ratio"] == pytest.approx(15.25)
    assert svalov["quota_note"] == ""


def test_quota_2018_osby_has_kommuntal_zero(quota: pd.DataFrame) -> None:
    osby = one_row(quota, area_id="1273", year=2018)
    assert osby["kommuntal"] == 0  # anvisningar_kommuntal_2018.csv line 122: 1273,Osby,0,0
    assert osby["received"] == 55.0  # kolada/N01986.csv line 3592: 1273,2018,T,55.0
    assert math.isnan(osby["quota_ratio"])
    assert osby["quota_note"] == "inget kommuntal"


@pytest.mark.parametrize("code", ["1256", "1275"])
def test_quota_2018_absent_municipalities(quota: pd.DataFrame, code: str) -> None:
    # Östra Göinge (1256) and Perstorp (1275) have no row in anvisningar_kommuntal_2018.csv
    row = one_row(quota, area_id=code, year=2018)
    assert pd.isna(row["kommuntal"])
    assert pd.isna(row["received_on_assignment"])
    assert math.isnan(row["quota_ratio"])
    assert row["quota_note"] == "inget kommuntal"
    assert not math.isnan(row["received"])  # N01986 still has them


# --- establishment_gender -----------------------------------------------------------


def test_establishment_shape(establishment: pd.DataFrame) -> None:
    assert len(establishment) == 9
    assert list(zip(establishment["year"], establishment["gender"], strict=True)) == [
        (y, g) for y in YEARS for g in ("T", "K", "M")]


def test_establishment_totals_2017(establishment: pd.DataFrame) -> None:
    t = one_row(establishment, year=2017, gender="T")
    assert t["participants"] == 13346.0  # awk: N00960 2017 T over the 33, all present
    assert t["exits"] == 3311.0  # awk: N00964 2017 T over the 33, all present
    # N00973 2017 T has no row for Vellinge (1233): share and its product are missing
    assert math.isnan(t["exits_work_or_studies_share"])
    assert math.isnan(t["exits_work_or_studies"])
    assert t["municipalities_missing"] == 1


def test_establishment_weighted_share_2016(establishment: pd.DataFrame) -> None:
    t = one_row(establishment, year=2016, gender="T")
    assert t["participants"] == 10452.0  # awk: N00960 2016 T
    # awk: Σ(N00961 2016 T × N00960 2016 T) / Σ N00960 2016 T / 100 over the 33
    assert t["education_pre_secondary_share"] == pytest.approx(0.435419, abs=1e-6)


def test_establishment_women_2017_missing_where_a_member_lacks_k(
    establishment: pd.DataFrame,
) -> None:
    k = one_row(establishment, year=2017, gender="K")
    # kolada/N00960.csv line 2644: Vellinge (1233) 2017 has only a T row, no K row
    assert math.isnan(k["participants"])
    # every member has N00964 2017 K: sum 1252 (awk)
    assert k["exits"] == 1252.0
    # Members lacking an input of this row: N00960 K {1233}; N00973 K 2017
    # {1230, 1233, 1262, 1265, 1267}; N00961-N00963/N00964 K 2017 complete -> 5 members
    assert k["municipalities_missing"] == 5


def test_establishment_men_2017(establishment: pd.DataFrame) -> None:
    m = one_row(establishment, year=2017, gender="M")
    # N00960 2017 M lacks 1230, 1233, 1262, 1265, 1267 (N00973 M lacks 1233, 1262, 1265)
    assert math.isnan(m["participants"])
    assert m["municipalities_missing"] == 5


def test_establishment_missing_counts_distinct_members(establishment: pd.DataFrame) -> None:
    k = one_row(establishment, year=2015, gender="K")
    # kolada/N00960.csv lines 2586-2587: Staffanstorp (1230) 2015 has M and T, no K
    assert math.isnan(k["participants"])
    # Skåne members without a 2015 K row, by file (awk):
    #   N00960 {1230}; N00961 {1230}; N00973 {1233};
    #   N00962 {1230 1233 1261 1262 1264 1265 1267 1270 1276 1284};
    #   N00963 {1214 1230 1233 1257 1261 1262 1263 1264 1265 1267 1276}
    # union: 1214 1230 1233 1257 1261 1262 1263 1264 1265 1267 1270 1276 1284 = 13
    assert k["municipalities_missing"] == 13


# --- quota_vs_received for a region that is not a set of whole counties ---------------------

GR_IDS = ["1384", "1401", "1402", "1407", "1415", "1419", "1440", "1441", "1462", "1480",
          "1481", "1482", "1489"]


@pytest.fixture(scope="module")
def quota_gr(dataset_2018: Dataset, config: Config) -> pd.DataFrame:
    region = config.region("goteborgsregionen")
    members = dataset_2018.registry.members(region)
    assert sorted(members) == GR_IDS
    return tables.quota_vs_received(dataset_2018, region, members, config.edition(2023))


def test_quota_gr_has_no_whole_county_rows(quota_gr: pd.DataFrame) -> None:
    # Halland (0013) and Västra Götaland (0014) include municipalities outside the region
    assert not quota_gr["area_id"].isin(["0013", "0014"]).any()
    assert set(quota_gr["area_id"]) == {"0000", "region", *GR_IDS}
    assert (quota_gr["year"] == 2018).all()  # edition 2023: no 2017 report rows


def test_quota_gr_total_is_the_sum_of_members(quota_gr: pd.DataFrame) -> None:
    total = one_row(quota_gr, area_id="region")
    assert total["area_name"] == "Göteborgsregionen (summa av 13 kommuner)"
    # anvisningar_kommuntal_2018.csv, the 13 member rows (kommuntal, mottagna):
    # 293+103+107+48+64+23+80+142+26+697+167+161+84 = 1995
    # 244+96+102+46+59+21+73+140+25+690+162+152+84 = 1894
    assert total["kommuntal"] == 1995
    assert total["received_on_assignment"] == 1894
    # kolada/N01986.csv lines 4296 … 5544 (the 13 members, 2018, T): sum 4515
    assert total["received"] == 4515.0
    assert total["quota_ratio"] == pytest.approx(4515 / 1995)


def test_whole_counties(dataset_2018: Dataset, skane_members: list[str]) -> None:
    assert tables.whole_counties(dataset_2018, skane_members) == ["0012"]
    assert tables.whole_counties(dataset_2018, GR_IDS) == []


# --- gender_balance ------------------------------------------------------------------------


def test_gender_balance_skane_2017_decided_despite_gaps(dataset_2018: Dataset,
                                                         skane_members: list[str]) -> None:
    balance = tables.gender_balance(dataset_2018, skane_members, YEARS)
    row = one_row(balance, year=2017)
    # kolada/N00960.csv 2017: M rows for 28 Skåne members (sum 7420), K rows for 32 (5652);
    # 1230, 1262, 1265, 1267 (lines 2591, 2773, 2853, 2906: K 39, 39, 30, 28) and 1233
    # (line 2644, T only) lack M, so 28 report both: K 5652 - 136 = 5516
    assert (row["participants_women_reported"], row["participants_men_reported"]) == (
        5516.0, 7420.0)
    assert row["municipalities_missing"] == 5
    # T of the five: 91 + 90 + 81 + 80 + 68 = 410 < 7420 - 5516, so men are certain
    assert row["participants_rest"] == 410.0
    assert row["majority_gender"] == "M"


def test_gender_balance_more_women_in_blekinge_2019_2020(dataset_2018: Dataset,
                                                         config: Config) -> None:
    members = dataset_2018.registry.members(config.region("blekinge"))
    balance = tables.gender_balance(dataset_2018, members, [2019, 2020, 2021])
    # awk over kolada/N00960.csv, county 10: K/M 2019 860/638, 2020 524/281, 2021 223/135
    assert list(balance["participants_women_reported"]) == [860.0, 524.0, 223.0]
    assert list(balance["participants_men_reported"]) == [638.0, 281.0, 135.0]
    assert list(balance["majority_gender"]) == ["K", "K", "K"]


def test_reception_county_lower_bound_equals_mean_when_complete(county: pd.DataFrame) -> None:
    kalmar = one_row(county, county_id="08", year=2017)
    assert kalmar["received_24m_per_1000_lower"] == pytest.approx(31.082865, abs=1e-5)
