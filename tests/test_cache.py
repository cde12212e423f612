"""The content-hash cache: unchanged chapters are reused, changed inputs rebuild exactly
the chapters that read them, and a rebuild with nothing changed touches nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from helpers import seed_previous

from kfsk_research.build import BuildOptions, build

pytestmark = pytest.mark.slow


def _build(data: Path, out: Path, **kw) -> list[str]:
    lines: list[str] = []
    build([2018], ["skane"], BuildOptions(data_dir=data, output_root=out, log=lines.append,
                                          **kw))
    return lines


def _status(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "2018/skane" and parts[1][:2].isdigit():
            out[parts[1]] = "unchanged" if "unchanged" in line else "executed"
    return out


def test_changed_value_rebuilds_exactly_the_chapters_that_read_it(
        snapshot_copy: Path, built_2018: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    seed_previous(built_2018, out)  # a previous build of the same inputs (other folder)
    before = {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    # nothing changed: every chapter and page reused, no file rewritten
    lines = _build(snapshot_copy, out)
    assert any("unchanged (every chapter and page)" in line for line in lines)
    after = {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()
             and p.parent.name != ".cache" and p.name != "index.html"}
    assert all(before[k] == v for k, v in after.items() if k in before)

    # change Malmö's 2017 reception: only the data chapters 02_etablering and 07_utfall read
    # Kolada N01986
    path = snapshot_copy / "kolada" / "N01986.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("N01986,1280,2017,T,2443.0\n", "N01986,1280,2017,T,2999.0\n"),
                    encoding="utf-8")
    status = _status(_build(snapshot_copy, out))
    assert status == {"01_bakgrund": "unchanged", "02_etablering": "executed",
                      "03_regionalt_arbete": "unchanged", "04_enkat": "unchanged",
                      "05_goda_exempel": "unchanged", "06_rekommendationer": "unchanged",
                      "07_utfall": "executed"}
    report = out / "2018" / "skane"
    with (report / "tables" / "reception_municipality.csv").open(encoding="utf-8") as fh:
        malmo = next(r for r in csv.DictReader(fh)
                     if r["municipality_id"] == "1280" and r["year"] == "2017")
    assert float(malmo["received"]) == 2999
    # the chapter's text: Skåne received 10 512 − 2 443 + 2 999 = 11 068 in 2017
    assert "11\u00a0068" in (report / "chapters" / "02_etablering.html").read_text(
        encoding="utf-8")

    # --force rebuilds everything
    status = _status(_build(snapshot_copy, out, force=True))
    assert set(status.values()) == {"executed"} and len(status) == 7
