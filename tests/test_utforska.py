"""``notebooks/utforska.ipynb``: the exploring notebook runs and shows the right numbers.

It is executed with papermill (short time-outs) on the snapshot with its own parameters;
a last cell added to a copy of it (the notebook itself stays as committed) prints what
it computed as JSON. Expected values are read by hand from the snapshot's Kolada files
(file and line in a comment), never computed with the package.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOK = PROJECT / "notebooks" / "utforska.ipynb"
# Malmö and Lund, 2016–2017; the map of Blekinge's municipalities (five) in 2017.
PARAMETERS = {"municipalities": ["1280", "1281"], "years": [2016, 2017], "kpi": "N00700",
              "map_region": "blekinge", "map_year": 2017, "editions": [2018, 2023]}
# By hand from data/kolada/N01986.csv (received) and N01951.csv (population 31 Dec), line:
RECEIVED = {("1280", 2016): 2595, ("1280", 2017): 2443,  # N01986.csv lines 3746, 3749
            ("1280", 2022): 304,                         # line 3764
            ("1281", 2016): 395, ("1281", 2017): 735,    # lines 3778, 3781
            ("1281", 2022): 163}                         # line 3796
POPULATION = {("1280", 2015): 322574, ("1280", 2016): 328494,  # N01951.csv lines 12037, 12040
              ("1280", 2021): 351749,                          # line 12055
              ("1281", 2015): 116834, ("1281", 2016): 118542,  # lines 12124, 12127
              ("1281", 2021): 127376}                          # line 12142
DUMP = """
import json as _json
print("UTFORSKA-RESULT " + _json.dumps({
    "rates": rates[["municipality_id", "year", "received_per_1000"]].to_dict("records"),
    "weighted": weighted.to_dict("records"),
    "unweighted": unweighted.to_dict("records"),
    "map": {"bins": [b if b != float("inf") else None for b in info.bins],
            "missing": info.missing, "classes": info.classes, "title": fig.get_label()},
    "years_compared": [first.last_year, second.last_year],
    "change": change.to_dict("records"),
    "both_weighted": both_weighted.to_dict("records"),
}, default=str))
"""


def _rate(m: str, year: int) -> float:
    return RECEIVED[(m, year)] / POPULATION[(m, year - 1)] * 1000


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path):
    """(executed notebook, the JSON the added last cell printed)."""
    import papermill as pm

    folder = tmp_path_factory.mktemp("utforska")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(DUMP))
    source = folder / "utforska.ipynb"
    nbformat.write(nb, source)
    out = folder / "utforska-out.ipynb"
    pm.execute_notebook(str(source), str(out), kernel_name="python3", progress_bar=False,
                        parameters={**PARAMETERS, "data_dir": str(snapshot_dir)},
                        execution_timeout=120, start_timeout=60, cwd=str(PROJECT / "notebooks"))
    result = nbformat.read(out, as_version=4)
    text = "".join(o.get("text", "") for c in result.cells if c.cell_type == "code"
                   for o in c.outputs if o.output_type == "stream")
    line = next(x for x in text.splitlines() if x.startswith("UTFORSKA-RESULT "))
    return result, json.loads(line.removeprefix("UTFORSKA-RESULT "))


def test_committed_without_outputs_and_thin() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1
    imports = [line for c in code for line in "".join(c["source"]).splitlines()
               if line.startswith(("import ", "from "))]
    assert imports == ["import kfsk_research as kr"]
    body = "\n".join("".join(c["source"]) for c in code)
    assert "pd." not in body and "def " not in body and "\nfor " not in body


def test_not_a_chapter_the_build_exports() -> None:
    from kfsk_research.chapters import CHAPTER_IDS

    assert "utforska" not in CHAPTER_IDS


def test_runs_without_errors_or_warnings(executed) -> None:
    nb, _ = executed
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert not errors, [o.get("text") or o.get("evalue") for o in errors]


def test_received_per_1000_by_hand(executed) -> None:
    _, result = executed
    got = {(r["municipality_id"], r["year"]): r["received_per_1000"] for r in result["rates"]}
    assert set(got) == {(m, y) for m in ("1280", "1281") for y in (2016, 2017)}
    for key, value in got.items():
        assert value == pytest.approx(_rate(*key)), key
    assert got[("1280", 2017)] == pytest.approx(7.437, abs=1e-3)  # 2443 / 328494 × 1000


def test_region_weighted_and_unweighted_by_hand(executed) -> None:
    _, result = executed
    weighted = {r["year"]: r for r in result["weighted"]}
    unweighted = {r["year"]: r for r in result["unweighted"]}
    for year in (2016, 2017):
        received = RECEIVED[("1280", year)] + RECEIVED[("1281", year)]
        population = POPULATION[("1280", year - 1)] + POPULATION[("1281", year - 1)]
        assert weighted[year]["received_per_1000"] == pytest.approx(
            received / population * 1000)
        assert unweighted[year]["received_per_1000"] == pytest.approx(
            (_rate("1280", year) + _rate("1281", year)) / 2)
        for row in (weighted[year], unweighted[year]):
            assert row["n_municipalities"] == 2
            assert row["municipalities_missing"] == 0
    # 2017: weighted 3178 / 447036 × 1000 = 7.109, unweighted (7.437 + 6.200) / 2 = 6.819
    assert weighted[2017]["received_per_1000"] == pytest.approx(7.109, abs=1e-3)
    assert unweighted[2017]["received_per_1000"] == pytest.approx(6.819, abs=1e-3)


def test_map_of_any_kpi(executed) -> None:
    nb, result = executed
    mapped = result["map"]
    # Blekinge's five municipalities, N00700 2017 (data/kolada/N00700.csv lines 4172, 4218,
    # 4264, 4310, 4356): each drawn in the class whose bounds hold its value
    values = {"1060": 48.15321477, "1080": 51.00619195, "1081": 36.35883905,
              "1082": 46.40474426, "1083": 52.079566}
    assert mapped["missing"] == []
    assert set(mapped["classes"]) == set(values)
    bounds = [0.0, *[b if b is not None else float("inf") for b in mapped["bins"]]]
    assert bounds[1:] == sorted(bounds[1:]) and mapped["bins"][-1] is None  # last open
    for code, value in values.items():
        c = mapped["classes"][code]
        assert bounds[c] < value <= bounds[c + 1], (code, value, bounds)
    assert "N00700" in mapped["title"] and "2017" in mapped["title"]
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) == 1, "the map is not shown (once)"


def test_two_editions_compared(executed) -> None:
    _, result = executed
    assert result["years_compared"] == [2017, 2022]  # editions 2018 and 2023's last years
    change = {r["municipality_id"]: r for r in result["change"]}
    for m in ("1280", "1281"):
        assert change[m]["value_from"] == pytest.approx(_rate(m, 2017))
        assert change[m]["value_to"] == pytest.approx(_rate(m, 2022))
        assert change[m]["change"] == pytest.approx(_rate(m, 2022) - _rate(m, 2017))
    region = {r["year"]: r["received_per_1000"] for r in result["both_weighted"]}
    assert set(region) == {2015, 2016, 2017, 2020, 2021, 2022}
    assert region[2022] == pytest.approx((304 + 163) / (351749 + 127376) * 1000)
