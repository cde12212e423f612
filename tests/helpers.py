"""Shared fixtures and constants for the source, registry, indicator, edition and table tests.

Loaded as a plugin (``pytest_plugins = ["helpers"]``) by the test modules that use it:
the real data snapshot (loaded once per session) and small broken copies.

The snapshot is the project's pinned ``data/`` folder (committed); tests never write
into it (those that break or change a file work on ``snapshot_copy``). Expected
values in the tests are read by hand from the snapshot CSVs (file and line named in a
comment beside each literal), never computed with the code under test.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kfsk_research.build import NOTEBOOK_DIR
from kfsk_research.dataset import Dataset, load_dataset
from kfsk_research.editions import Config, load_config
from kfsk_research.errors import DataError
from kfsk_research.municipalities import Registry
from kfsk_research.sources import reference

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "data"

# The 33 municipalities of Skåne (reference/municipalities.csv, rows with county_id 12).
SKANE_IDS = (
    "1214", "1230", "1231", "1233", "1256", "1257", "1260", "1261", "1262", "1263", "1264",
    "1265", "1266", "1267", "1270", "1272", "1273", "1275", "1276", "1277", "1278", "1280",
    "1281", "1282", "1283", "1284", "1285", "1286", "1287", "1290", "1291", "1292", "1293",
)


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    """The pinned snapshot in ``data/`` (part of the repository, so never skipped)."""
    assert (SNAPSHOT_DIR / "reference" / "municipalities.csv").is_file(), (
        f"the pinned snapshot is missing from {SNAPSHOT_DIR.name}/; restore it with git")
    return SNAPSHOT_DIR


@pytest.fixture(scope="session")
def config() -> Config:
    """The package's own config.toml."""
    return load_config()


@pytest.fixture(scope="session")
def municipalities(snapshot_dir: Path) -> pd.DataFrame:
    """reference/municipalities.csv, loaded once."""
    return reference.load_municipalities(snapshot_dir)


@pytest.fixture(scope="session")
def known(municipalities: pd.DataFrame) -> frozenset[str]:
    """Valid area ids of the snapshot: 290 municipalities, 21 counties, 0000."""
    return reference.known_area_ids(municipalities)


@pytest.fixture(scope="session")
def registry(snapshot_dir: Path, municipalities: pd.DataFrame,
             known: frozenset[str]) -> Registry:
    """Municipality registry built from the snapshot's reference files."""
    return Registry(municipalities, reference.load_kommungrupper(snapshot_dir, known))


@pytest.fixture(scope="session")
def dataset_2018(snapshot_dir: Path, config: Config) -> Dataset:
    """Everything edition 2018 reads, loaded once per session."""
    edition = config.edition(2018)
    return load_dataset(edition.required, edition.optional, snapshot_dir)


@pytest.fixture
def broken_root(tmp_path: Path, snapshot_dir: Path) -> Path:
    """An empty data directory holding only a copy of reference/municipalities.csv.

    Tests write one small (possibly broken) input file into it; the reference file
    lets the loaders check codes against the known ones.
    """
    (tmp_path / "reference").mkdir()
    shutil.copyfile(snapshot_dir / "reference" / "municipalities.csv",
                    tmp_path / "reference" / "municipalities.csv")
    return tmp_path


@pytest.fixture
def broken_known(broken_root: Path) -> frozenset[str]:
    """Known area ids read from the copied reference file of ``broken_root``."""
    return reference.known_area_ids(reference.load_municipalities(broken_root))


KOLADA_HEADER = "kpi,municipality_id,period,gender,value"


def write_input(root: Path, relative: str, lines: list[str], *, encoding: str = "utf-8",
                bom: bool = False) -> Path:
    """Write ``lines`` (LF-terminated) as ``root/relative`` and return the path."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(f"{line}\n" for line in lines).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def assert_located(error: DataError, file: str, row: int | None, column: str | None) -> None:
    """Assert a DataError's ``file``, ``row`` and ``column``, and that its text names them."""
    assert error.file == file
    assert error.row == row
    assert error.column == column
    text = str(error)
    assert text.startswith(file)
    if row is not None:
        assert f"row {row}" in text
    if column is not None:
        assert f"column '{column}'" in text


# --- shared by the build-process tests (atomic outputs, time-outs) ---


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder``, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def seed_previous(built_2018: Path, root: Path) -> Path:
    """Copy the session build's ``2018/skane`` (and its dataset cache, to skip re-parsing
    the CSV files) into ``root``; return the copy."""
    target = root / "2018" / "skane"
    shutil.copytree(built_2018 / "2018" / "skane", target)
    if (built_2018 / ".cache").is_dir():
        shutil.copytree(built_2018 / ".cache", root / ".cache")
    return target


def notebooks_with(tmp_path: Path, chapter: str, source: str) -> Path:
    """A copy of ``notebooks/`` where ``chapter`` ends with one more code cell."""
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, folder)
    path = folder / f"{chapter}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)
    return folder


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (Linux ``/proc/<pid>/stat``)."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        out[int(stat.parent.name)] = int(fields[1])
    return out


def descendants(pid: int) -> set[int]:
    """Process ids below ``pid`` (the build's kernels)."""
    parents = _parents()
    found: set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        kids = {p for p, parent in parents.items() if parent == current} - found
        found |= kids
        todo += sorted(kids)
    return found


def one_row(df: pd.DataFrame, **where: object) -> pd.Series:
    """The single row of ``df`` matching ``where``."""
    mask = pd.Series(True, index=df.index)
    for col, value in where.items():
        mask &= df[col] == value
    hits = df[mask]
    assert len(hits) == 1, f"{len(hits)} rows match {where}"
    return hits.iloc[0]
