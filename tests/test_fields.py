"""Column definitions (issue 13): every column has a Swedish label and description, every
column a build writes is defined, and coded values read as Swedish on the pages."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kfsk_research import fields

_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


@pytest.mark.parametrize("name", sorted(fields.FIELDS))
def test_every_field_has_a_swedish_label_and_description(name: str) -> None:
    f = fields.FIELDS[name]
    assert f.name == name
    assert f.label_sv.strip(), f"{name}: no Swedish label"
    assert f.description_sv.strip(), f"{name}: no Swedish description"
    # a label is what a reader sees in a table header: never the identifier itself
    assert not _IDENTIFIER.search(f.label_sv), f"{name}: label {f.label_sv!r}"
    assert f.label_sv != name.replace("_", " ")


@pytest.mark.parametrize("name", sorted(fields.FIELDS))
def test_descriptions_read_as_prose(name: str) -> None:
    """Descriptions are shown on the index pages: no identifiers, file names or paths."""
    text = fields.FIELDS[name].description_sv
    assert not _IDENTIFIER.search(text), f"{name}: {text!r}"
    assert ".csv" not in text and "kfsk_research" not in text, f"{name}: {text!r}"


def test_migrationsverket_categories_have_their_own_names() -> None:
    # Migrationsverket's category names (data/README.md, kommunmottagna_2018.csv columns)
    assert fields.label_sv("anvisade_abo") == "Anvisade från anläggningsboende (ABO)"
    assert fields.label_sv("ebo") == "Från eget boende (EBO)"
    assert fields.label_sv("kvotflyktingar_varav_ensamkommande") == (
        "Kvotflyktingar, varav ensamkommande barn")
    assert "kategori 1" in fields.FIELDS["kvotflyktingar"].description_sv


def test_describe_carries_the_swedish_description() -> None:
    (row,) = fields.describe(["received_per_1000"])
    assert row["description_sv"] == fields.FIELDS["received_per_1000"].description_sv
    assert fields.describe(["no_such_column"])[0]["description_sv"] == ""


def test_coded_values_read_as_swedish() -> None:
    assert fields.classification_sv("skl2017") == "SKL:s kommungruppsindelning 2017"
    assert fields.classification_sv("skr2023") == "SKR:s kommungruppsindelning 2023"
    assert fields.source_sv("report (avsnitt 2.3, s. 11)") == (
        "Rapporten (2018), avsnitt 2.3, s. 11")
    assert fields.source_sv("kolada/N01986.csv") == "Kolada N01986"
    assert fields.source_sv("migrationsverket/anvisningar_kommuntal_2018.csv") == (
        "Migrationsverket, anvisningar enligt kommuntalen 2018")
    assert fields.value_sv("gender", "K") == "Kvinnor"
    assert fields.value_sv("classification", "skl2017") == "SKL:s kommungruppsindelning 2017"
    assert fields.value_sv("municipality_name", "Malmö") is None


def _csv_columns(root: Path) -> dict[str, set[str]]:
    """column -> the CSV files (relative to ``root``) that have it."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.glob("*/*/tables/*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        for column in header:
            found.setdefault(column, set()).add(str(path.relative_to(root)))
    return found


def test_every_column_a_build_writes_is_defined(built_2018: Path) -> None:
    """Every column of every CSV of the session build (2018/Skåne, and every other report
    the session built) has a field, so its page header and documentation are Swedish."""
    columns = _csv_columns(built_2018)
    assert columns, f"no tables under {built_2018}"
    undefined = {c: sorted(files)[:3] for c, files in columns.items() if c not in fields.FIELDS}
    assert not undefined, f"columns without a field in fields.py: {undefined}"
