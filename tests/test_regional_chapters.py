"""Chapters written for a region: ``03_regionalt_arbete_<region>`` and ``01_bakgrund_region``.

- The regional chapter 3s are summaries in our own words: no run of eight consecutive
  words (after normalising case, punctuation and whitespace) is shared with the source
  document in ``../shared/seeds/``. The notebook's own text (Markdown cells and the strings
  it passes to the library) is compared with one exclusion: a name in Swedish quotation
  marks (”…”) or a title in italics (``*…*``), each at most twelve words. The Blekinge
  chapter quotes the document's own names of its four priority areas (one has ten words),
  and the background names the 2018 report by its full title (eleven words). The executed page
  (library sentences included) also allows a run made only of municipality names, since
  it lists the 13 municipalities the GR document lists, in the same (alphabetical) order.
- Each page states its source, kind and year; the facts are checked against the seed.
- A regional notebook run for another region stops in its first library call, before any
  data is loaded, with one line naming the notebook and the right region.
- ``01_bakgrund_region`` is run for Blekinge, Göteborgsregionen, the whole country and a
  user region; its region sentences are checked against counts read by hand from
  ``data/reference/municipalities.csv`` (Blekinge = county 10: five rows; riket: 290 rows
  in 21 counties; Göteborgsregionen: the 13 codes in config.toml, Kungsbacka 1384 in
  Hallands län, the others in Västra Götalands län).
"""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import nbformat
import pytest

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOKS = PROJECT / "notebooks"
SEEDS = PROJECT.parent / "shared" / "seeds"
GR = "03_regionalt_arbete_goteborgsregionen"
BLEKINGE = "03_regionalt_arbete_blekinge"
BACKGROUND = "01_bakgrund_region"
SEED_OF = {GR: "gr-kommungemensam-plattform-nyanlanda.txt",
           BLEKINGE: "blekinge-integrationsradet-handlingsplan-2019.txt",
           # the background retells the 2018 report: compared with its news item and text
           BACKGROUND: "kfsk-news-tillgang-eller-belastning.txt"}
REGION_OF = {GR: "goteborgsregionen", BLEKINGE: "blekinge"}
SHINGLE = 8
# a name in Swedish quotation marks, or a title in Markdown italics (not **bold**)
QUOTED = re.compile(r"”([^”]*)”|(?<!\*)\*(?!\*)([^*\n]+)(?<!\*)\*(?!\*)")
QUOTE_WORDS = 12
# Skåne's own narrative (chapters 3–6 of the 2018 report): never on these pages
SKANE_ONLY = ("Strategiskt forum", "BOSS", "Trelleborg", "Yrkes-SFI", "KoSS",
              "Kompetenssamverkan Skåne", "Partnerskap Skåne", "Plug In", "Griffin", "VALLE",
              "Integrationsbloggen", "Arbetsmarknadsrådet", "Region Skåne",
              "Länsstyrelsen Skåne", "Skurup", "Bred Kompetens")
USER_REGION = """
[regions.testregion]
name = "Testregion <b>"
municipalities = ["1280", "1281", "0180"]
"""


# -- text helpers ------------------------------------------------------------------------------
def words(text: str) -> list[str]:
    """Lower-case words; punctuation, hyphens, Markdown and whitespace are separators."""
    return re.sub(r"[\W_]+", " ", text.lower()).split()


def unquoted(text: str) -> str:
    """``text`` without names in Swedish quotation marks (each at most twelve words)."""
    for m in QUOTED.finditer(text):
        assert len(words(m.group(0))) <= QUOTE_WORDS, f"longer than a name: {m.group(0)}"
    return QUOTED.sub(" ", text)


