"""Two builds of the same inputs give the same bytes.

The session build's ``2018/skane`` (``built_2018``: the batch of every edition and region,
in-process, snapshot in place, two workers) is compared with one more build made
differently on purpose: through the CLI in another
process, with ``--force --jobs 1`` (every chapter in one reused kernel, in order), from a
copy of the snapshot at another path and into another output root. Every HTML, PNG, SVG,
CSV, zip and text file must be byte-identical; ``manifest.json`` (build time, paths)
and the executed notebooks (papermill timings) are excluded. Nothing may leak a build's
absolute paths or the time of the build into the pages and tables.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

COMPARED = (".html", ".png", ".svg", ".csv", ".zip", ".txt")
REPORT = Path("2018") / "skane"  # the session batch has more reports (and its top index)
TIMESTAMP = re.compile(r"20\d\d-\d\d-\d\dT")
ENV_DROP = ("KFSK_DATA_DIR", "KFSK_OUTPUT_DIR", "KFSK_CONFIG", "KFSK_DATASET_CACHE",
            "JUPYTER_PATH")


def _compared_files(root: Path) -> dict[str, str]:
    """sha256 of every compared file below ``root`` (the report and the top index)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (path.is_file() and path.suffix in COMPARED and not rel.parts[0].startswith(".")
                and "notebooks" not in rel.parts):
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def second_build(tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path
                 ) -> tuple[Path, Path]:
    """(output root, data directory) of a second, independent build of edition 2018."""
    base = tmp_path_factory.mktemp("second")
    data = base / "data-copy"
    shutil.copytree(snapshot_dir, data)
    root = base / "outputs-second"
    env = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
    result = subprocess.run(
        [sys.executable, "-m", "kfsk_research.cli", "build", "--edition", "2018", "--region",
         "skane", "--data-dir", str(data), "--output-dir", str(root), "--offline", "--force",
         "--jobs", "1"],
        env=env, cwd=base, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return root, data


def test_same_files_in_both_builds(built_2018: Path, second_build) -> None:
    first = _compared_files(built_2018 / REPORT)
    second = _compared_files(second_build[0] / REPORT)

    assert set(first) == set(second)
    assert any(k.endswith(".png") for k in first)
    assert any(k.startswith("chapters/") for k in first)


@pytest.mark.parametrize("suffix", COMPARED)
def test_files_are_byte_identical(built_2018: Path, second_build, suffix: str) -> None:
    first = _compared_files(built_2018 / REPORT)
    second = _compared_files(second_build[0] / REPORT)

    differing = sorted(k for k in first if k.endswith(suffix) and first[k] != second.get(k))

    assert not differing, f"{len(differing)} {suffix} files differ: {differing[:10]}"


def test_no_absolute_paths_in_pages_and_tables(built_2018: Path, second_build,
                                                snapshot_dir: Path) -> None:
    second, data = second_build
    needles = {str(built_2018), str(second), str(data), str(snapshot_dir),
               str(Path(tempfile.gettempdir()).resolve()) + "/", "pytest-of-",
               str(Path(__file__).resolve().parents[1])}
    found = []
    for root in (built_2018, second):
        for path in sorted([*root.rglob("*.html"), *root.rglob("*.csv")]):
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(root)}: {n}" for n in sorted(needles) if n in text]

    assert not found, found[:10]


def test_no_build_timestamps_in_html(built_2018: Path, second_build) -> None:
    found = []
    for root in (built_2018, second_build[0]):
        for path in sorted(root.rglob("*.html")):
            m = TIMESTAMP.search(path.read_text(encoding="utf-8"))
            if m:
                found.append(f"{path.relative_to(root)}: {m.group(0)}")

    assert not found, found[:10]
