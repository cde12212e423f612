"""Exceptions with a location: every data problem names file, row and column."""

from __future__ import annotations

from pathlib import Path


class KfskError(Exception):
    """Base class for errors the CLI reports as one line without a traceback."""


class DataError(KfskError):
    """A problem in an input file, located by file, row (1-based line) and column."""

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class MissingInputError(DataError):
    """A required input file does not exist."""


class ConfigError(KfskError):
    """The regions/editions configuration or a CLI choice is invalid."""


class BuildError(KfskError):
    """A chapter failed while executing or exporting."""
