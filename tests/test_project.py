"""Project hygiene: dependencies agree, imports stay light, notebooks stay thin."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
# The chapter notebooks (utforska.ipynb, the exploring notebook, has tests of its own).
NOTEBOOKS = sorted((PROJECT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_pyproject_and_environment_list_the_same_dependencies() -> None:
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    listed = set()
    text = (PROJECT / "environment.yml").read_text(encoding="utf-8")
    deps = text[text.index("dependencies:"):]
    for line in deps.splitlines():
        m = re.match(r"\s*-\s+([A-Za-z0-9_.\-]+)", line)
        if m and not line.strip().startswith("- -e"):
            listed.add(_name(m.group(1)))
    listed -= {"python", "pip"}
    assert listed == wanted


def test_import_is_light() -> None:
    code = "import sys, kfsk_research; print(sorted(m for m in ('pandas', 'geopandas', " \
           "'matplotlib', 'papermill') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_seven_chapters_and_the_regions_own_notebooks() -> None:
    """One notebook per chapter, plus the notebooks that write a chapter for some regions
    (config ``notebooks``): chapter 1 for any region but Skåne, chapter 3 for Blekinge
    and Göteborgsregionen."""
    assert [p.stem for p in NOTEBOOKS] == [
        "01_bakgrund", "01_bakgrund_region", "02_etablering", "03_regionalt_arbete",
        "03_regionalt_arbete_blekinge", "03_regionalt_arbete_goteborgsregionen", "04_enkat",
        "05_goda_exempel", "06_rekommendationer", "07_utfall"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_clean(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1
    text = "".join(params[0]["source"])
    for name in ("edition", "region", "data_dir", "output_dir"):
        assert re.search(rf"^{name} = ", text, re.M), name
    sources = ["".join(c["source"]) for c in code]
    imports = [line for s in sources for line in s.splitlines()
               if line.startswith(("import ", "from "))]
    assert imports == ["import kfsk_research as kr"]
    # no logic: no loops, function definitions or pandas in the notebook
    body = "\n".join(sources)
    assert not re.search(r"^\s*(for|while|def|class|if)\b", body, re.M)
    assert "pd." not in body
