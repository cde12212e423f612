"""All of Sweden as regions (issue 16): ids, display names, chapters per region, shards,
``kfsk index`` and the country-wide ``riket`` report (built from stub chapters)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import stub_chapters

from kfsk_research import cli
from kfsk_research.editions import load_config, name_key
from kfsk_research.errors import ConfigError
from kfsk_research.shards import in_shard, parse_shard

pytest_plugins = ["helpers"]

# The ids the issue names, with their SCB county codes (data/reference/municipalities.csv).
COUNTIES = {
    "stockholm": "01", "uppsala": "03", "sodermanland": "04", "ostergotland": "05",
    "jonkoping": "06", "kronoberg": "07", "kalmar": "08", "gotland": "09", "blekinge": "10",
    "skane": "12", "halland": "13", "vastra-gotaland": "14", "varmland": "17",
    "orebro": "18", "vastmanland": "19", "dalarna": "20", "gavleborg": "21",
    "vasternorrland": "22", "jamtland": "23", "vasterbotten": "24", "norrbotten": "25",
}
SKANE_ONLY = ["Kommunförbundet Skånes arbete", "BOSS", "Trelleborgsmodellen",
              "Strategiskt forum", "Yrkes-SFI", "Enkätundersökningen"]


def _reference_rows(snapshot_dir: Path) -> list[dict[str, str]]:
    with (snapshot_dir / "reference" / "municipalities.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- configuration ---------------------------------------------------------------------


def test_every_county_and_the_country_are_regions(snapshot_dir: Path) -> None:
    config = load_config()
    rows = _reference_rows(snapshot_dir)
    assert set(COUNTIES) | {"riket", "goteborgsregionen"} == set(config.regions)
    for rid, code in COUNTIES.items():
        assert config.region(rid).counties == (code,), rid
    county_codes = {r["county_id"] for r in rows}
    assert len(county_codes) == 21 and set(COUNTIES.values()) == county_codes
    assert len(rows) == 290
    assert set(config.region("riket").counties) == county_codes


def test_riket_has_all_290_municipalities(registry) -> None:
    assert len(registry.members(load_config().region("riket"))) == 290


@pytest.mark.parametrize(("given", "rid"), [
    ("Västra Götaland", "vastra-gotaland"), ("västra götaland", "vastra-gotaland"),
    ("VASTRA GOTALAND", "vastra-gotaland"), ("Västra Götalands län", "vastra-gotaland"),
    ("Skåne", "skane"), ("skåne län", "skane"), ("Örebro", "orebro"),
    ("Jämtlands län", "jamtland"), ("Sverige", "riket"), ("Göteborgsregionen",
                                                         "goteborgsregionen"),
])
def test_regions_by_display_name(given: str, rid: str) -> None:
    config = load_config()
    assert config.region(given).region_id == rid
    assert config.select_regions([given]) == [rid]


def test_display_name_builds_the_id_folder(tmp_path: Path) -> None:
    args = cli.parser().parse_args(["build", "--region", "Västra Götaland"])
    assert load_config().select_regions(args.region) == ["vastra-gotaland"]


def test_name_key_ignores_case_diacritics_and_lan() -> None:
    assert name_key("Västra Götalands län") == "vastra-gotaland"
    assert name_key("Kalmar län") == "kalmar"
    assert name_key("Dalarnas län") == "dalarna"


def test_unknown_region_lists_ids() -> None:
    with pytest.raises(ConfigError, match=r"unknown region 'Atlantis'.*vastra-gotaland"):
        load_config().region("Atlantis")


def _config(tmp_path: Path, region: str) -> Path:
    text = (Path(__file__).parents[1] / "kfsk_research" / "config.toml").read_text(
        encoding="utf-8") + region
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("rid", ["mitt-lan", "nordost", "sjuhärad"])
def test_region_ids_lower_case_ascii_with_hyphens(tmp_path: Path, rid: str) -> None:
    path = _config(tmp_path, f'\n[regions."{rid}"]\nname = "X"\ncounties = ["12"]\n')
    if rid.isascii():
        assert load_config(path).region(rid).name == "X"
    else:
        with pytest.raises(ConfigError, match="lower-case ASCII"):
            load_config(path)


@pytest.mark.parametrize("rid", ["Mitt", "-mitt", "mitt-", "mitt--lan", "2mitt"])
def test_bad_region_ids_are_refused(tmp_path: Path, rid: str) -> None:
    path = _config(tmp_path, f'\n[regions."{rid}"]\nname = "X"\ncounties = ["12"]\n')
    with pytest.raises(ConfigError, match=f"region id '{re.escape(rid)}'"):
        load_config(path)


def test_chapters_follow_the_region() -> None:
    config = load_config()
    assert config.region("skane").chapters == (
        "01_bakgrund", "02_etablering", "03_regionalt_arbete", "04_enkat",
        "05_goda_exempel", "06_rekommendationer", "07_utfall")
    assert config.region("skane").notebook("01_bakgrund") == "01_bakgrund"
    for rid in ("blekinge", "goteborgsregionen"):
        r = config.region(rid)
        assert r.chapters == ("01_bakgrund", "02_etablering", "03_regionalt_arbete",
                              "07_utfall")
        assert r.notebook("03_regionalt_arbete") == f"03_regionalt_arbete_{rid}"
        assert r.notebook("01_bakgrund") == "01_bakgrund_region"
    for rid in set(COUNTIES) - {"skane", "blekinge"} | {"riket"}:
        r = config.region(rid)
        assert r.chapters == ("01_bakgrund", "02_etablering", "07_utfall"), rid
        assert r.notebook("01_bakgrund") == "01_bakgrund_region"


def test_every_region_notebook_exists() -> None:
    notebooks = Path(__file__).parents[1] / "notebooks"
    for r in load_config().regions.values():
        for c in r.chapters:
            assert (notebooks / f"{r.notebook(c)}.ipynb").is_file(), (r.region_id, c)


@pytest.mark.parametrize(("extra", "message"), [
    ('chapters = ["01_bakgrund", "09_nytt"]', "unknown chapter '09_nytt'"),
    ('chapters = ["02_etablering", "01_bakgrund"]', "in chapter order"),
    ('chapters = ["01_bakgrund"]\nnotebooks = { "02_etablering" = "02_x" }',
     "notebooks names '02_etablering'"),
    ('chapters = ["01_bakgrund"]\nnotebooks = { "01_bakgrund" = "../x" }', "must be a file"),
])
def test_bad_chapter_lists_are_refused(tmp_path: Path, extra: str, message: str) -> None:
    path = _config(tmp_path, f'\n[regions.mitt]\nname = "X"\ncounties = ["12"]\n{extra}\n')
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path)


def test_list_shows_ids_with_display_names(capsys) -> None:
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  vastra-gotaland\s+Västra Götaland\s+counties 14; chapters 01 02 07$",
                     out, re.M)
    assert re.search(r"^  riket\s+Sverige\s+21 counties; chapters 01 02 07$", out, re.M)
    assert re.search(r"^  goteborgsregionen\s+Göteborgsregionen\s+13 municipalities; "
                     r"chapters 01 02 03 07$", out, re.M)


# --- shards ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "a/b", "1", "1/2/3"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected I/N"):
        parse_shard(text)
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["build", "--shard", text])


def test_shards_partition_the_batch_in_order() -> None:
    items = list(range(10))
    parts = [in_shard(items, (i, 3)) for i in (1, 2, 3)]
    assert parts == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]
    assert in_shard(items, None) == items
    assert parse_shard(" 2 / 3 ") == (2, 3)


SELECTION = ["--edition", "2018", "2019", "--region", "gotland", "blekinge"]


def _files(root: Path) -> dict[str, str]:
    """sha256 by path of every report file and the top index. As in test_deterministic,
    the executed notebooks (papermill's timings, a reused kernel's execution counts) count
    by name only, and a manifest without its build time and those notebooks' hashes."""
    import hashlib

    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel.startswith(".cache"):
            continue
        data = p.read_bytes()
        if p.suffix == ".ipynb":
            data = b"executed notebook"
        if p.name == "manifest.json":
            m = json.loads(data)
            m.pop("built_at")
            m["outputs"] = {k: v for k, v in m["outputs"].items() if not k.endswith(".ipynb")}
            data = json.dumps(m, sort_keys=True).encode()
        out[rel] = hashlib.sha256(data).hexdigest()
    return out


