"""Where data and outputs live: one place that resolves both.

Precedence for the data directory: an explicit argument, then the environment
variable ``KFSK_DATA_DIR``, then ``data/`` in the project (the current working
directory's ``data/`` when the package is installed elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "KFSK_DATA_DIR"
ENV_OUTPUT_DIR = "KFSK_OUTPUT_DIR"

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

HOW_TO_GET_DATA = (
    f"point {ENV_DATA_DIR} or --data-dir at a snapshot such as ../shared/data, "
    "or run 'kfsk fetch' to download the Kolada files"
)


def _project_or_cwd(name: str) -> Path:
    in_project = PROJECT_DIR / name
    if (PROJECT_DIR / "pyproject.toml").exists():
        return in_project
    return Path.cwd() / name


def _resolve(explicit, env_name: str, default: str) -> Path:
    if explicit not in (None, ""):
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(env_name)
    if env:
        return Path(env).expanduser().resolve()
    return _project_or_cwd(default)


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: argument > $KFSK_DATA_DIR > <project>/data."""
    return _resolve(explicit, ENV_DATA_DIR, "data")


def output_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the output root: argument > $KFSK_OUTPUT_DIR > <project>/outputs."""
    return _resolve(explicit, ENV_OUTPUT_DIR, "outputs")
