"""One rule for relative paths, and hand runs that never touch a built report.

Notebook parameters and ``$KFSK_DATA_DIR``/``$KFSK_OUTPUT_DIR`` are taken from the project
root whatever the working directory; ``--data-dir``/``--output-dir`` from the shell's
current directory. A chapter run outside ``kfsk build`` writes ``outputs/scratch/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import seed_previous

from kfsk_research import cli, paths
from kfsk_research.errors import MissingInputError

PROJECT = paths.PROJECT_DIR
ENV_DROP = ("KFSK_DATA_DIR", "KFSK_OUTPUT_DIR", "KFSK_CONFIG", "KFSK_DATASET_CACHE",
            "JUPYTER_PATH")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_DROP:
        monkeypatch.delenv(name, raising=False)


# --- the rule ---------------------------------------------------------------------------


def test_relative_parameter_is_taken_from_the_project_root(tmp_path: Path, clean_env,
                                                           monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # e.g. a kernel started in notebooks/ or elsewhere
    assert paths.data_dir("data") == PROJECT / "data"
    assert paths.data_dir() == PROJECT / "data"
    assert paths.output_dir("outputs/x") == PROJECT / "outputs" / "x"
    assert paths.data_dir(tmp_path / "d") == tmp_path / "d"  # absolute stays


def test_relative_environment_variables_are_taken_from_the_project_root(
        tmp_path: Path, clean_env, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KFSK_DATA_DIR", "data")
    monkeypatch.setenv("KFSK_OUTPUT_DIR", "elsewhere")
    assert paths.data_dir() == PROJECT / "data"
    assert paths.output_dir() == PROJECT / "elsewhere"


def test_command_line_options_are_taken_from_the_current_directory(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = cli.parser().parse_args(["build", "--data-dir", "d", "--output-dir", "o"])
    assert args.data_dir == tmp_path / "d"
    assert args.output_dir == tmp_path / "o"


def test_missing_data_dir_names_the_absolute_path_and_the_rule(
        tmp_path: Path, clean_env, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    # A relative path that exists from no machine's project root (../shared/data may).
    monkeypatch.setenv("KFSK_DATA_DIR", "../no-such-snapshot-dir/data")
    with pytest.raises(MissingInputError) as info:
        paths.existing_data_dir()
    text = str(info.value)
    looked = (PROJECT / "../no-such-snapshot-dir/data").resolve()
    assert text.startswith(f"{looked}: data directory does not exist"), text
    assert f"relative to the project root {PROJECT}" in text
    assert f"{PROJECT / 'data'} holds the committed snapshot" in text  # a path that works
    assert not looked.exists()


def test_hints_name_no_folder_outside_the_project() -> None:
    assert "../shared" not in paths.HOW_TO_GET_DATA
    assert str(PROJECT / "data") in paths.HOW_TO_GET_DATA


def test_hand_run_output_goes_to_scratch(clean_env) -> None:
    assert paths.chapter_output_dir(None) == (PROJECT / "outputs" / "scratch", True)
    assert paths.chapter_output_dir("mine") == (PROJECT / "mine", False)


# --- notebooks run by hand ------------------------------------------------------------------


def _hand_env(out: Path) -> dict[str, str]:
    """The environment of a researcher's shell, with outputs redirected to ``out`` so the
    test leaves the project's outputs/ alone (the rule is the same)."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
    env["KFSK_OUTPUT_DIR"] = str(out)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _first_output(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and c["outputs"]]
    first = code[0]["outputs"][0]
    return "".join(first.get("data", {}).get("text/markdown", first.get("text", "")))


def _run(argv: list[str], cwd: Path, out: Path) -> None:
    result = subprocess.run(argv, cwd=cwd, env=_hand_env(out), capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["papermill_outside", "nbconvert", "jupyter_execute"])
def test_chapter_runs_with_default_parameters_from_anywhere(tmp_path: Path, how: str) -> None:
    """papermill from a folder outside the project, nbconvert (kernel in notebooks/) and
    ``jupyter execute`` (kernel in the cwd, here notebooks/) find the data and write
    their tables under ``<outputs>/scratch/2018/skane/`` only."""
    out = tmp_path / "outputs"
    bin_dir = Path(sys.executable).parent
    executed = tmp_path / "executed.ipynb"
    if how == "papermill_outside":
        _run([str(bin_dir / "papermill"), str(PROJECT / "notebooks" / "06_rekommendationer.ipynb"),
              str(executed)], tmp_path, out)
    elif how == "nbconvert":
        _run([str(bin_dir / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
              "notebooks/01_bakgrund.ipynb", "--output", str(executed)], PROJECT, out)
    else:
        shutil.copy(PROJECT / "notebooks" / "04_enkat.ipynb", tmp_path / "04_enkat.ipynb")
        _run([str(bin_dir / "jupyter"), "execute", "--inplace", "04_enkat.ipynb"],
             tmp_path, out)
        executed = tmp_path / "04_enkat.ipynb"
    written = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    assert all(w.startswith("scratch/2018/skane/") for w in written), written
    if how != "papermill_outside":  # chapter 06 is text only: it writes no table
        assert any(w.endswith(".csv") for w in written), written
    first = _first_output(executed)
    assert "utanför `kfsk build`" in first and "/scratch/2018/skane/" in first, first


@pytest.mark.slow
def test_hand_run_after_a_build_leaves_the_report_unwritten(built_2018: Path,
                                                           tmp_path: Path) -> None:
    """Same bytes and modification times in ``<outputs>/2018/skane`` after a chapter ran by
    hand with default parameters against the same output root."""
    root = tmp_path / "outputs"
    target = seed_previous(built_2018, root)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in target.rglob("*")
              if p.is_file()}
    executed = tmp_path / "x.ipynb"
    _run([str(Path(sys.executable).parent / "papermill"),
          str(PROJECT / "notebooks" / "02_etablering.ipynb"), str(executed)], tmp_path, root)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in target.rglob("*")
             if p.is_file()}
    assert after == before
    assert list((root / "scratch" / "2018" / "skane" / "tables").glob("*.csv"))
