"""A chapter that hangs or kills its kernel fails the build quickly and says where.

The output root is seeded with a copy of the session build (``built_2018``) and its
dataset cache, so only the changed chapter runs in a kernel; ``--cell-timeout 20``
(room for a loaded machine to import pandas in the first cells) must then stop a
``time.sleep(120)`` cell within seconds of the limit, and a cell that ends its
kernel (``os._exit(1)``) must be reported, not waited for. Each build gets at most
``WAIT`` seconds before the test kills it (its session and its kernels).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import descendants, notebooks_with, seed_previous, tree_hashes

from kfsk_research.build import curve_supported

pytestmark = pytest.mark.slow

EXIT_BUILD = 4
CHAPTER = "03_regionalt_arbete"
CELL_TIMEOUT = 20  # seconds per cell; the first cells import pandas, slow under load
WAIT = 75  # seconds; a build that only runs CHAPTER takes about 10 s (more under load),
# far less than the 120 s the hanging cell would take
ENV_DROP = ("KFSK_DATA_DIR", "KFSK_OUTPUT_DIR", "KFSK_CONFIG", "KFSK_DATASET_CACHE",
            "JUPYTER_PATH")


def _kill(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _run_bounded(argv: list[str], cwd: Path) -> tuple[int | None, str, float]:
    """Run ``argv`` for at most ``WAIT`` s; (exit code or None if killed, stderr, seconds)."""
    err_path = cwd / "stderr.txt"
    env = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
    started = time.monotonic()
    with err_path.open("w") as err:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
        kernels: set[int] = set()
        code = None
        while time.monotonic() - started < WAIT:
            kernels |= descendants(proc.pid)
            code = proc.poll()
            if code is not None:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        if code is None:  # hung: clean up the build and the kernels it started
            kernels |= descendants(proc.pid)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        _kill({k for k in kernels if Path(f"/proc/{k}").exists()})
    return code, err_path.read_text(), elapsed


@pytest.fixture
def seeded(built_2018: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """(output root, its 2018/skane, file hashes): a previous build plus its caches."""
    root = tmp_path / "out"
    target = seed_previous(built_2018, root)
    return root, target, tree_hashes(target)


CASES = [
    pytest.param("import time; time.sleep(120)", r"timed? ?out", id="cell_timeout"),
    pytest.param("import os; os._exit(1)", r"kernel died", id="kernel_died"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_chapter_fails_fast_and_names_the_cell(source: str, expected: str, seeded,
                                              snapshot_dir: Path, tmp_path: Path) -> None:
    root, target, before = seeded
    notebooks = notebooks_with(tmp_path, CHAPTER, source)
    argv = [sys.executable, "-m", "kfsk_research.cli", "build", "--edition", "2018",
            "--region", "skane", "--data-dir", str(snapshot_dir), "--output-dir", str(root),
            "--offline", "--notebook-dir", str(notebooks), "--cell-timeout", str(CELL_TIMEOUT),
            "--jobs", "2"]

    code, stderr, elapsed = _run_bounded(argv, tmp_path)

    if code is None:
        pytest.fail(f"build still running after {WAIT} s ({source!r}, "
                    f"--cell-timeout {CELL_TIMEOUT})")
    assert code == EXIT_BUILD, (code, stderr)
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    line = errors[0]
    assert line.startswith(f"error: chapter {CHAPTER} (2018/skane) failed in cell "), line
    assert re.search(r"cell \d+ \(" + re.escape(source) + r"\)", line), line
    assert re.search(expected, line, re.IGNORECASE), line
    assert "Traceback" not in stderr
    if curve_supported():  # the build's kernels get CurveZMQ keys: no per-kernel warning
        assert "without encryption" not in stderr
    assert elapsed < WAIT, f"took {elapsed:.1f} s"
    assert (root / "2018" / "skane.failed" / "notebooks" / f"{CHAPTER}.ipynb").is_file()
    assert tree_hashes(target) == before
    assert not list(root.rglob(".staging-*"))
