"""Shared fixtures: the real snapshot (``helpers``), writable copies, one build per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["helpers"]


@pytest.fixture
def snapshot_copy(tmp_path: Path, snapshot_dir: Path) -> Path:
    """A writable copy of the whole snapshot, for tests that break or change one file."""
    dst = tmp_path / "data"
    shutil.copytree(snapshot_dir, dst)
    for path in dst.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dst


@pytest.fixture(scope="session")
def built_2018(tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path) -> Path:
    """Edition 2018 for Skåne built once from the snapshot; returns the output root."""
    from kfsk_research.build import BuildOptions, build

    root = tmp_path_factory.mktemp("outputs")
    os.environ.pop("KFSK_DATASET_CACHE", None)
    build([2018], ["skane"], BuildOptions(data_dir=snapshot_dir, output_root=root,
                                          log=lambda _msg: None))
    return root


@pytest.fixture(scope="session")
def report_2018(built_2018: Path) -> Path:
    """``<root>/2018/skane`` of the session build."""
    return built_2018 / "2018" / "skane"
