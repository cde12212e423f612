"""Shared fixtures: the real snapshot (``helpers``), writable copies, one build per session.

The session builds once: ``batch`` is ``kfsk build --edition all --region skane blekinge
goteborgsregionen`` (18 reports, editions 2018–2023) from the pinned snapshot, plus the
user-defined region ``testregion`` (a config file with one more region, editions 2018
and 2023, built from stub chapters that only open the chapter and write the reception
table, a few seconds) into the same output root. Every test that reads a built report uses it:
``built_2018``/``report_2018`` point into it, ``test_pages``, ``test_series`` and the
browser tests read it. Tests that change a build work on a copy (``helpers.seed_previous``).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest

pytest_plugins = ["helpers"]

BATCH_EDITIONS = (2018, 2019, 2020, 2021, 2022, 2023)
BATCH_REGIONS = ("skane", "blekinge", "goteborgsregionen")
# A region a user adds in their own config file; its name must be escaped on every page.
USER_REGION_ID = "testregion"
USER_REGION_EDITIONS = (2018, 2023)
USER_REGION = """
[regions.testregion]
name = "Testregion <b>"
municipalities = ["1280", "1281", "0180"]
"""


@pytest.fixture
def snapshot_copy(tmp_path: Path, snapshot_dir: Path) -> Path:
    """A writable copy of the whole snapshot, for tests that break or change one file."""
    dst = tmp_path / "data"
    shutil.copytree(snapshot_dir, dst)
    for path in dst.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dst


def stub_chapters(folder: Path) -> Path:
    """Copies of the chapter notebooks cut to their parameters cell and first code cell
    (which opens the chapter and writes its header); chapter 02 also writes the reception
    table. Enough for a user region's pages, profiles and index, without the figures."""
    from kfsk_research.build import NOTEBOOK_DIR

    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")):  # regions' own ones too
        nb = nbformat.read(source, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        params = next(c for c in code if "parameters" in c.metadata.get("tags", []))
        first = next(c for c in code if c is not params)
        nb.cells = [params, first]
        if source.stem == "02_etablering":
            nb.cells.append(nbformat.v4.new_code_cell("ch.reception_table()"))
        nbformat.write(nb, folder / source.name)
    return folder


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path) -> Path:
    """Output root of the session's one build: the 18 reports (every edition × Skåne,
    Blekinge, Göteborgsregionen) built in-process from the snapshot with the default number
    of workers, and ``testregion`` 2018 and 2023 from stub chapters (``stub_chapters``).
    Read-only for tests: copy it first to change anything. The build's log (with its
    seconds) is ``../batch.log``."""
    from kfsk_research.build import BuildOptions, build
    from kfsk_research.editions import DEFAULT_CONFIG, load_config

    base = tmp_path_factory.mktemp("batch")
    config_file = base / "config.toml"
    config_file.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + USER_REGION,
                           encoding="utf-8")
    config = load_config(config_file)
    out = base / "outputs"
    lines: list[str] = []
    os.environ.pop("KFSK_DATASET_CACHE", None)
    # papermill's cwd= changes the process's directory from the build's threads (a race
    # that can leave it in the notebook folder), so restore it for the tests that follow
    cwd = Path.cwd()
    started = time.perf_counter()
    try:
        options = BuildOptions(data_dir=snapshot_dir, output_root=out, log=lines.append)
        build(list(BATCH_EDITIONS), list(BATCH_REGIONS), options, config)
        middle = time.perf_counter()
        stubs = BuildOptions(data_dir=snapshot_dir, output_root=out, log=lines.append,
                             notebook_dir=stub_chapters(base / "stub-notebooks"))
        build(list(USER_REGION_EDITIONS), [USER_REGION_ID], stubs, config)
    finally:
        os.chdir(cwd)
    lines += [f"batch of {len(BATCH_EDITIONS) * len(BATCH_REGIONS)} reports: "
              f"{middle - started:.1f} s",
              f"{USER_REGION_ID}: {time.perf_counter() - middle:.1f} s"]
    (base / "batch.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def pages_root(request: pytest.FixtureRequest) -> Path:
    """Output root of the pages the page, citation, map and accessibility tests read:
    ``$KFSK_PAGES_ROOT`` (development: an existing build) or the session ``batch``."""
    env = os.environ.get("KFSK_PAGES_ROOT")
    if env:
        root = Path(env).resolve()
        assert (root / "index.html").is_file(), f"KFSK_PAGES_ROOT={env} has no index.html"
        return root
    return request.getfixturevalue("batch")


@pytest.fixture(scope="session")
def built_2018(batch: Path) -> Path:
    """Output root of the session build, which holds ``2018/skane`` (and every other
    report of the batch)."""
    return batch


@pytest.fixture(scope="session")
def report_2018(built_2018: Path) -> Path:
    """``<root>/2018/skane`` of the session build."""
    return built_2018 / "2018" / "skane"