@pytest.fixture(scope="module")
def stubs(tmp_path_factory) -> Path:
    return stub_chapters(tmp_path_factory.mktemp("stubs") / "notebooks")


def _build(out: Path, stubs: Path, snapshot_dir: Path, *extra: str) -> None:
    code = cli.main(["build", *SELECTION, "--data-dir", str(snapshot_dir), "--output-dir",
                     str(out), "--notebook-dir", str(stubs), "--offline", "--jobs", "2",
                     *extra])
    assert code == 0


def test_three_shards_then_index_equal_one_batch(tmp_path: Path, stubs: Path,
                                                  snapshot_dir: Path, capsys) -> None:
    whole, sharded = tmp_path / "whole", tmp_path / "sharded"
    _build(whole, stubs, snapshot_dir)
    for i in (1, 2, 3):
        _build(sharded, stubs, snapshot_dir, "--shard", f"{i}/3")
        if i == 1:  # shard 1 of 4 reports = the 1st and 4th: 2018/blekinge, 2019/gotland
            assert sorted(p.parent.relative_to(sharded).as_posix()
                          for p in sharded.glob("*/*/index.html")) == [
                "2018/blekinge", "2019/gotland"]
            assert not (sharded / "index.html").exists()  # shards leave it to kfsk index
    out = capsys.readouterr().out
    assert "left to 'kfsk index'" in out
    assert cli.main(["index", "--output-dir", str(sharded)]) == 0
    assert "4 report(s)" in capsys.readouterr().out
    a, b = _files(whole), _files(sharded)
    assert sorted(a) == sorted(b)
    differ = [k for k in a if a[k] != b[k]]
    assert not differ, differ[:10]
    top = (sharded / "index.html").read_text(encoding="utf-8")
    for rel in ("2018/gotland", "2019/gotland", "2018/blekinge", "2019/blekinge"):
        assert f'href="{rel}/index.html"' in top
    assert "fyra rapporter för två regioner" in top


