"""A build replaces the previous outputs all at once or not at all.

Each test seeds an output root with a copy of the session build (``built_2018``) as
the *previous* output, hashes every file of it, runs ``kfsk build`` as a subprocess
and checks that whatever went wrong — a failing chapter, a concurrent build, an
interruption, a killed process — left the previous output byte-identical.

The copies keep the previous ``manifest.json``, so unchanged chapters are reused and
only the chapter a test changes runs in a kernel: these tests take seconds, not a
full build each.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from helpers import descendants, notebooks_with, seed_previous, tree_hashes

from kfsk_research.build import curve_supported

pytestmark = pytest.mark.slow

EXIT_BUILD = 4
CHAPTER = "03_regionalt_arbete"  # a short chapter; the one these tests break
ENV_DROP = ("KFSK_DATA_DIR", "KFSK_OUTPUT_DIR", "KFSK_CONFIG", "KFSK_DATASET_CACHE",
            "JUPYTER_PATH")


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def cli_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ENV_DROP}


def build_argv(data: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "kfsk_research.cli", "build", "--edition", "2018",
            "--region", "skane", "--data-dir", str(data), "--output-dir", str(out),
            "--offline", "--jobs", "2", *extra]


def run_build(data: Path, out: Path, *extra: str, timeout: float = 240
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(build_argv(data, out, *extra), env=cli_env(), cwd=out.parent,
                          capture_output=True, text=True, timeout=timeout, check=False)


def error_line(stderr: str) -> str:
    """The one ``error: …`` line of a build's stderr (kernels may log other lines)."""
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr, stderr
    return errors[0]


def leftovers(root: Path) -> list[Path]:
    """Staging or half-swapped folders a build must not leave behind."""
    return sorted([*root.rglob(".staging-*"), *root.rglob(".old-*")])


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def tagged(tag: str) -> set[int]:
    """Running processes whose environment holds ``KFSK_TEST_TAG=<tag>``: the build and
    every kernel it started, even one that was reparented after the build ended."""
    needle = f"KFSK_TEST_TAG={tag}".encode()
    found = set()
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle in environ.read_bytes().split(b"\0"):
                found.add(int(environ.parent.name))
        except OSError:
            continue
    return {p for p in found if alive(p)}


def wait_gone(pids: set[int], seconds: float) -> set[int]:
    """Wait until none of ``pids`` is running; return those still alive afterwards."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return set()
        time.sleep(0.2)
    return {p for p in pids if alive(p)}


def kill_all(proc: subprocess.Popen, pids: set[int]) -> None:
    """SIGKILL the build's session and the kernels it started (test clean-up)."""
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


# Run the build as from a terminal: SIGINT handled by default and not blocked. Signal
# dispositions and masks are inherited, and something earlier in the test session (or the
# CI runner) may have left SIGINT ignored or blocked in this process; Python keeps an
# inherited SIG_IGN, and the build would then never see Ctrl-C. The shim resets both and
# execs the build in the same process (same pid), without preexec_fn in a threaded parent.
AS_FROM_A_TERMINAL = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                      "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
                      "os.execv(sys.argv[1], sys.argv[1:])")


