"""Where data and outputs live: one place that resolves both.

One rule for relative paths: a relative ``data_dir``/``output_dir`` (notebook parameter or
function argument) and a relative ``$KFSK_DATA_DIR``/``$KFSK_OUTPUT_DIR`` are taken from
the project root (the folder holding ``pyproject.toml``), whatever the working directory
of the kernel or process, so they mean the same in JupyterLab, papermill, nbconvert and
``kfsk build``. The command line resolves ``--data-dir``/``--output-dir`` against the
shell's current directory before calling the library (as every shell tool does).

Precedence for the data directory: an explicit argument, then ``$KFSK_DATA_DIR``, then
``data/`` in the project (the committed snapshot). A chapter run by hand without
``output_dir`` writes under ``outputs/scratch/``; only ``kfsk build`` writes
``outputs/<edition>/<region>/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from kfsk_research.errors import MissingInputError

ENV_DATA_DIR = "KFSK_DATA_DIR"
ENV_OUTPUT_DIR = "KFSK_OUTPUT_DIR"
SCRATCH = "scratch"

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def project_root() -> Path:
    """The folder relative paths are taken from: the project, else (installed elsewhere)
    the current working directory."""
    if (PROJECT_DIR / "pyproject.toml").exists():
        return PROJECT_DIR
    return Path.cwd()


DEFAULT_DATA_DIR = project_root() / "data"

HOW_TO_GET_DATA = (
    f"{DEFAULT_DATA_DIR} holds the committed snapshot with every input (choose the data "
    f"directory with --data-dir or {ENV_DATA_DIR}); "
    "'kfsk fetch --data-dir DIR' downloads the Kolada files into DIR, and data/README.md "
    "says where to get the Migrationsverket and SCB files"
)


def from_project(value: str | os.PathLike[str]) -> Path:
    """``value`` as an absolute path; a relative one is taken from :func:`project_root`."""
    path = Path(value).expanduser()
    return (path if path.is_absolute() else project_root() / path).resolve()


def from_cwd(value: str | os.PathLike[str]) -> Path:
    """A command-line path as an absolute path; a relative one is taken from the cwd."""
    return Path(value).expanduser().resolve()


def _chosen(explicit, env_name: str) -> tuple[str | os.PathLike[str] | None, str]:
    """The value that decides a folder and where it came from (for messages)."""
    if explicit not in (None, ""):
        return explicit, "given"
    env = os.environ.get(env_name)
    if env:
        return env, f"${env_name}"
    return None, "default"


def _resolve(explicit, env_name: str, default: str) -> Path:
    value, _ = _chosen(explicit, env_name)
    return from_project(value) if value is not None else project_root() / default


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: argument > $KFSK_DATA_DIR > <project>/data (absolute)."""
    return _resolve(explicit, ENV_DATA_DIR, "data")


def existing_data_dir(explicit: str | os.PathLike[str] | None = None,
                      option: str = "data_dir") -> Path:
    """:func:`data_dir`, or :class:`MissingInputError` naming the absolute path when that
    directory does not exist (nothing is created or fetched). ``option`` names where an
    explicit value came from (``--data-dir`` on the command line)."""
    root = data_dir(explicit)
    if root.is_dir():
        return root
    value, origin = _chosen(explicit, ENV_DATA_DIR)
    relative = value is not None and not Path(value).expanduser().is_absolute()
    where = ("the default" if value is None
             else f"{option if origin == 'given' else origin}={str(value)!r}")
    rule = f", relative to the project root {project_root()}" if relative else ""
    suggestion = (f"; {DEFAULT_DATA_DIR} holds the committed snapshot"
                  if DEFAULT_DATA_DIR.is_dir() and root != DEFAULT_DATA_DIR else
                  "; create it or run 'kfsk fetch --data-dir DIR' to download the Kolada files")
    raise MissingInputError(root, f"data directory does not exist ({where}{rule}){suggestion}")


def output_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the output root: argument > $KFSK_OUTPUT_DIR > <project>/outputs (absolute)."""
    return _resolve(explicit, ENV_OUTPUT_DIR, "outputs")


def chapter_output_dir(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """Output root of one chapter run and whether it is the scratch folder: the given
    folder, else ``<output root>/scratch`` (a hand run never writes a built report)."""
    if explicit not in (None, ""):
        return output_dir(explicit), False
    return output_dir(None) / SCRATCH, True


def display_path(path: Path) -> str:
    """``path`` relative to the project root when inside it (for messages and notebooks)."""
    try:
        return path.relative_to(project_root()).as_posix()
    except ValueError:
        return str(path)
