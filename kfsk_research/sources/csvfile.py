"""Strict CSV reading shared by all loaders.

Every problem becomes one :class:`~kfsk_research.errors.DataError` naming the
file, the row (the line of the file; the header is row 1) and the column.
Accepted variations: a UTF-8 byte-order mark, and an empty cell in a nullable
column (read as missing, never as 0).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kfsk_research.errors import DataError, MissingInputError
from kfsk_research.fields import FIELDS, Field
from kfsk_research.paths import HOW_TO_GET_DATA

BOM = b"\xef\xbb\xbf"
YEAR_MIN = 1950


def read_text(path: Path, name: str) -> str:
    """Return the file's text, decoded strictly as UTF-8 (a leading BOM is dropped)."""
    if not path.is_file():
        raise MissingInputError(name, f"file not found (looked in {path.parent})",
                                hint=HOW_TO_GET_DATA)
    raw = path.read_bytes()
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    if not raw.strip():
        raise DataError(name, "file is empty; expected a header row and data", row=1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise DataError(
            name,
            f"not valid UTF-8 (byte 0x{bad})",
            row=line,
            hint="the file looks like a Latin-1/Windows-1252 export; save it as UTF-8",
        ) from None


def _check_header(header: list[str], expected: list[str], name: str) -> None:
    if len(header) == 1 and ";" in header[0]:
        raise DataError(name, "columns are separated by ';'", row=1,
                        hint="save the file comma-separated")
    if len(header) == 1 and "\t" in header[0]:
        raise DataError(name, "columns are separated by tabs", row=1,
                        hint="save the file comma-separated")
    for col in expected:
        if col not in header:
            extra = [h for h in header if h not in expected]
            close = difflib.get_close_matches(col, extra, n=1)
            found = f"; found '{close[0]}' instead" if close else ""
            raise DataError(name, f"missing column '{col}'{found}", row=1, column=col,
                            hint=f"expected header: {','.join(expected)}")
    for col in header:
        if col not in expected:
            raise DataError(name, f"unexpected column '{col}'", row=1, column=col,
                            hint=f"expected header: {','.join(expected)}")
    dupes = [c for c in header if header.count(c) > 1]
    if dupes:
        raise DataError(name, f"column '{dupes[0]}' appears twice", row=1, column=dupes[0])


def _first(mask: pd.Series) -> int:
    """Position of the first True in a boolean Series."""
    return int(mask.to_numpy().argmax())


def code_problem(code: str, known: frozenset[str] | None) -> str | None:
    """Return why ``code`` is not a valid area id, or None if it is."""
    if re.fullmatch(r"\d{4}", code):
        if known is not None and code not in known:
            return f"unknown municipality code '{code}'"
        return None
    if re.fullmatch(r"\d{1,3}", code):
        return (f"municipality code '{code}' lost its leading zero(s); "
                f"use the 4-character string '{code.zfill(4)}'")
    m = re.fullmatch(r"(\d{1,4})\.0+", code)
    if m:
        return (f"municipality code '{code}' was stored as a number; "
                f"use the 4-character string '{m.group(1).zfill(4)}'")
    if code == "":
        return "empty municipality code"
    return f"municipality code '{code}' is not 4 digits"


def _parse_codes(col: pd.Series, f: Field, name: str, known: frozenset[str] | None) -> pd.Series:
    values = col.str.strip()
    ok = values.str.fullmatch(r"\d{4}")
    if known is not None:
        ok &= values.isin(known)
    if not ok.all():
        i = _first(~ok)
        raise DataError(name, code_problem(values.iloc[i], known) or "invalid code",
                        row=int(col.index[i]), column=str(col.name))
    return values.astype("string")


def _parse_numbers(col: pd.Series, f: Field, name: str) -> pd.Series:
    text = col.str.strip()
    empty = text.eq("")
    if empty.any() and not f.nullable:
        i = _first(empty)
        raise DataError(name, "empty value", row=int(col.index[i]), column=str(col.name),
                        hint=f"'{f.name}' must be a number")
    numbers = pd.to_numeric(text.where(~empty), errors="coerce")
    bad = numbers.isna() & ~empty
    if bad.any():
        i = _first(bad)
        raise DataError(name, f"'{text.iloc[i]}' is not a number", row=int(col.index[i]),
                        column=str(col.name))
    finite = numbers.abs().lt(float("inf")) | numbers.isna()
    if not finite.all():
        i = _first(~finite)
        raise DataError(name, f"'{text.iloc[i]}' is not a finite number", row=int(col.index[i]),
                        column=str(col.name))
    if f.kind == "int" or f.name == "year":
        frac = numbers.notna() & (numbers % 1 != 0)
        if frac.any():
            i = _first(frac)
            raise DataError(name, f"'{text.iloc[i]}' is not a whole number", row=int(col.index[i]),
                            column=str(col.name))
        numbers = numbers.astype("Int64" if f.nullable else "int64")
    else:
        numbers = numbers.astype("float64")
    if f.non_negative:
        neg = numbers.lt(0).fillna(False)
        if neg.any():
            i = _first(neg)
            raise DataError(name, f"negative count {text.iloc[i]}", row=int(col.index[i]),
                            column=str(col.name), hint="counts of persons cannot be negative")
    if f.name == "year":
        last = date.today().year
        out = ~numbers.between(YEAR_MIN, last)
        if out.any():
            i = _first(out)
            raise DataError(name, f"year {text.iloc[i]} outside the data range "
                            f"{YEAR_MIN}–{last}", row=int(col.index[i]), column=str(col.name))
    return numbers


def _parse_strings(col: pd.Series, f: Field, name: str) -> pd.Series:
    text = col.str.strip()
    empty = text.eq("")
    if empty.any() and not f.nullable:
        i = _first(empty)
        raise DataError(name, "empty value", row=int(col.index[i]), column=str(col.name))
    if f.choices:
        bad = ~text.isin(f.choices) & ~empty
        if bad.any():
            i = _first(bad)
            raise DataError(name, f"'{text.iloc[i]}' is not one of {', '.join(f.choices)}",
                            row=int(col.index[i]), column=str(col.name))
    if f.pattern:
        bad = ~text.str.fullmatch(f.pattern) & ~empty
        if bad.any():
            i = _first(bad)
            raise DataError(name, f"'{text.iloc[i]}' does not match the pattern {f.pattern}",
                            row=int(col.index[i]), column=str(col.name))
    return text.where(~empty).astype("string")


def _parse_bools(col: pd.Series, f: Field, name: str) -> pd.Series:
    text = col.str.strip()
    bad = ~text.isin(["True", "False"])
    if bad.any():
        i = _first(bad)
        raise DataError(name, f"'{text.iloc[i]}' is not True or False", row=int(col.index[i]),
                        column=str(col.name))
    return text.eq("True")


def read_table(
    path: Path,
    name: str,
    columns: list[str],
    key: Iterable[str],
    *,
    known_codes: frozenset[str] | None = None,
    rename: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read ``path`` strictly and return typed columns (see :mod:`kfsk_research.fields`).

    ``columns`` are the file's header names; ``rename`` maps a file name to the
    field that defines it (e.g. Kolada's ``period`` → ``year``). ``name`` is how
    the file is called in errors (its path relative to the data directory).
    """
    rename = rename or {}
    text = read_text(path, name)
    header = next(iter(io.StringIO(text))).rstrip("\r\n").split(",")
    _check_header([h.strip().strip('"') for h in header], columns, name)
    records, lines = [], []
    reader = csv.reader(io.StringIO(text))
    try:
        next(reader)
        for record in reader:
            if not record or all(not f.strip() for f in record):
                continue  # a blank line is not a row; later rows keep their line numbers
            if len(record) != len(header):
                raise DataError(name, f"row has {len(record)} fields, the header "
                                f"{len(header)}", row=reader.line_num,
                                hint="a cut-off row or an unquoted comma")
            records.append(record)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(name, f"malformed CSV: {exc}", row=reader.line_num) from None
    names = [h.strip().strip('"') for h in header]
    raw = pd.DataFrame(records, columns=names, index=pd.Index(lines, name="row"), dtype=object)
    out = {}
    for col in columns:
        f = FIELDS[rename.get(col, col)]
        series = raw[col].astype(str).rename(col)
        if f.kind == "code":
            out[f.name] = _parse_codes(series, f, name, known_codes)
        elif f.kind in ("int", "float"):
            out[f.name] = _parse_numbers(series, f, name)
        elif f.kind == "bool":
            out[f.name] = _parse_bools(series, f, name)
        else:
            out[f.name] = _parse_strings(series, f, name)
    df = pd.DataFrame(out)
    file_key = list(key)
    key = [rename.get(k, k) for k in file_key]
    dup = df.duplicated(key, keep="first")
    if dup.any():
        second = int(dup.to_numpy().argmax())
        values = df.iloc[second][key]
        same = (df[key] == values).all(axis=1).to_numpy()
        first = int(same.argmax())
        keys = ", ".join(f"{k}={values[k]}" for k in key)
        raise DataError(name, f"duplicate key ({keys}) also in row {lines[second]}",
                        row=lines[first], column=file_key[0])
    df.index = pd.RangeIndex(len(df))
    df.attrs["lines"] = np.asarray(lines, dtype="int64")  # cheap to copy, see row_of
    return df


def row_of(df: pd.DataFrame, position: int) -> int:
    """The file line of the row at ``position`` of a frame returned by :func:`read_table`."""
    lines = df.attrs.get("lines")
    return int(lines[position]) if lines is not None else position + 2