class Running:
    """A build subprocess in its own session, with stdout/stderr in files."""

    def __init__(self, argv: list[str], folder: Path) -> None:
        self.out = (folder / "stdout.txt").open("w")
        self.err = (folder / "stderr.txt").open("w")
        self.folder = folder
        self.tag = uuid.uuid4().hex  # inherited by the kernels: finds them after the build
        shim = [sys.executable, "-c", AS_FROM_A_TERMINAL]
        self.proc = subprocess.Popen([*shim, *argv],
                                     env={**cli_env(), "KFSK_TEST_TAG": self.tag},
                                     cwd=folder, stdout=self.out, stderr=self.err,
                                     text=True, start_new_session=True)
        self.kernels: set[int] = set()

    def wait_for(self, pattern: str, root: Path, seconds: float = 120) -> Path:
        """Wait until a file matching ``pattern`` exists below ``root`` (kernels running)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            hits = sorted(root.glob(pattern))
            if hits:
                self.kernels |= descendants(self.proc.pid)
                return hits[0]
            assert self.proc.poll() is None, f"build ended early: {self.stderr()}"
            time.sleep(0.1)
        raise AssertionError(f"{pattern} did not appear within {seconds} s")

    def stderr(self) -> str:
        self.err.flush()
        return (self.folder / "stderr.txt").read_text()

    def close(self) -> None:
        self.kernels |= descendants(self.proc.pid) if self.proc.poll() is None else set()
        kill_all(self.proc, self.kernels | tagged(self.tag))
        self.out.close()
        self.err.close()


@pytest.fixture
def previous(built_2018: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """(output root, its 2018/skane, hashes of every file there) — a previous good build."""
    root = tmp_path / "out"
    target = seed_previous(built_2018, root)
    return root, target, tree_hashes(target)


# --------------------------------------------------------------------------------------
# (a) a failing chapter
# --------------------------------------------------------------------------------------


def test_failing_chapter_keeps_previous_outputs(previous, snapshot_dir: Path,
                                                tmp_path: Path) -> None:
    root, target, before = previous
    notebooks = notebooks_with(tmp_path, CHAPTER, 'raise RuntimeError("boom")')

    result = run_build(snapshot_dir, root, "--notebook-dir", str(notebooks))

    assert result.returncode == EXIT_BUILD, result.stderr
    line = error_line(result.stderr)
    failed = root / "2018" / "skane.failed" / "notebooks" / f"{CHAPTER}.ipynb"
    assert failed.is_file()
    executed = nbformat.read(failed, as_version=4)
    cells = [c for c in executed.cells  # without the error banner papermill adds on top
             if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    index = next(i for i, c in enumerate(cells) if "boom" in c.source)
    assert line.startswith(f"error: chapter {CHAPTER} (2018/skane) failed in cell {index} "
                           '(raise RuntimeError("boom")): RuntimeError: boom'), line
    assert str(failed) in line
    outputs = cells[index].get("outputs", [])
    assert any(o.get("ename") == "RuntimeError" for o in outputs)
    assert tree_hashes(target) == before
    assert not leftovers(root)
    assert "wrote" not in result.stdout


@pytest.mark.parametrize("rebuild", [
    "one_chapter_changed",
    "nothing_changed",
])
def test_failed_folder_is_removed_by_the_next_good_build(previous, snapshot_dir: Path,
                                                         tmp_path: Path, rebuild: str) -> None:
    root, target, before = previous
    stale = root / "2018" / "skane.failed" / "notebooks" / f"{CHAPTER}.ipynb"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")  # as left by an earlier failed build
    extra = []
    if rebuild == "one_chapter_changed":
        notebooks = notebooks_with(tmp_path, CHAPTER, "1 + 1")
        extra = ["--notebook-dir", str(notebooks)]

    result = run_build(snapshot_dir, root, *extra)

    assert result.returncode == 0, result.stderr
    if curve_supported():  # kernels with CurveZMQ keys: no "over TCP without encryption"
        assert result.stderr == ""
    assert (target / "index.html").is_file()
    assert set(tree_hashes(target)) == set(before)
    assert not leftovers(root)
    assert not stale.parent.parent.exists()
    assert not list(root.glob("*.lock")) and not list(root.glob(".*.lock"))


# --------------------------------------------------------------------------------------
# (b) two builds on one output folder
# --------------------------------------------------------------------------------------


def test_second_build_fails_fast_while_the_lock_is_held(previous, snapshot_dir: Path) -> None:
    from filelock import FileLock

    root, target, before = previous
    lock = FileLock(str(root / ".cache" / "locks" / "2018-skane.lock"))
    lock.acquire(timeout=5)
    try:
        started = time.monotonic()
        result = run_build(snapshot_dir, root, timeout=60)
        elapsed = time.monotonic() - started
    finally:
        lock.release()

    assert result.returncode != 0
    line = error_line(result.stderr)
    assert "another build" in line, line
    assert "2018-skane" in line, line
    assert elapsed < 30, f"took {elapsed:.1f} s to notice the other build"
    assert "done in" not in result.stdout  # no chapter ran
    assert tree_hashes(target) == before
    assert not leftovers(root)


# --------------------------------------------------------------------------------------
# (c) interruption: SIGINT and SIGKILL while kernels run
# --------------------------------------------------------------------------------------


def _start_sleeping_build(previous, snapshot_dir: Path, tmp_path: Path,
                          seconds: int) -> Running:
    """A build whose only changed chapter sleeps ``seconds`` at its end; returns once the
    chapter's kernel runs (its executed notebook appears in staging) plus a moment."""
    root = previous[0]
    notebooks = notebooks_with(tmp_path, CHAPTER, f"import time\ntime.sleep({seconds})")
    run = Running(build_argv(snapshot_dir, root, "--notebook-dir", str(notebooks)), tmp_path)
    run.wait_for(f"2018/.staging-skane*/notebooks/{CHAPTER}.ipynb", root)
    time.sleep(2)
    run.kernels |= descendants(run.proc.pid)
    assert run.proc.poll() is None
    assert run.kernels, "no kernel process found under the build"
    return run


