"""Bad inputs through the command line: one broken file per case, a one-line error.

Every case copies the real snapshot (``snapshot_copy``), breaks ONE file and runs
``kfsk build`` (and ``kfsk validate``) on it. The build must stop before any kernel
starts with exit status 2 (data) or 3 (configuration), print exactly one line
``error: <file>, row N, column 'c': …`` on stderr without a traceback, leave a
previous output (a sentinel ``<out>/2018/skane/index.html``) byte-identical and
leave no ``.staging-*`` folder behind. Rows are lines of the file (header = row 1);
each broken line is located by its content in the copy, not hard-coded.

The CLI runs in-process (``kfsk_research.cli.main``) for speed; two cases run it as
a subprocess to check the real stderr, with and without ``--debug``.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from kfsk_research.cli import main
from kfsk_research.editions import DEFAULT_CONFIG
from kfsk_research.indicators.reception import received_24m_per_1000, received_per_1000
from kfsk_research.sources import kolada

EXIT_DATA, EXIT_CONFIG = 2, 3
N01986 = "kolada/N01986.csv"
N01951 = "kolada/N01951.csv"
MUNICIPALITIES = "reference/municipalities.csv"
SENTINEL = b"<!DOCTYPE html><title>previous build</title>sentinel \xc3\xa5\n"
ENV_VARS = ("KFSK_DATA_DIR", "KFSK_OUTPUT_DIR", "KFSK_CONFIG", "KFSK_DATASET_CACHE")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No data directory, output root, configuration or cache from the environment."""
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)


# --------------------------------------------------------------------------------------
# Editing one file of the copy
# --------------------------------------------------------------------------------------


def _lines(root: Path, rel: str) -> list[str]:
    return (root / rel).read_text(encoding="utf-8").splitlines()


