"""A fresh data directory: the build fetches what it needs, or stops with a clear error;
a data directory that does not exist is an error at once (nothing fetched or created)."""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from kolada_server import KoladaServer, Reply, closed_port, kpi_body, paged_data

from kfsk_research import cli
from kfsk_research.editions import load_config

KPIS = ["N00960", "N00961", "N00962", "N00963", "N00964", "N00973", "N01951", "N01986"]


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "KFSK_KOLADA_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def _rows(snapshot_dir: Path, kpi: str, years: set[int]) -> list[list[str]]:
    with (snapshot_dir / "kolada" / f"{kpi}.csv").open(encoding="utf-8", newline="") as fh:
        return [r for r in list(csv.reader(fh))[1:] if int(r[2]) in years]


def _args(data_dir: Path, base_url: str | None = None, offline: bool = False):
    return argparse.Namespace(data_dir=data_dir, base_url=base_url, offline=offline)


def test_offline_build_names_the_missing_files(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty").mkdir()
    code = cli.main(["build", "--edition", "2018", "--data-dir", str(tmp_path / "empty"),
                     "--output-dir", str(tmp_path / "out"), "--offline"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_DATA
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "kolada/N01986.csv" in err and "reference/municipalities.csv" in err
    assert str(tmp_path / "empty") in err and "kfsk fetch" in err
    assert "../shared" not in err
    assert not (tmp_path / "out" / "2018").exists()


@pytest.mark.parametrize("command", ["build", "validate", "check"])
def test_missing_data_dir_is_named_at_once(tmp_path: Path, command: str) -> None:
    """No Kolada retries, no folder created: one line naming the absolute path, < 1 s of
    work in the process (measured as the wall time of the whole command, imports included,
    with a margin for a loaded machine)."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kfsk_research.cli", command,
                             "--data-dir", "nope"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, check=False)
    elapsed = time.monotonic() - started
    assert result.returncode == cli.EXIT_DATA, result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(f"error: {tmp_path / 'nope'}: data directory does not exist"), line
    assert "fetching" not in result.stdout
    assert not (tmp_path / "nope").exists()
    assert not (tmp_path / "outputs").exists()
    assert elapsed < 5, f"{elapsed:.1f} s"


def test_fetch_may_create_the_data_dir_it_is_given(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v3"
    code = cli.main(["fetch", "--kpi", "N01951", "--years", "2015-2017", "--data-dir",
                     str(tmp_path / "new"), "--base-url", url])
    assert code != 0  # the server is closed; the folder the user named may exist now
    assert not (tmp_path / "new" / "kolada" / "N01951.csv").exists()


def test_unreachable_server_stops_with_the_missing_files(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v3"
    (tmp_path / "data").mkdir()
    with pytest.raises(Exception) as info:
        cli._fetch_missing(load_config(), _args(tmp_path / "data", url))
    text = str(info.value)
    assert "fetch failed" in text and "kolada/N01986.csv" in text
    assert not (tmp_path / "data" / "kolada" / "N01986.csv").exists()


def test_fresh_directory_is_filled_then_validates(tmp_path: Path, snapshot_dir: Path,
                                                  capsys) -> None:
    config = load_config()
    # the build asks for 2011 (four years before the first edition's data) through last
    # year; the server has the snapshot's rows of 2011-2017 only (later years come back empty)
    asked = list(range(2011, date.today().year))
    years = list(range(2011, 2018))
    with (snapshot_dir / "kolada" / "kpis.csv").open(encoding="utf-8", newline="") as fh:
        catalogue = {r["kpi"]: r for r in csv.DictReader(fh)}
    with KoladaServer() as server:
        server.route(f"/v3/kpi/{','.join(KPIS)}", Reply(200, kpi_body(
            (k, catalogue[k]["title"], catalogue[k]["description"],
             catalogue[k]["has_gender"] == "True") for k in KPIS)))
        for kpi in KPIS:
            rows = [(r[0], r[1], int(r[2]), r[3], float(r[4]))
                    for r in _rows(snapshot_dir, kpi, set(years))]
            path = f"/v3/data/kpi/{kpi}/year/{','.join(map(str, asked))}"
            for route, reply in paged_data(server.root, path, rows, 2000).items():
                server.route(route, reply)
        data = tmp_path / "data"
        data.mkdir()  # an empty folder the user named (a missing one is an error)
        cli._fetch_missing(config, _args(data, server.root))
    # every required input is there now, byte-equal to the snapshot where it overlaps
    for rel in config.required:
        assert (data / rel).is_file(), rel
    assert ((data / "reference" / "municipalities.csv").read_bytes()
            == (snapshot_dir / "reference" / "municipalities.csv").read_bytes())
    header = "kpi,municipality_id,period,gender,value\n"
    expected = header + "".join(",".join(r) + "\n"
                                for r in _rows(snapshot_dir, "N01986", set(years)))
    assert (data / "kolada" / "N01986.csv").read_text(encoding="utf-8") == expected
    assert (data / "kolada" / "provenance.json").is_file()
    capsys.readouterr()
    assert cli.main(["validate", "--data-dir", str(data)]) == 0


@pytest.mark.parametrize("argv", [["check", "--region", "blekinge"],
                                  ["check", "--edition", "2023"]])
def test_check_says_it_covers_the_2018_skane_report_only(argv: list[str], capsys) -> None:
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert code == cli.EXIT_CONFIG
    assert captured.out == ""  # no table of another report printed silently
    line = captured.err.strip()
    assert "\n" not in line and "covers the 2018 Skåne report only" in line, line


# --- the Makefile on a fresh machine ------------------------------------------------------

FAKE_OLD_PYTHON = """#!/bin/sh
# pretends to be Python 3.10: fails the version check, makes a "venv" of itself
case "$1" in
  --version) echo "Python 3.10.12";;
  -c) exit 1;;
  -m) mkdir -p "$3/bin" && cp "$0" "$3/bin/python";;
