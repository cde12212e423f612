"""Text from the data never becomes markup.

One build from a snapshot copy where Malmö is called ``Malmö<script>alert(1)</script>``
in ``reference/municipalities.csv``: no HTML page may contain the raw tag, and the
escaped name must show where Malmö is listed (the reception table of chapter 02, the
index's profile links, Malmö's profile). Plus direct unit tests of the functions that
escape: ``context.html_table``, ``pages.page``/``link_list`` and ``svgmap.region_svg``.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kfsk_research.context import html_table
from kfsk_research.pages import link_list, page
from kfsk_research.svgmap import region_svg

RAW = "<script>alert(1)</script>"
ESCAPED = html.escape(RAW)  # &lt;script&gt;alert(1)&lt;/script&gt;
NAME = f"Malmö{RAW}"
ENV_DROP = ("KFSK_DATA_DIR", "KFSK_OUTPUT_DIR", "KFSK_CONFIG", "KFSK_DATASET_CACHE",
            "JUPYTER_PATH")


# --------------------------------------------------------------------------------------
# The functions that escape
# --------------------------------------------------------------------------------------


def test_html_table_escapes_headers_cells_and_caption() -> None:
    frame = pd.DataFrame({"municipality_name": [NAME, "A & B", None],
                          "<b>col</b>": [1.5, float("nan"), 2.0]})

    out = html_table(frame, caption=f"Tabell {RAW}")

    assert RAW not in out
    assert "<b>" not in out
    assert f"<td>Malmö{ESCAPED}</td>" in out
    assert "<td>A &amp; B</td>" in out
    assert ">&lt;b&gt;col&lt;/b&gt;</th>" in out  # numeric column: <th class="num">
    assert f"<caption>Tabell {ESCAPED}</caption>" in out
    assert out.count(">–</td>") == 2  # None and NaN are gaps, not text
    assert out.count("<script") == 0


def test_html_table_escapes_linked_cells() -> None:
    frame = pd.DataFrame({"municipality_id": ["1280"], "municipality_name": [NAME]})
    links = {"1280": "../municipalities/1280.html"}

    out = html_table(frame, links=links)

    assert '<a href="../municipalities/1280.html">1280</a>' in out
    assert RAW not in out
    assert ESCAPED in out


def test_html_table_escapes_a_linked_first_column() -> None:
    frame = pd.DataFrame({"name": [NAME]})

    out = html_table(frame, links={NAME: "x.html"})

    assert RAW not in out
    assert f'<a href="x.html">Malmö{ESCAPED}</a>' in out


def test_page_escapes_title_and_nav_but_not_body() -> None:
    out = page(f"Titel {RAW}", "<p>trusted body</p>",
               nav=[(f"Länk {RAW}", 'x.html?a=1&b="2"')])

    assert RAW not in out
    assert f"<title>Titel {ESCAPED}</title>" in out
    assert f">Länk {ESCAPED}</a>" in out
    assert 'href="x.html?a=1&amp;b=&quot;2&quot;"' in out
    assert "<p>trusted body</p>" in out  # body is documented as trusted HTML
    assert "<script" not in out


def test_link_list_escapes_text_and_href() -> None:
    out = link_list([(NAME, '"><script>alert(2)</script>')])

    assert "<script" not in out
    assert f">Malmö{ESCAPED}</a>" in out


def test_region_svg_escapes_names() -> None:
    out = region_svg({"1280": "M0,0 L1,1 Z", "1281": "M1,1 L2,2 Z"}, 10, 10, "1280",
                     {"1280": NAME, "1281": "Lund"})

    assert "<script" not in out
    assert f"<title>Malmö{ESCAPED}</title>" in out
    assert f'aria-label="Malmö{ESCAPED} markerad på kartan över regionen"' in out


# --------------------------------------------------------------------------------------
# A whole build with a hostile name
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path) -> Path:
    """``<root>/2018/skane`` built from a copy where Malmö's name carries a script tag."""
    base = tmp_path_factory.mktemp("escaping")
    data = base / "data"
    shutil.copytree(snapshot_dir, data)
    ref = data / "reference" / "municipalities.csv"
    ref.chmod(0o644)
    lines = ref.read_text(encoding="utf-8").splitlines()
    hits = [i for i, line in enumerate(lines) if line.startswith("1280,Malmö,")]
    assert len(hits) == 1
    lines[hits[0]] = lines[hits[0]].replace("1280,Malmö,", f"1280,{NAME},", 1)
    ref.write_text("\n".join(lines) + "\n", encoding="utf-8")
    root = base / "out"
    env = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
    result = subprocess.run(
        [sys.executable, "-m", "kfsk_research.cli", "build", "--edition", "2018", "--region",
         "skane", "--data-dir", str(data), "--output-dir", str(root), "--offline",
         "--jobs", "2"],
        env=env, cwd=base, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return root / "2018" / "skane"


@pytest.mark.slow
def test_no_page_contains_the_raw_tag(hostile_build: Path) -> None:
    pages = sorted(hostile_build.parents[1].rglob("*.html"))
    assert len(pages) >= 9  # top index, index, 6 chapters, check

    leaking = [str(p.relative_to(hostile_build.parents[1])) for p in pages
               if RAW in p.read_text(encoding="utf-8")
               or "<script" in p.read_text(encoding="utf-8").lower()]

    assert not leaking, leaking


@pytest.mark.slow
@pytest.mark.parametrize("relative", ["chapters/02_etablering.html", "index.html"])
def test_escaped_name_is_shown(hostile_build: Path, relative: str) -> None:
    text = (hostile_build / relative).read_text(encoding="utf-8")

    assert ESCAPED in text, relative


@pytest.mark.slow
def test_escaped_name_in_malmo_profile(hostile_build: Path) -> None:
    profile = hostile_build / "municipalities" / "1280.html"
    if not profile.is_file():
        pytest.skip("this build writes no municipality profiles")
    text = profile.read_text(encoding="utf-8")

    assert f"<title>Malmö{ESCAPED}" in text
    assert f"<h1>Malmö{ESCAPED} (1280)</h1>" in text


@pytest.mark.slow
def test_tables_keep_the_name_as_data(hostile_build: Path) -> None:
    """CSV files are data, not markup: the name is kept verbatim there."""
    table = hostile_build / "tables" / "reception_municipality.csv"
    frame = pd.read_csv(table, dtype={"municipality_id": str})

    names = set(frame.loc[frame["municipality_id"] == "1280", "municipality_name"])

    assert names == {NAME}
