"""Editions and regions: the package's config.toml, small configs written to tmp_path, and
editions that follow the data directory (the snapshot, copies of it with a synthetic year,
and tiny data directories written here)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from kfsk_research import cli
from kfsk_research.editions import (
    DEFAULT_CONFIG,
    ENV_CONFIG,
    Config,
    EditionDataError,
    available_editions,
    input_years,
    load_config,
)
from kfsk_research.errors import ConfigError

pytest_plugins = ["helpers"]

MINIMAL = """\
default_region = "skane"
default_edition = 2018

[regions.skane]
name = "Skåne"
counties = ["12"]

[editions]
first = 2018
data_years = 3

[editions.kommungrupp]
skl2017 = 2018
"""

# the required Kolada files of the package's config.toml (config.toml [inputs] required)
REQUIRED_KOLADA = ["N01951", "N01986", "N00960", "N00961", "N00962", "N00963", "N00964",
                   "N00973"]


def _write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _periods(path: Path) -> set[int]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {int(r["period"]) for r in csv.DictReader(fh)}


def _add_synthetic_year(data: Path, kpi: str, year: int) -> None:
    """SYNTHETIC rows, made up for this test and never leaving it: every row of year - 1
    copied with period ``year`` (same values), appended to ``kolada/<kpi>.csv``."""
    path = data / "kolada" / f"{kpi}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    i = rows[0].index("period")
    made_up = [[*r[:i], str(year), *r[i + 1:]] for r in rows[1:] if r[i] == str(year - 1)]
    assert made_up, f"{kpi} has no {year - 1} rows to copy"
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(made_up)


def _drop_year(data: Path, kpi: str, year: int) -> None:
    path = data / "kolada" / f"{kpi}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    i = rows[0].index("period")
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(
            r for r in rows if r is rows[0] or r[i] != str(year))


# ------------------------------------------------------------------ the package's config


def test_package_config_loads(config: Config) -> None:
    assert config.path == DEFAULT_CONFIG.resolve()
    assert config.default_region == "skane"
    assert config.default_edition == 2018
    assert {"blekinge", "goteborgsregionen", "skane"} <= set(config.regions)


def test_the_rule_is_first_2018_with_three_data_years(config: Config) -> None:
    assert config.first_edition == 2018
    assert config.span == 3
    assert config.kommungrupper == ((2018, "skl2017"), (2023, "skr2023"))


@pytest.mark.parametrize("year", [2018, 2019, 2023, 2024, 2031])
def test_an_edition_covers_the_three_years_before(config: Config, year: int) -> None:
    edition = config.edition(year)  # the rule alone: no data read
    assert edition.edition == year
    assert edition.data_years == (year - 3, year - 2, year - 1)
    assert edition.last_year == year - 1


def test_original_edition_is_2015_to_2017(config: Config) -> None:
    assert config.edition(2018).data_years == (2015, 2016, 2017)


@pytest.mark.parametrize(("year", "group"), [
    (2018, "skl2017"), (2019, "skl2017"), (2020, "skl2017"), (2021, "skl2017"),
    (2022, "skl2017"), (2023, "skr2023"), (2024, "skr2023"), (2030, "skr2023"),
])
def test_kommungrupp_from_the_edition_named_on(config: Config, year: int, group: str) -> None:
    assert config.edition(year).kommungrupp == group


def test_notes_per_edition(config: Config) -> None:
    assert config.edition(2018).notes[0].startswith("Originalrapportens år")
    assert config.edition(2020).notes == ()
    assert config.edition(2024).notes == ()
    assert config.edition(2023).notes == ("Kommungrupper enligt SKR:s indelning 2023.",)


def test_edition_inputs_come_from_the_shared_inputs(config: Config) -> None:
    edition = config.edition(2018)
    assert len(edition.required) == 10  # config.toml [inputs] required: 10 paths
    assert "reference/kommungrupper.csv" in edition.optional
    assert "kolada/N01986.csv" in edition.required
    assert "kolada/N01951.csv" in edition.required
    assert "migrationsverket/anvisningar_kommuntal_2018.csv" in edition.optional
    assert edition.inputs == edition.required + edition.optional
    assert config.edition(2023).required == edition.required == config.required
    assert sorted(f"kolada/{k}.csv" for k in REQUIRED_KOLADA) == sorted(
        r for r in config.required if r.startswith("kolada/N"))


def test_edition_accepts_a_string(config: Config) -> None:
    assert config.edition("2019").edition == 2019


@pytest.mark.parametrize("bad", [2017, "2017", "abc", None, "20188", True])
def test_no_edition_names_the_value_and_the_rule(config: Config, bad: object) -> None:
    with pytest.raises(ConfigError) as info:
        config.edition(bad)
    text = str(info.value)
    assert f"'{bad}'" in text and "from 2018" in text and "\n" not in text


# ------------------------------------------------------------ editions follow the data


def test_snapshot_gives_2018_to_2023(config: Config, snapshot_dir: Path) -> None:
    # the premise, read here from the files: N00973 starts in 2015 (so 2018, data 2015-2017,
    # is the first), the other required Kolada files start earlier, all end in 2022
    starts = {k: min(_periods(snapshot_dir / "kolada" / f"{k}.csv")) for k in REQUIRED_KOLADA}
    ends = {k: max(_periods(snapshot_dir / "kolada" / f"{k}.csv")) for k in REQUIRED_KOLADA}
    assert max(starts.values()) == starts["N00973"] == 2015
    assert set(ends.values()) == {2022}
    assert available_editions(config, snapshot_dir) == [2018, 2019, 2020, 2021, 2022, 2023]
    # an optional file ending earlier (N02995, to 2017) restricts nothing
    assert max(_periods(snapshot_dir / "kolada" / "N02995.csv")) == 2017


def test_reference_files_have_no_years(snapshot_dir: Path) -> None:
    assert input_years(snapshot_dir / "reference" / "municipalities.csv") is None
    assert input_years(snapshot_dir / "kolada" / "kpis.csv") is None
    assert input_years(snapshot_dir / "kolada" / "N00973.csv") == frozenset(range(2015, 2023))


def test_select_regions_and_editions(config: Config, snapshot_dir: Path) -> None:
    assert config.select_regions(None) == ["skane"]
    assert config.select_regions(["blekinge", "blekinge"]) == ["blekinge"]
    assert config.select_editions(None, snapshot_dir) == [2018]
    assert config.select_editions(["all"], snapshot_dir) == [2018, 2019, 2020, 2021, 2022,
                                                              2023]
    assert config.select_editions(["latest"], snapshot_dir) == [2023]
    assert config.select_editions(["2020", "2018", "2020"], snapshot_dir) == [2020, 2018]
    assert config.select_editions(["2019", "latest"], snapshot_dir) == [2019, 2023]
    with pytest.raises(ConfigError):
        config.select_regions(["narnia"])
    with pytest.raises(ConfigError):
        config.select_editions(["1999"], snapshot_dir)
    with pytest.raises(EditionDataError):
        config.select_editions(["2024"], snapshot_dir)


def test_a_synthetic_year_adds_edition_2024(config: Config, snapshot_copy: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # SYNTHETIC: 2023 rows copied from 2022 in every required Kolada file; made up for this
    # test only (a copy of the snapshot in tmp_path), never written anywhere else
    for kpi in REQUIRED_KOLADA:
        _add_synthetic_year(snapshot_copy, kpi, 2023)
    assert available_editions(config, snapshot_copy) == [2018, 2019, 2020, 2021, 2022, 2023,
                                                         2024]
    assert config.edition(2024, snapshot_copy).data_years == (2021, 2022, 2023)
    # `kfsk build --edition latest` hands 2024 to the build (no code or config change)
    seen: list[list[int]] = []
    monkeypatch.setattr("kfsk_research.build.build",
                        lambda editions, regions, options, config: seen.append(editions) or [])
    code = cli.main(["build", "--edition", "latest", "--data-dir", str(snapshot_copy),
                     "--output-dir", str(snapshot_copy.parent / "out"), "--offline"])
    assert code == 0 and seen == [[2024]]
    # `kfsk list` shows it with its data years
    capsys.readouterr()
    assert cli.main(["list", "--data-dir", str(snapshot_copy)]) == 0
    out = capsys.readouterr().out
    assert "  2024  data 2021–2023, kommungrupper skr2023" in out
    assert "'latest' = 2024" in out


def test_a_file_lacking_the_year_keeps_2024_out(config: Config, snapshot_copy: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # SYNTHETIC 2023 rows (copies of 2022, made up for this test) in every required Kolada
    # file but N00961
    for kpi in REQUIRED_KOLADA:
        if kpi != "N00961":
            _add_synthetic_year(snapshot_copy, kpi, 2023)
    assert available_editions(config, snapshot_copy)[-1] == 2023

    def no_build(*args, **kwargs):
        raise AssertionError("the build (and its kernels) must not start")

    monkeypatch.setattr("kfsk_research.build.build", no_build)
    out = snapshot_copy.parent / "out"
    code = cli.main(["build", "--edition", "2024", "--data-dir", str(snapshot_copy),
                     "--output-dir", str(out), "--offline"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_CONFIG  # a choice the data do not allow, as an unknown edition
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: unknown edition '2024'; valid editions: 2018, 2019, 2020, "
                          "2021, 2022, 2023 (those the data in "), err
    assert err.endswith(": edition 2024 needs data for 2021–2023 and kolada/N00961.csv has "
                        "no rows for 2023\n"), err
    assert not out.exists()
    # `latest` is still 2023
    seen: list[list[int]] = []
    monkeypatch.setattr("kfsk_research.build.build",
                        lambda editions, regions, options, config: seen.append(editions) or [])
    assert cli.main(["build", "--edition", "latest", "--data-dir", str(snapshot_copy),
                     "--output-dir", str(out), "--offline"]) == 0
    assert seen == [[2023]]


def test_a_chapter_by_hand_names_edition_file_and_years(snapshot_copy: Path,
                                                       tmp_path: Path) -> None:
    from kfsk_research.context import Chapter

    with pytest.raises(EditionDataError) as info:
        Chapter("02_etablering", edition=2024, region="skane", data_dir=str(snapshot_copy),
                output_dir=str(tmp_path / "scratch"))
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith("unknown edition '2024'; valid editions: 2018, 2019, 2020, 2021, "
                           "2022, 2023"), text
    assert text.endswith("edition 2024 needs data for 2021–2023 and kolada/N01951.csv has no "
                         "rows for 2023 (7 more required files lack years too)"), text
    assert (info.value.file, info.value.years) == ("kolada/N01951.csv", (2023,))


def test_a_year_missing_in_the_middle_removes_three_editions(config: Config,
                                                             snapshot_copy: Path) -> None:
    # without N00960's 2016 rows, editions 2017-2019 (whose data include 2016) are gone;
    # 2017 is below the floor anyway
    _drop_year(snapshot_copy, "N00960", 2016)
    assert 2016 not in _periods(snapshot_copy / "kolada" / "N00960.csv")
    assert available_editions(config, snapshot_copy) == [2020, 2021, 2022, 2023]
    with pytest.raises(EditionDataError) as info:
        config.select_editions(None, snapshot_copy)  # the default, 2018
    text = str(info.value)
    assert text.startswith("unknown edition '2018'; valid editions: 2020, 2021, 2022, 2023 ")
    assert text.endswith("edition 2018 needs data for 2015–2017 and kolada/N00960.csv has no "
                         "rows for 2016"), text


def _tiny_data(tmp_path: Path, years_a: range, years_b: range) -> tuple[Config, Path]:
    """A config requiring two KPI files and a reference file, and a data dir holding them."""
    data = tmp_path / "tiny"
    (data / "kolada").mkdir(parents=True)
    (data / "reference").mkdir()
    (data / "reference" / "list.csv").write_text("municipality_id,name\n1280,Malmö\n",
                                                 encoding="utf-8")
    for kpi, years in (("N00001", years_a), ("N00002", years_b)):
        (data / "kolada" / f"{kpi}.csv").write_text(
            "kpi,municipality_id,period,gender,value\n"
            + "".join(f"{kpi},1280,{y},T,1\n" for y in years), encoding="utf-8")
    text = MINIMAL + ('\n[inputs]\nrequired = ["reference/list.csv", "kolada/N00001.csv", '
                      '"kolada/N00002.csv"]\n')
    return load_config(_write(tmp_path, text)), data


def test_floor_and_the_shorter_file_bound_the_editions(tmp_path: Path) -> None:
    # the data would allow 2017 (2014-2016 in both) but the first edition is 2018; N00001
    # ends in 2019, so 2020 (2017-2019) is the last
    config, data = _tiny_data(tmp_path, range(2012, 2020), range(2014, 2021))
    assert available_editions(config, data) == [2018, 2019, 2020]
    assert config.select_editions(["latest"], data) == [2020]


def test_no_edition_at_all_is_one_line(tmp_path: Path) -> None:
    config, data = _tiny_data(tmp_path, range(2012, 2020), range(2016, 2021))
    assert available_editions(config, data) == [2019, 2020]
    config, data = _tiny_data(tmp_path / "b", range(2012, 2016), range(2016, 2021))
    assert available_editions(config, data) == []
    with pytest.raises(EditionDataError) as info:
        config.select_editions(["all"], data)
    text = str(info.value)
    assert text.startswith(f"no edition is available in {data}: kolada/N00001.csv has no rows "
                           "for 2016–2017 (the first edition, 2018, needs data for "
                           "2015–2017)"), text


def test_editions_follow_an_edited_file(tmp_path: Path) -> None:
    config, data = _tiny_data(tmp_path, range(2012, 2020), range(2014, 2021))
    assert available_editions(config, data)[-1] == 2020
    path = data / "kolada" / "N00001.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("N00001,1280,2020,T,1\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert available_editions(config, data)[-1] == 2021


# ------------------------------------------------------------------ regions


def test_unknown_region_lists_the_valid_ones(config: Config) -> None:
    with pytest.raises(ConfigError) as info:
        config.region("narnia")
    assert "'narnia'" in str(info.value)
    assert "blekinge" in str(info.value) and "skane" in str(info.value)


def test_region_definitions(config: Config) -> None:
    skane = config.region("skane")
    assert (skane.name, skane.counties, skane.municipalities, skane.survey) == (
        "Skåne", ("12",), (), True)
    assert config.region("blekinge").counties == ("10",)
    gr = config.region("goteborgsregionen")
    assert gr.counties == ()
    assert len(gr.municipalities) == 13
    assert "1384" in gr.municipalities


def test_minimal_config_from_a_path(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, MINIMAL))
    assert config.first_edition == 2018
    assert config.edition(2018).required == ()
    assert config.edition(2018).kommungrupp == "skl2017"
    assert config.region("skane").counties == ("12",)


def test_config_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, MINIMAL.replace('name = "Skåne"', 'name = "Skåne (env)"'))
    monkeypatch.setenv(ENV_CONFIG, str(path))
    assert load_config().region("skane").name == "Skåne (env)"


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


# ------------------------------------------------------------------ the [editions] rule


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("data_years = 3", "data_yeras = 3",
     "unknown key 'data_yeras' in [editions]; did you mean 'data_years'?"),
    ("first = 2018\n", "", "[editions] first must be a year (an integer), e.g. first = 2018"),
    ("first = 2018", 'first = "2018"', "[editions] first must be a year (an integer)"),
    ("data_years = 3", "data_years = [2015, 2016, 2017]",
     "[editions] data_years must be a positive integer"),
    ("skl2017 = 2018", "skl2019 = 2018",
     "unknown key 'skl2019' in [editions.kommungrupp]; did you mean 'skl2017'?"),
    ("skl2017 = 2018", "skl2017 = 2020",
     "[editions.kommungrupp] skl2017 = 2020: the first edition (2018) needs a classification"),
    ("skl2017 = 2018", 'skl2017 = "2018"',
     "[editions.kommungrupp] skl2017 must be a year (an integer), e.g. skl2017 = 2018"),
    ("skl2017 = 2018", "skl2017 = 2018\nskr2023 = 2018",
     "[editions.kommungrupp] skr2023 starts in 2018 as skl2017 does"),
    ("skl2017 = 2018", "skl2017 = 2018\n\n[editions.notes]\n2017 = [\"x\"]",
     "[editions.notes] key '2017' must be an edition year from 2018 on"),
    ("skl2017 = 2018", "skl2017 = 2018\n\n[editions.notes]\n2019 = \"x\"",
     "[editions.notes] 2019 must be a list of strings"),
    ("[editions]\n", "[editions.2018]\ndata_years = [2015, 2016, 2017]\n[editions]\n",
     "[editions.2018] is the old layout: editions now follow the data"),
    ("default_edition = 2018", "default_edition = 2017", "unknown edition '2017'"),
])
def test_rule_errors_are_one_line_naming_file_and_key(tmp_path: Path, old: str, new: str,
                                                      expected: str) -> None:
    assert old in MINIMAL
    path = _write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert "\n" not in text
    assert expected in text, text
    if "unknown edition" not in expected:
        assert text.startswith(f"{path.resolve()}: "), text


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