def test_index_of_an_empty_folder_says_so(tmp_path: Path) -> None:
    assert cli.main(["index", "--output-dir", str(tmp_path)]) == 0
    assert "Inga rapporter är byggda" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_index_of_a_missing_folder_fails(tmp_path: Path, capsys) -> None:
    assert cli.main(["index", "--output-dir", str(tmp_path / "nope")]) == cli.EXIT_CONFIG
    assert "does not exist" in capsys.readouterr().err


def test_missing_region_notebook_stops_before_kernels(tmp_path: Path, stubs: Path,
                                                      snapshot_dir: Path, capsys) -> None:
    folder = tmp_path / "nb"
    shutil.copytree(stubs, folder)
    (folder / "03_regionalt_arbete_blekinge.ipynb").unlink()
    code = cli.main(["build", "--edition", "2018", "--region", "blekinge", "--data-dir",
                     str(snapshot_dir), "--output-dir", str(tmp_path / "out"),
                     "--notebook-dir", str(folder), "--offline"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_CONFIG
    assert "03_regionalt_arbete_blekinge.ipynb" in err and err.count("\n") == 1
    assert not (tmp_path / "out" / "2018").exists()


# --- the whole country (stub chapters with the reception map) --------------------------


@pytest.fixture(scope="module")
def riket(tmp_path_factory, stubs: Path, snapshot_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("riket")
    notebooks = folder / "notebooks"
    shutil.copytree(stubs, notebooks)
    nb = nbformat.read(notebooks / "02_etablering.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("ch.reception_map()"))
    nbformat.write(nb, notebooks / "02_etablering.ipynb")
    out = folder / "outputs"
    assert cli.main(["build", "--edition", "2023", "--region", "riket", "--data-dir",
                     str(snapshot_dir), "--output-dir", str(out), "--notebook-dir",
                     str(notebooks), "--offline"]) == 0
    return out / "2023" / "riket"


def test_riket_links_290_profiles_that_exist(riket: Path, snapshot_dir: Path) -> None:
    codes = {r["municipality_id"] for r in _reference_rows(snapshot_dir)}
    index = riket.joinpath("index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="municipalities/(\d{4})\.html"', index))
    assert linked == codes
    assert {p.stem for p in (riket / "municipalities").glob("*.html")} == codes
    assert "290 kommuner" in index
    # an alphabetical list (Swedish order: Å, Ä, Ö last)
    names = re.findall(r'href="municipalities/\d{4}\.html">([^<]+)</a>', index)
    assert len(names) == 290
    assert names[0] == "Ale" and names[-1] == "Övertorneå"
    # the country is the region: no "Regionen" column repeating the country's value
    kiruna = (riket / "municipalities" / "2584.html").read_text(encoding="utf-8")
    assert "jämfört med riket." in kiruna and "<th" in kiruna
    assert ">Regionen<" not in kiruna and ">Riket<" in kiruna
    assert names.index("Ystad") < names.index("Åmål") < names.index("Älmhult") \
        < names.index("Öckerö")


def test_riket_chapters_and_map(riket: Path) -> None:
    assert sorted(p.name for p in (riket / "chapters").glob("*.html")) == [
        "01_bakgrund.html", "02_etablering.html", "07_utfall.html"]
    assert (riket / "figures" / "map_received_per_1000_2022.png").is_file()
    page = (riket / "chapters" / "02_etablering.html").read_text(encoding="utf-8")
    start = page.index('class="kfsk-svgmap"')
    svg = page[start:page.index("</svg>", start)]
    # every municipality a shape linking its profile, county borders over them, no names
    assert len(set(re.findall(r'municipalities/(\d{4})\.html', svg))) == 290
    assert 'class="map-counties"' in svg
    assert "<text" not in svg and 'class="map-labels"' not in svg


# --- the session's reports: no region shows another's narrative ------------------------


@pytest.mark.parametrize("rid", ["blekinge", "goteborgsregionen"])
def test_other_regions_have_their_own_chapters(batch: Path, rid: str) -> None:
    for edition in (2018, 2023):
        report = batch / str(edition) / rid
        chapters = sorted(p.name for p in (report / "chapters").glob("*.html"))
        assert chapters == ["01_bakgrund.html", "02_etablering.html",
                            "03_regionalt_arbete.html", "07_utfall.html"]
        index = (report / "index.html").read_text(encoding="utf-8")
        assert "04_enkat" not in index and "05_goda_exempel" not in index
        for page in report.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            found = [w for w in SKANE_ONLY if w in text]
            assert not found, f"{page.relative_to(batch)}: {found}"