def shingles(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def notebook_text(name: str) -> str:
    """Markdown cells and every string constant in the code cells (placeholders blanked)."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif "parameters" not in cell.metadata.get("tags", []):
            parts += [n.value for n in ast.walk(ast.parse(cell.source))
                      if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return re.sub(r"\{\w+:\w+\}", " ", "\n\n".join(parts))


def page_text(nb) -> str:
    """What an executed notebook shows: Markdown cells and rich outputs, tags stripped."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append(data.get("text/markdown") or data.get("text/html") or "")
    text = re.sub(r"</?em>", "*", "\n\n".join(parts))  # titles in italics, as in Markdown
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def seed(name: str) -> str:
    path = SEEDS / SEED_OF[name]
    if not path.is_file():
        pytest.skip(f"seed document {path} is not on this machine")
    return path.read_text(encoding="utf-8")


def municipality_words() -> set[str]:
    import csv

    with (PROJECT / "data" / "reference" / "municipalities.csv").open(encoding="utf-8") as f:
        return {w for row in csv.DictReader(f) for w in words(row["municipality_name"])}


# -- the committed notebooks -----------------------------------------------------------------
@pytest.mark.parametrize("name", [GR, BLEKINGE, BACKGROUND])
def test_notebook_is_thin_and_committed_without_outputs(name: str) -> None:
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    ref = json.loads((NOTEBOOKS / "03_regionalt_arbete.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert "".join(nb["cells"][0]["source"]).startswith("# Kapitel ")
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    ref_params = next(c for c in ref["cells"] if "parameters" in c["metadata"].get("tags", []))
    # the same lines as every chapter's parameters cell; only the default region differs
    region = REGION_OF.get(name, "blekinge")
    assert "".join(params[0]["source"]) == "".join(ref_params["source"]).replace(
        'region = "skane"', f'region = "{region}"')
    imports = [line for c in code for line in "".join(c["source"]).splitlines()
               if line.startswith(("import ", "from "))]
    assert imports == ["import kfsk_research as kr"]
    assert f'kr.chapter("{name}", edition=edition, region=region' in "".join(code[1]["source"])


@pytest.mark.parametrize("name", [GR, BLEKINGE, BACKGROUND])
def test_notebook_text_shares_no_eight_word_run_with_its_seed(name: str) -> None:
    common = shingles(unquoted(notebook_text(name))) & shingles(seed(name))
    assert not common, [" ".join(s) for s in sorted(common)]


def test_background_shares_no_eight_word_run_with_the_2018_report() -> None:
    path = SEEDS / "kfsk-report-tillgang-eller-belastning-2018.ocr.txt"
    if not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    common = (shingles(unquoted(notebook_text(BACKGROUND)))
              & shingles(path.read_text(encoding="utf-8")))
    assert not common, [" ".join(s) for s in sorted(common)]


@pytest.mark.parametrize("name", [GR, BLEKINGE, BACKGROUND])
def test_no_skane_narrative_in_the_notebook(name: str) -> None:
    text = notebook_text(name)
    assert not [w for w in SKANE_ONLY if w in text]


def test_the_seed_facts_are_the_ones_the_library_states() -> None:
    """Dates, budget and members of the GR document, and the Blekinge document's title and
    meeting, read from the seeds (not from the library)."""
    from kfsk_research.regional_chapter import DOCUMENTS

    gr, bl = seed(GR), seed(BLEKINGE)
    assert "Projektfas" in gr and "Förprojektering" in gr
    assert "Projektperiod2009-09-01 till 2010-03-31" in gr
    assert "Beviljat ESF-stöd425\u00a0759 kr" in gr  # no-break spaces in the seed
    assert "Total projektbudget709\u00a0599 kr" in gr
    assert "ProjektägareGöteborgsregionens kommunalförbund, GR" in gr
    listed = re.findall(r"^ • (.+)$", gr, flags=re.M)
    assert len(listed) == 13
    d = DOCUMENTS[GR]
    assert d.years == (2009, 2010)
    assert d.numbers == {"esf_support_sek": 425759, "total_budget_sek": 709599}
    assert [n.replace("-", " ") for n in listed] == list(d.municipalities)
    assert "Underlag för handlingsplan för regionala utvecklingsområden" in bl
    assert "Integrationsrådets möte den 12 september 2019" in bl
    assert "RÖK 2019 – 2021" in bl
    b = DOCUMENTS[BLEKINGE]
    assert b.years == (2019,)
    assert b.title == "Underlag för handlingsplan för regionala utvecklingsområden"


# -- the wrong region stops at once ----------------------------------------------------------
@pytest.mark.parametrize(("name", "region", "right"), [
    (GR, "skane", "goteborgsregionen"), (GR, "Blekinge", "goteborgsregionen"),
    (BLEKINGE, "goteborgsregionen", "blekinge"), (BACKGROUND, "skane", "01_bakgrund.ipynb")])
def test_wrong_region_stops_before_loading_data(monkeypatch: pytest.MonkeyPatch, name: str,
                                                region: str, right: str) -> None:
    import kfsk_research as kr
    from kfsk_research import context
    from kfsk_research.errors import ConfigError

    def no_data(*args, **kwargs):
        raise AssertionError("data loaded before the region was checked")

    monkeypatch.setattr(context, "_load_dataset", no_data)
    with pytest.raises(ConfigError) as err:
        kr.chapter(name, edition=2018, region=region)
    message = str(err.value)
    assert "\n" not in message
    assert f"notebooks/{name}.ipynb" in message
    assert right in message


def test_wrong_region_in_papermill_fails_in_the_first_library_cell(tmp_path: Path) -> None:
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(NOTEBOOKS / f"{GR}.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"region": "skane", "output_dir": str(tmp_path)},
                            kernel_name="python3", progress_bar=False, execution_timeout=60,
                            start_timeout=60)
    assert err.value.ename == "ConfigError"
    assert "goteborgsregionen" in err.value.evalue and GR in err.value.evalue
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    failed = [c for c in code
              if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert len(failed) == 1 and "kr.chapter(" in failed[0].source
    # the first cell after the parameters: nothing ran before it, nothing after it
    params = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])
              or "injected-parameters" in c.metadata.get("tags", [])]
    assert code.index(failed[0]) == max(params) + 1
    assert all(c.get("execution_count") is None for c in code[code.index(failed[0]) + 1:])


# -- executed pages --------------------------------------------------------------------------
RUNS = {"gr": (GR, "goteborgsregionen"), "blekinge": (BLEKINGE, "blekinge"),
        "bg_blekinge": (BACKGROUND, "blekinge"), "bg_gr": (BACKGROUND, "goteborgsregionen"),
        "bg_riket": (BACKGROUND, "riket"), "bg_user": (BACKGROUND, "testregion")}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each run's executed page text (papermill, short time-outs); ``testregion`` from a
    config file with one more region."""
    import os

    import papermill as pm

    from kfsk_research.editions import config_path

    folder = tmp_path_factory.mktemp("regional")
    config = folder / "config.toml"
    config.write_text(config_path().read_text(encoding="utf-8") + USER_REGION,
                      encoding="utf-8")
    out = {}
    for key, (name, region) in RUNS.items():
        env = {"KFSK_CONFIG": str(config)} if region == "testregion" else {}
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            target = folder / f"{key}.ipynb"
            pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(target),
                                parameters={"region": region, "output_dir": str(folder)},
                                kernel_name="python3", progress_bar=False,
                                execution_timeout=120, start_timeout=60)
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        out[key] = page_text(nbformat.read(target, as_version=4))
    return out


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.slow
@pytest.mark.parametrize("key", ["gr", "blekinge"])
def test_page_shares_no_eight_word_run_except_name_lists(pages: dict[str, str],
                                                         key: str) -> None:
    name = RUNS[key][0]
    names = municipality_words() | {"och"}
    common = {s for s in shingles(unquoted(pages[key])) & shingles(seed(name))
              if not set(s) <= names}
    assert not common, [" ".join(s) for s in sorted(common)]


@pytest.mark.slow
@pytest.mark.parametrize("key", list(RUNS))
def test_page_has_no_skane_narrative(pages: dict[str, str], key: str) -> None:
    if key not in pages:
        pytest.skip("region not in the configuration")
    assert not [w for w in SKANE_ONLY if w in pages[key]]


@pytest.mark.slow
def test_gr_page_states_its_source_kind_and_year(pages: dict[str, str]) -> None:
    text = _flat(pages["gr"])
    header = text.split("*Not:*")[0]
    assert "bygger på Göteborgsregionens förstudie Kommungemensam plattform för nyanlända " \
           "(ESF, 2009–2010)" in header.replace("*", "")
    assert "motsvarar kapitel" not in text
    text = text.replace("*", "")  # italics and bold
    assert "Källa: Göteborgsregionens kommunalförbund (GR), 2009–2010." in text
    assert "projektbeskrivningen för Kommungemensam plattform för nyanlända, en förstudie " \
           "(förprojektering) med stöd från Europeiska socialfonden som GR drev från den " \
           "1 september 2009 till den 31 mars 2010" in text
    # 2010 is five years before 2015, the first data year of edition 2018
    assert "fem år före de år (2015–2017)" in text
    # 425 759 / 709 599 = 0.59999… → 60 %
    assert "Hela budgeten var 709 599 kronor; av dem kom 425 759 kronor, eller 60 %" in text
    assert "Det är samma kommuner som Göteborgsregionen omfattar" in text
    assert "Dokumentet räknar upp 13 kommuner" in text


@pytest.mark.slow
def test_blekinge_page_states_its_source_kind_and_year(pages: dict[str, str]) -> None:
    text = _flat(pages["blekinge"]).replace("*", "")
    assert "bygger på Underlag för handlingsplan för regionala utvecklingsområden till " \
           "Integrationsrådet i Blekinge (2019)" in text
    assert "motsvarar kapitel" not in text
    assert "Källa: Integrationsrådet i Blekinge, 2019." in text
    assert "skrivet inför rådets möte den 12 september 2019" in text
    assert "efter de år (2015–2017)" in text
    # Blekinge = county 10: five municipalities in reference/municipalities.csv
    assert "alla fem kommuner i länet" in text


@pytest.mark.slow
@pytest.mark.parametrize("key", ["gr", "blekinge"])
def test_regional_sources_credit_the_document_not_the_report(pages: dict[str, str],
                                                             key: str) -> None:
    sources = _flat(pages[key].split("### Källor", 1)[1]).replace("*", "")
    title = {"gr": "Kommungemensam plattform för nyanlända",
             "blekinge": "Underlag för handlingsplan för regionala utvecklingsområden"}[key]
    org = {"gr": "Göteborgsregionens kommunalförbund (GR)",
           "blekinge": "Integrationsrådet i Blekinge"}[key]
    year = {"gr": "(2009–2010)", "blekinge": "(2019)"}[key]
    assert f"{org}, {title}," in sources and year in sources
    assert "Tillgång eller belastning" not in sources


@pytest.mark.slow
def test_background_for_blekinge(pages: dict[str, str]) -> None:
    text = _flat(pages["bg_blekinge"])
    assert "motsvarar kapitel" not in text
    assert "besvarar dem för Blekinges fem kommuner" in text
    assert "Kommunerna ligger i" not in text  # a county region: no county sentence
    assert "Rapporten för Blekinge har fyra kapitel" in text
    assert "kapitel 4–6 saknas här" in text
    assert "Integrationsrådet i Blekinge, Underlag för handlingsplan" in text.replace("*", "")
    # chapter 3 is Blekinge's own: only chapters 4–6 of the Skåne report are left out
    assert "Kommunförbundet Skånes eget arbete" not in text
    assert "enkäten till tjänstepersoner i Skånes kommuner" in text
    assert "något motsvarande underlag för Blekinge finns inte i projektet" in text
    assert "kfsk build --edition 2018 --region skane" in text
    assert "Tillgång eller belastning? En rapport om etablering och integration i Skånes " \
           "kommuner" in text
    assert "etableringsuppdraget" in text  # 2015–2017: before the 2018 reform


@pytest.mark.slow
def test_background_for_goteborgsregionen(pages: dict[str, str]) -> None:
    text = _flat(pages["bg_gr"])
    assert "besvarar dem för Göteborgsregionens 13 kommuner" in text
    assert "Kommunerna ligger i två län: Hallands län och Västra Götalands län." in text
    assert "Rapporten för Göteborgsregionen har fyra kapitel" in text
    assert "Kommungemensam plattform för nyanlända (2009–2010)" in text.replace("*", "")


@pytest.mark.slow
def test_background_for_the_whole_country(pages: dict[str, str]) -> None:
    text = _flat(pages["bg_riket"])
    name = "Sverige"  # config.toml [regions.riket] name
    assert f"besvarar dem för {name}s 290 kommuner" in text
    assert "Kommunerna ligger i alla landets 21 län." in text
    assert f"Rapporten för {name} har tre kapitel" in text
    assert "kapitel 3–6 saknas här" in text
    assert "Kommunförbundet Skånes eget arbete och den regionala samverkan i Skåne" in text


@pytest.mark.slow
def test_background_for_a_user_region_escapes_its_name(pages: dict[str, str]) -> None:
    text = _flat(pages["bg_user"])
    # Malmö 1280 and Lund 1281 in Skåne län, Stockholm 0180 in Stockholms län
    assert "besvarar dem för Testregion <b>s tre kommuner" in text
    assert "Kommunerna ligger i två län: Skåne län och Stockholms län." in text
    assert "Rapporten för Testregion <b> har tre kapitel" in text