esac
"""


@pytest.fixture
def make_project(tmp_path: Path) -> Path:
    """The Makefile and pyproject.toml in an empty folder, with a fake Python 3.10."""
    from kfsk_research.paths import PROJECT_DIR

    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    fake = tmp_path / "python3.10"
    fake.write_text(FAKE_OLD_PYTHON)
    fake.chmod(0o755)
    return tmp_path


def _make(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", *args], cwd=folder, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_refuses_an_old_python_and_says_how_to_choose(make_project: Path) -> None:
    result = _make(make_project, "PYTHON=./python3.10", "report")
    assert result.returncode != 0
    assert ("needs Python >= 3.11, but PYTHON=./python3.10 is 'Python 3.10.12'; choose "
            "another, e.g. make PYTHON=python3.12 report") in result.stderr, result.stderr
    assert not (make_project / ".venv").exists()
    assert "installing" not in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_removes_a_venv_of_an_old_python(make_project: Path) -> None:
    (make_project / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(make_project / "python3.10", make_project / ".venv" / "bin" / "python")
    result = _make(make_project, "venv-python")
    assert result.returncode == 0, result.stderr
    assert "removing .venv: its Python (Python 3.10.12) is older than 3.11" in result.stdout
    assert not (make_project / ".venv").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_and_distclean(make_project: Path) -> None:
    out = make_project / "outputs"
    for rel in ("README.md", "index.html", "2018/skane/index.html", "2018/.staging-skane/x",
                "scratch/2018/skane/tables/t.csv", ".cache/locks/2018-skane.lock",
                ".2018-skane.lock"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x")
    (make_project / ".venv" / "bin").mkdir(parents=True)

    assert _make(make_project, "clean").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["README.md"]
    assert (make_project / ".venv").is_dir()
    assert _make(make_project, "distclean").returncode == 0
    assert not (make_project / ".venv").exists()