def _write(root: Path, rel: str, lines: list[str]) -> None:
    (root / rel).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def _find(root: Path, rel: str, prefix: str) -> int:
    """The 1-based line number of the first line of ``rel`` starting with ``prefix``."""
    for number, line in enumerate(_lines(root, rel), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(f"no line starting with {prefix!r} in {rel}")


def _set_field(root: Path, rel: str, prefix: str, column: str, value: str) -> int:
    """Set ``column`` of the first line starting with ``prefix``; return its row number.

    Only for files without quoted fields (the Kolada value files and N01951).
    """
    lines = _lines(root, rel)
    header = lines[0].split(",")
    row = _find(root, rel, prefix)
    fields = lines[row - 1].split(",")
    fields[header.index(column)] = value
    lines[row - 1] = ",".join(fields)
    _write(root, rel, lines)
    return row


# A Kolada row of Malmö in the report's last data year (kolada/N01986.csv).
MALMO_2017 = "N01986,1280,2017,T,"
STOCKHOLM_2014 = "N01986,0180,2014,T,"


@dataclass(frozen=True)
class Case:
    """One kind of bad input: how to break the copy and what the error must say."""

    case_id: str
    file: str
    breaker: Callable[[Path], int | None]  # returns the broken row (None: no row)
    column: str | None
    fragment: str  # part of the message, e.g. "is not a number"
    exit_code: int = EXIT_DATA
    in_validate: bool = True  # `kfsk validate` reports it too


def _delete(root: Path) -> None:
    (root / N01986).unlink()


def _empty(root: Path) -> int:
    (root / N01986).write_bytes(b"")
    return 1


def _rename_header(root: Path) -> int:
    lines = _lines(root, N01986)
    lines[0] = lines[0].replace(",value", ",värde")
    _write(root, N01986, lines)
    return 1


def _semicolons(root: Path) -> int:
    _write(root, N01986, [line.replace(",", ";") for line in _lines(root, N01986)])
    return 1


def _latin1(root: Path) -> int:
    text = (root / MUNICIPALITIES).read_text(encoding="utf-8")
    (root / MUNICIPALITIES).write_bytes(text.encode("latin-1"))
    return next(n for n, line in enumerate(text.splitlines(), start=1) if not line.isascii())


def _duplicate(root: Path) -> int:
    lines = _lines(root, N01986)
    row = _find(root, N01986, MALMO_2017)
    _write(root, N01986, [*lines, lines[row - 1]])
    return row


def _code(value: str) -> Callable[[Path], int]:
    return lambda root: _set_field(root, N01986, STOCKHOLM_2014, "municipality_id", value)


def _value(value: str, rel: str = N01986, prefix: str = MALMO_2017) -> Callable[[Path], int]:
    return lambda root: _set_field(root, rel, prefix, "value", value)


def _year(root: Path) -> int:
    return _set_field(root, N01986, MALMO_2017, "period", "2099")


CASES = [
    Case("missing_required_file", N01986, _delete, None, "required inputs missing",
         in_validate=False),
    Case("empty_file", N01986, _empty, None, "file is empty"),
    Case("header_renamed", N01986, _rename_header, "value", "missing column 'value'"),
    Case("semicolon_separator", N01986, _semicolons, None, "columns are separated by ';'"),
    Case("latin1_encoding", MUNICIPALITIES, _latin1, None, "not valid UTF-8"),
    Case("duplicated_key_row", N01986, _duplicate, "municipality_id", "duplicate key"),
    Case("code_lost_leading_zero", N01986, _code("180"), "municipality_id",
         "municipality code '180' lost its leading zero(s); use the 4-character string '0180'"),
    Case("code_stored_as_number", N01986, _code("1280.0"), "municipality_id",
         "municipality code '1280.0' was stored as a number; use the 4-character string "
         "'1280'"),
    Case("code_unknown", N01986, _code("9999"), "municipality_id",
         "unknown municipality code '9999'"),
    Case("value_n_a", N01986, _value("n/a"), "value", "'n/a' is not a number"),
    Case("value_abc", N01986, _value("abc"), "value", "'abc' is not a number"),
    Case("negative_count", N01986, _value("-5.0"), "value", "negative count"),
    Case("population_zero", N01951, _value("0.0", N01951, "N01951,1280,2016,T,"), "value",
         "population of 0"),
    Case("year_outside_data", N01986, _year, "period", "year 2099 outside the data range"),
]

def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line_error(err: str) -> str:
    """The single ``error: …`` line of ``err`` (fails on more lines or a traceback)."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err}"
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def _assert_located(line: str, file: str, row: int | None, column: str | None,
                    fragment: str) -> None:
    assert line.startswith(f"error: {file}"), line
    if row is not None:
        assert f"{file}, row {row}" in line, line
    if column is not None:
        assert f"column '{column}'" in line, line
    assert fragment in line, line


def _with_sentinel(out: Path) -> Path:
    sentinel = out / "2018" / "skane" / "index.html"
    sentinel.parent.mkdir(parents=True)
    sentinel.write_bytes(SENTINEL)
    return sentinel


def _assert_untouched(out: Path, sentinel: Path) -> None:
    assert sentinel.read_bytes() == SENTINEL
    assert sorted(p.name for p in sentinel.parent.iterdir()) == ["index.html"]
    assert not list(out.rglob(".staging-*")), list(out.rglob(".staging-*"))
    assert not list(out.rglob("*.failed")), list(out.rglob("*.failed"))


def _build_argv(data: Path, out: Path, *extra: str) -> list[str]:
    return ["build", "--edition", "2018", "--region", "skane", "--data-dir", str(data),
            "--output-dir", str(out), "--offline", *extra]


# --------------------------------------------------------------------------------------
# One broken file per case
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_build_stops_with_one_located_line(case: Case, snapshot_copy: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    row = case.breaker(snapshot_copy)
    out = tmp_path / "out"
    sentinel = _with_sentinel(out)

    code, stdout, err = _run(_build_argv(snapshot_copy, out), capsys)

    assert code == case.exit_code, (code, err)
    line = _one_line_error(err)
    _assert_located(line, case.file, row, case.column, case.fragment)
    assert "wrote" not in stdout
    _assert_untouched(out, sentinel)


@pytest.mark.parametrize("case", [c for c in CASES if c.in_validate],
                         ids=[c.case_id for c in CASES if c.in_validate])
def test_validate_reports_the_same_location(case: Case, snapshot_copy: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    row = case.breaker(snapshot_copy)

    code, stdout, err = _run(["validate", "--data-dir", str(snapshot_copy)], capsys)

    assert code == EXIT_DATA, (code, stdout, err)
    line = _one_line_error(err)
    _assert_located(line, case.file, row, case.column, case.fragment)
    assert "ok:" not in stdout


def test_validate_reports_a_missing_required_input(snapshot_copy: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _delete(snapshot_copy)

    code, stdout, err = _run(["validate", "--data-dir", str(snapshot_copy)], capsys)

    assert code == EXIT_DATA, (code, stdout)
    _assert_located(_one_line_error(err), N01986, None, None, "not found")


def test_check_stops_with_one_located_line(snapshot_copy: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    row = _value("abc")(snapshot_copy)

    code, _, err = _run(["check", "--data-dir", str(snapshot_copy)], capsys)

    assert code == EXIT_DATA, (code, err)
    _assert_located(_one_line_error(err), N01986, row, "value", "'abc' is not a number")


# --------------------------------------------------------------------------------------
# Wrong choices and configuration
# --------------------------------------------------------------------------------------


def test_unknown_edition_lists_valid_editions(snapshot_copy: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    sentinel = _with_sentinel(out)
    argv = _build_argv(snapshot_copy, out)
    argv[argv.index("2018")] = "2030"

    code, _, err = _run(argv, capsys)

    assert code == EXIT_CONFIG
    line = _one_line_error(err)
    assert line.startswith("error: unknown edition '2030'; valid editions: "), line
    assert re.search(r"valid editions: 2018, 2019, 2020, 2021, 2022, 2023\b", line), line
    _assert_untouched(out, sentinel)


def test_unknown_region_lists_valid_regions(snapshot_copy: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    sentinel = _with_sentinel(out)
    argv = _build_argv(snapshot_copy, out)
    argv[argv.index("skane")] = "atlantis"

    code, _, err = _run(argv, capsys)

    assert code == EXIT_CONFIG
    line = _one_line_error(err)
    assert line.startswith("error: unknown region 'atlantis'; valid regions: "), line
    for region in ("blekinge", "goteborgsregionen", "skane"):
        assert region in line
    _assert_untouched(out, sentinel)


def test_config_key_typo_names_key_and_suggestion(snapshot_copy: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    marker = "first = 2018\ndata_years"
    assert marker in text
    config = tmp_path / "config.toml"
    config.write_text(text.replace(marker, "first = 2018\ndata_yeras"), encoding="utf-8")
    monkeypatch.setenv("KFSK_CONFIG", str(config))
    out = tmp_path / "out"
    sentinel = _with_sentinel(out)

    code, _, err = _run(_build_argv(snapshot_copy, out), capsys)

    assert code == EXIT_CONFIG
    line = _one_line_error(err)
    assert str(config) in line
    assert "unknown key 'data_yeras' in [editions]" in line, line
    assert "did you mean 'data_years'?" in line, line
    _assert_untouched(out, sentinel)


# --------------------------------------------------------------------------------------
# The real process: one line without --debug, a traceback with it
# --------------------------------------------------------------------------------------


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    return subprocess.run([sys.executable, "-m", "kfsk_research.cli", *argv], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_subprocess_prints_one_line_and_debug_a_traceback(snapshot_copy: Path,
                                                          tmp_path: Path) -> None:
    row = _code("180")(snapshot_copy)
    out = tmp_path / "out"
    sentinel = _with_sentinel(out)

    plain = _cli(*_build_argv(snapshot_copy, out))
    debug = _cli("--debug", *_build_argv(snapshot_copy, out))

    assert plain.returncode == EXIT_DATA, plain.stderr
    _assert_located(_one_line_error(plain.stderr), N01986, row, "municipality_id",
                    "lost its leading zero")
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "DataError" in debug.stderr
    assert f"{N01986}, row {row}, column 'municipality_id'" in debug.stderr
    _assert_untouched(out, sentinel)


# --------------------------------------------------------------------------------------
# Accepted variations
# --------------------------------------------------------------------------------------


def test_byte_order_mark_is_accepted(snapshot_copy: Path, snapshot_dir: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = snapshot_copy / N01986
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    code, stdout, err = _run(["validate", "--data-dir", str(snapshot_copy)], capsys)

    assert code == 0, err
    assert err == ""
    assert stdout.startswith("ok: ")
    with_bom = kolada.load_kolada("N01986", snapshot_copy)
    plain = kolada.load_kolada("N01986", snapshot_dir)
    assert list(with_bom.columns) == ["kpi", "municipality_id", "year", "gender", "value"]
    pd.testing.assert_frame_equal(with_bom, plain)


def test_empty_value_is_accepted_as_missing(snapshot_copy: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _value("")(snapshot_copy)

    code, stdout, err = _run(["validate", "--data-dir", str(snapshot_copy)], capsys)

    assert code == 0, err
    assert stdout.startswith("ok: ")
    df = kolada.load_kolada("N01986", snapshot_copy)
    row = df[(df["municipality_id"] == "1280") & (df["year"] == 2017) & (df["gender"] == "T")]
    assert len(row) == 1
    assert pd.isna(row["value"].iloc[0])  # missing, never 0
    assert df["value"].dtype == "float64"


def test_windows_line_endings_are_accepted(snapshot_copy: Path, snapshot_dir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = snapshot_copy / N01986
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))

    code, stdout, err = _run(["validate", "--data-dir", str(snapshot_copy)], capsys)

    assert code == 0, err
    assert stdout.startswith("ok: ")
    pd.testing.assert_frame_equal(kolada.load_kolada("N01986", snapshot_copy),
                                  kolada.load_kolada("N01986", snapshot_dir))


# --------------------------------------------------------------------------------------
# A zero population in an indicator gives a gap, never inf
# --------------------------------------------------------------------------------------


def test_received_per_1000_is_nan_for_zero_population() -> None:
    received = pd.DataFrame({"municipality_id": ["1280", "1281"], "year": [2017, 2017],
                             "received": [100.0, 50.0]})
    population = pd.DataFrame({"municipality_id": ["1280", "1281"], "year": [2016, 2016],
                               "population": [0.0, 1000.0]})

    out = received_per_1000(received, population).set_index("municipality_id")

    assert math.isnan(out.loc["1280", "received_per_1000"])
    assert out.loc["1281", "received_per_1000"] == pytest.approx(50.0)
    assert not out["received_per_1000"].isin([float("inf"), float("-inf")]).any()


def test_received_24m_per_1000_is_nan_for_zero_population() -> None:
    received = pd.DataFrame({"municipality_id": ["1280", "1280"], "year": [2016, 2017],
                             "received": [10.0, 20.0]})
    population = pd.DataFrame({"municipality_id": ["1280"], "year": [2016],
                               "population": [0.0]})

    out = received_24m_per_1000(received, population)

    rate = out.loc[out["year"] == 2017, "received_24m_per_1000"].iloc[0]
    assert math.isnan(rate)