def test_sigint_keeps_previous_outputs(previous, snapshot_dir: Path, tmp_path: Path) -> None:
    root, target, before = previous
    run = _start_sleeping_build(previous, snapshot_dir, tmp_path, seconds=6)
    try:
        _assert_stopped_cleanly(run, target, before, root)
    finally:
        run.close()


def test_sigint_stops_the_build_promptly(previous, snapshot_dir: Path, tmp_path: Path) -> None:
    """A cell sleeping 120 s does not delay the stop: its kernel is killed."""
    root, target, before = previous
    run = _start_sleeping_build(previous, snapshot_dir, tmp_path, seconds=120)
    try:
        _assert_stopped_cleanly(run, target, before, root)
    finally:
        run.close()


def _assert_stopped_cleanly(run: Running, target: Path, before: dict[str, str],
                            root: Path) -> None:
    """SIGINT now: exit 130 within 5 s with the one message, no kernel left, previous
    outputs byte-identical, no staging left."""
    os.kill(run.proc.pid, signal.SIGINT)
    started = time.monotonic()
    try:
        code = run.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail(f"build still running 5 s after SIGINT: {run.stderr()}")
    assert code == 130, run.stderr()
    assert error_line(run.stderr()) == "error: interrupted; previous outputs are unchanged"
    assert time.monotonic() - started < 5
    assert not wait_gone(tagged(run.tag), 5), "kernel processes left running"
    assert tree_hashes(target) == before
    assert not leftovers(root)
    assert "wrote" not in (run.folder / "stdout.txt").read_text()


@pytest.mark.parametrize("moment", [0.5, 2.0, "kernels starting"])
def test_sigint_early_in_a_cold_build(previous, snapshot_dir: Path, tmp_path: Path,
                                      moment: float | str) -> None:
    """Ctrl-C while modules load, inputs are validated (no dataset cache) or the first
    kernels start (the staging folder just appeared): every chapter is forced to run."""
    root, target, before = previous
    shutil.rmtree(root / ".cache")
    run = Running(build_argv(snapshot_dir, root, "--force"), tmp_path)
    try:
        if moment == "kernels starting":
            run.wait_for("2018/.staging-skane*", root)
        else:
            time.sleep(float(moment))
        assert run.proc.poll() is None, run.stderr()
        _assert_stopped_cleanly(run, target, before, root)
    finally:
        run.close()


def test_sigint_while_chapters_run_in_parallel(previous, snapshot_dir: Path,
                                               tmp_path: Path) -> None:
    """Ctrl-C once the first chapter is done and others run (two kernels busy)."""
    root, target, before = previous
    run = Running(build_argv(snapshot_dir, root, "--force"), tmp_path)
    try:
        deadline = time.monotonic() + 180
        while "done in" not in (tmp_path / "stdout.txt").read_text():
            assert run.proc.poll() is None and time.monotonic() < deadline, run.stderr()
            time.sleep(0.1)
        _assert_stopped_cleanly(run, target, before, root)
    finally:
        run.close()


def test_sigkill_keeps_previous_outputs_and_next_build_works(previous, snapshot_dir: Path,
                                                             tmp_path: Path) -> None:
    root, target, before = previous
    run = _start_sleeping_build(previous, snapshot_dir, tmp_path, seconds=120)
    try:
        os.kill(run.proc.pid, signal.SIGKILL)
        assert run.proc.wait(timeout=30) == -signal.SIGKILL
        assert tree_hashes(target) == before
        # the kernels notice that their parent is gone (ipykernel's parent poller)
        assert not wait_gone(run.kernels, 20), "kernels outlived the killed build"
    finally:
        run.close()

    # the lock died with the process: the next build (everything reused) succeeds
    result = run_build(snapshot_dir, root)
    assert result.returncode == 0, result.stderr
    assert (target / "index.html").is_file()
    assert set(tree_hashes(target)) == set(before)


def test_next_build_removes_a_killed_builds_staging(previous, snapshot_dir: Path) -> None:
    root, _, _ = previous
    stale = root / "2018" / ".staging-skane-4194305"  # above any Linux pid_max: never alive
    (stale / "notebooks").mkdir(parents=True)
    (stale / "notebooks" / f"{CHAPTER}.ipynb").write_text("{}")

    result = run_build(snapshot_dir, root)  # every chapter unchanged: reused

    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert not leftovers(root)
