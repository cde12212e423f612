"""A built report names no machine path and carries no warning; the output root holds
reports, not lock files.

Uses the session build (``built_2018``): data from the project's ``data/``, outputs in a
pytest temporary folder, kernels from this interpreter's venv — so the project path, the
temporary folder and the venv's ``site-packages`` all had a chance to leak.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from kfsk_research.chapters import CHAPTERS
from kfsk_research.paths import PROJECT_DIR

pytestmark = pytest.mark.slow

BASE64 = re.compile(r"base64,[A-Za-z0-9+/=\s\\]+")  # also JSON-escaped newlines


def _report_files(report: Path) -> list[Path]:
    files = sorted(p for p in report.rglob("*") if p.is_file())
    assert len(files) > 50, "the report looks incomplete"
    return files


def _forbidden(built_root: Path) -> list[str]:
    """Strings no file of a report may contain."""
    words = {str(PROJECT_DIR), str(built_root), str(Path(tempfile.gettempdir()).resolve()),
             str(Path(sys.prefix)), "site-packages", "Warning"}
    return sorted(words)


def _text(path: Path) -> str:
    """A file's text without embedded base64 images (where "/tmp" occurs by chance)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                for key in [k for k in out.get("data", {}) if k.startswith("image/")]:
                    del out["data"][key]
        text = json.dumps(nb, ensure_ascii=False)
    return BASE64.sub("base64,", text)


def test_no_machine_path_or_warning_in_any_file(built_2018: Path, report_2018: Path) -> None:
    bad = []
    forbidden = _forbidden(built_2018)
    for path in _report_files(report_2018):
        text = _text(path)
        bad += [f"{path.relative_to(report_2018)}: {word}" for word in forbidden
                if word in text]
    assert not bad, "\n".join(bad[:20])
    assert {p.suffix for p in _report_files(report_2018)} >= {".html", ".ipynb", ".csv",
                                                              ".json", ".png"}


def test_executed_notebooks_have_no_stderr_and_portable_parameters(report_2018: Path) -> None:
    notebooks = sorted((report_2018 / "notebooks").glob("*.ipynb"))
    assert [p.stem for p in notebooks] == [c.chapter_id for c in CHAPTERS]
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        streams = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "stream" and o.name == "stderr"]
        assert not streams, f"{path.name}: {streams[0].text[:200]}"
        params = nb.metadata.papermill.parameters
        assert params["data_dir"] == "data"  # the project's snapshot, as the rule reads it
        assert params["output_dir"] == "<output_dir>"
        assert nb.metadata.papermill.output_path == f"notebooks/{path.name}"
        injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.tags)
        assert 'data_dir = "data"' in injected.source
        assert "paths" in nb.metadata.kfsk


def test_output_root_holds_no_lock_files(built_2018: Path) -> None:
    top = sorted(p.name for p in built_2018.iterdir())
    assert not [n for n in top if n.endswith(".lock")], top
    assert all(n in {"index.html", ".cache"} or n.isdigit() for n in top), top
    reports = sorted(f"{p.parent.name}-{p.name}" for p in built_2018.glob("[0-9]*/*")
                     if p.is_dir())
    locks = sorted(p.stem for p in (built_2018 / ".cache" / "locks").iterdir())
    assert "2018-skane" in locks and locks == reports  # one lock file per report, kept here


def test_sanitise_notebook_replaces_whole_paths_only(tmp_path: Path) -> None:
    from kfsk_research.build import machine_paths, sanitise_notebook

    work = tmp_path / "out" / "2018" / ".staging-skane" / ".work" / "01"
    tmp = tempfile.gettempdir()
    text = (f"looked in {PROJECT_DIR / 'data'}. wrote {work}/2018/skane/t.csv; "
            f"{sys.prefix}/lib/x.py; {tmp}x stays; {tmp_path}/y")
    nb = nbformat.v4.new_notebook(metadata={"papermill": {"output_path": str(work / "n")}})
    nb.cells = [nbformat.v4.new_code_cell(text, outputs=[nbformat.v4.new_output(
        "display_data", data={"text/plain": text, "image/png": f"{tmp_path}/AAAA"})])]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)

    sanitise_notebook(path, machine_paths(PROJECT_DIR / "data", tmp_path / "out", work),
                      "notebooks/n.ipynb")

    got = nbformat.read(path, as_version=4)
    shown = str(tmp_path).replace(tmp, "<tmp>", 1)
    expected = (f"looked in data. wrote <output_dir>/2018/skane/t.csv; "
                f".venv/lib/x.py; {tmp}x stays; {shown}/y")
    if Path(sys.prefix) != PROJECT_DIR / ".venv":  # a venv elsewhere gets a placeholder
        expected = expected.replace(".venv/lib/x.py", "<venv>/lib/x.py")
    assert got.cells[0].source == expected
    assert got.cells[0].outputs[0].data["text/plain"] == expected
    assert got.cells[0].outputs[0].data["image/png"] == f"{tmp_path}/AAAA"  # images untouched
    assert got.metadata.papermill.output_path == "notebooks/n.ipynb"
