"""Editions and regions: the package's config.toml and small configs written to tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kfsk_research.editions import DEFAULT_CONFIG, ENV_CONFIG, Config, load_config
from kfsk_research.errors import ConfigError

pytest_plugins = ["helpers"]

MINIMAL = """\
default_region = "skane"
default_edition = 2018

[regions.skane]
name = "Skåne"
counties = ["12"]

[editions.2018]
data_years = [2015, 2016, 2017]
kommungrupp = "skl2017"
"""


def _write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_package_config_loads(config: Config) -> None:
    assert config.path == DEFAULT_CONFIG.resolve()
    assert config.default_region == "skane"
    assert config.default_edition == 2018
    assert sorted(config.regions) == ["blekinge", "goteborgsregionen", "skane"]


def test_editions_2018_to_2023_cover_the_three_years_before(config: Config) -> None:
    assert sorted(config.editions) == [2018, 2019, 2020, 2021, 2022, 2023]
    for year, edition in config.editions.items():
        assert edition.edition == year
        assert edition.data_years == (year - 3, year - 2, year - 1)
        assert edition.last_year == year - 1


def test_original_edition_is_2015_to_2017(config: Config) -> None:
    assert config.edition(2018).data_years == (2015, 2016, 2017)


@pytest.mark.parametrize(("year", "group"), [
    (2018, "skl2017"), (2019, "skl2017"), (2020, "skl2017"), (2021, "skl2017"),
    (2022, "skl2017"), (2023, "skr2023"),
])
def test_kommungrupp_per_edition(config: Config, year: int, group: str) -> None:
    assert config.edition(year).kommungrupp == group


def test_edition_inputs_come_from_the_shared_inputs(config: Config) -> None:
    edition = config.edition(2018)
    assert len(edition.required) == 10  # config.toml [inputs] required: 10 paths
    assert "reference/kommungrupper.csv" in edition.optional
    assert "kolada/N01986.csv" in edition.required
    assert "kolada/N01951.csv" in edition.required
    assert "migrationsverket/anvisningar_kommuntal_2018.csv" in edition.optional
    assert edition.inputs == edition.required + edition.optional
    assert config.edition(2023).required == edition.required


def test_edition_accepts_a_string(config: Config) -> None:
    assert config.edition("2019").edition == 2019


@pytest.mark.parametrize("bad", [2030, "2017", "abc", None])
def test_unknown_edition_lists_the_valid_ones(config: Config, bad: object) -> None:
    with pytest.raises(ConfigError) as info:
        config.edition(bad)
    assert f"'{bad}'" in str(info.value)
    assert "2018, 2019, 2020, 2021, 2022, 2023" in str(info.value)


def test_unknown_region_lists_the_valid_ones(config: Config) -> None:
    with pytest.raises(ConfigError) as info:
        config.region("stockholm")
    assert "'stockholm'" in str(info.value)
    assert "blekinge, goteborgsregionen, skane" in str(info.value)


def test_region_definitions(config: Config) -> None:
    skane = config.region("skane")
    assert (skane.name, skane.counties, skane.municipalities, skane.survey) == (
        "Skåne", ("12",), (), True)
    assert config.region("blekinge").counties == ("10",)
    gr = config.region("goteborgsregionen")
    assert gr.counties == ()
    assert len(gr.municipalities) == 13
    assert "1384" in gr.municipalities


def test_select_regions_and_editions(config: Config) -> None:
    assert config.select_regions(None) == ["skane"]
    assert config.select_regions(["all"]) == ["blekinge", "goteborgsregionen", "skane"]
    assert config.select_regions(["blekinge", "blekinge"]) == ["blekinge"]
    assert config.select_editions(None) == [2018]
    assert config.select_editions(["all"]) == [2018, 2019, 2020, 2021, 2022, 2023]
    assert config.select_editions(["2020", "2018"]) == [2020, 2018]
    with pytest.raises(ConfigError):
        config.select_regions(["narnia"])
    with pytest.raises(ConfigError):
        config.select_editions(["1999"])


def test_minimal_config_from_a_path(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, MINIMAL))
    assert sorted(config.editions) == [2018]
    assert config.edition(2018).required == ()
    assert config.region("skane").counties == ("12",)


def test_config_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, MINIMAL.replace('name = "Skåne"', 'name = "Skåne (env)"'))
    monkeypatch.setenv(ENV_CONFIG, str(path))
    assert load_config().region("skane").name == "Skåne (env)"


def test_typo_in_edition_key_names_it_and_suggests_the_fix(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("data_years", "data_yeras"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert "'data_yeras'" in text
    assert "did you mean 'data_years'" in text
    assert "[editions.2018]" in text
    assert str(path.resolve()) in text


def test_typo_in_region_key(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("counties", "countis"))
    with pytest.raises(ConfigError, match=r"'countis'.*did you mean 'counties'"):
        load_config(path)


def test_user_defined_region_with_municipalities(tmp_path: Path) -> None:
    text = MINIMAL + '\n[regions.malmo_lund]\nname = "Malmö–Lund"\n' \
        'municipalities = ["1280", "1281"]\n'
    config = load_config(_write(tmp_path, text))
    region = config.region("malmo_lund")
    assert region.municipalities == ("1280", "1281")
    assert region.counties == ()
    assert region.name == "Malmö–Lund"
    assert config.select_regions(["all"]) == ["malmo_lund", "skane"]


def test_region_with_code_that_lost_its_zero_is_rejected(tmp_path: Path) -> None:
    text = MINIMAL + '\n[regions.stockholm]\nname = "Stockholm"\nmunicipalities = ["180"]\n'
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    assert "'180'" in str(info.value)
    assert "[regions.stockholm]" in str(info.value)
    assert "4-digit string" in str(info.value)


def test_region_with_numeric_code_is_rejected(tmp_path: Path) -> None:
    text = MINIMAL + '\n[regions.stockholm]\nname = "Stockholm"\nmunicipalities = [180]\n'
    with pytest.raises(ConfigError, match="list of strings"):
        load_config(_write(tmp_path, text))


def test_region_needs_counties_or_municipalities_not_both(tmp_path: Path) -> None:
    text = MINIMAL + '\n[regions.mix]\nname = "Mix"\ncounties = ["12"]\n' \
        'municipalities = ["1280"]\n'
    with pytest.raises(ConfigError, match="either 'counties' or 'municipalities'"):
        load_config(_write(tmp_path, text))


def test_data_years_must_precede_the_edition(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("[2015, 2016, 2017]", "[2016, 2017, 2018]"))
    with pytest.raises(ConfigError, match="before 2018"):
        load_config(path)


def test_unknown_kommungrupp_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace('"skl2017"', '"skl2019"'))
    with pytest.raises(ConfigError, match="skl2017, skr2023"):
        load_config(path)


def test_default_edition_must_exist(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("default_edition = 2018", "default_edition = 2020"))
    with pytest.raises(ConfigError, match="unknown edition '2020'"):
        load_config(path)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "[regions.skane\n"))


def test_edited_config_is_reloaded(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL)
    assert load_config(path).region("skane").name == "Skåne"
    path.write_text(MINIMAL.replace('name = "Skåne"', 'name = "Region Skåne"'),
                    encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_config(path).region("skane").name == "Region Skåne"
