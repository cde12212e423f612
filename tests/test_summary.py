"""summary.html: findings true for every edition and region, numbers checked by hand."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from kfsk_research.dataset import load_dataset
from kfsk_research.editions import load_config
from kfsk_research.formatting import ordinal_sv
from kfsk_research.summary import findings, heading_anchors, programme_term, section_link

CASES = [(2018, "skane"), (2021, "blekinge"), (2023, "goteborgsregionen"), (2023, "skane"),
         (2019, "blekinge")]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _kolada(root: Path, kpi: str, gender: str = "T") -> dict[tuple[str, int], float]:
    return {(r["municipality_id"], int(r["period"])): float(r["value"])
            for r in _rows(root / "kolada" / f"{kpi}.csv") if r["gender"] == gender}


@pytest.fixture(scope="module")
def ds(snapshot_dir: Path):
    config = load_config()
    required = sorted(config.required)
    optional = sorted(set(config.optional) - set(required))
    return load_dataset(required, optional, snapshot_dir)


def _texts(ds, edition: int, region: str) -> dict[str, list[str]]:
    config = load_config()
    reg = config.region(region)
    report = SimpleNamespace(edition=config.edition(edition), region=reg,
                             members=ds.registry.members(reg))
    out: dict[str, list[str]] = {}
    for f in findings(ds, report):
        out.setdefault(f.topic, []).append(f.text)
    return out


@pytest.mark.parametrize(("edition", "region"), CASES)
def test_five_to_eight_findings_in_swedish_style(ds, edition: int, region: str) -> None:
    texts = [t for ts in _texts(ds, edition, region).values() for t in ts]
    assert 5 <= len(texts) <= 8
    for text in texts:
        assert text.endswith(".") and "nan" not in text and "None" not in text
        # one to twelve in words before a counted noun; singular with one
        assert not re.search(r"(?<![\d,\u00a0])\b([0-9]|1[0-2]) (kommun|kommuner|län|personer)\b",
                             text), text
        assert not re.search(r"\ben kommuner\b|\b(två|tre|fyra|fem) kommun\b", text), text
        assert not re.search(r"\d\.\d", text), text  # decimal comma
        assert not re.search(r"\d \d{3}\b", text), text  # thousands with a no-break space


def test_reception_skane_2018_by_hand(ds, snapshot_dir: Path) -> None:
    received, population = _kolada(snapshot_dir, "N01986"), _kolada(snapshot_dir, "N01951")
    skane = [r["municipality_id"] for r in _rows(snapshot_dir / "reference" /
                                                 "municipalities.csv") if r["county_id"] == "12"]
    total = sum(received[m, 2017] for m in skane)
    sweden = received["0000", 2017] / population["0000", 2016] * 1000
    text = _texts(ds, 2018, "skane")["reception"][0]
    assert total == 10512 and "10\u00a0512 personer" in text
    assert f"mot {sweden:.1f}".replace(".", ",") + " i riket" in text


def test_county_rank_only_among_counties_with_a_value(ds, snapshot_dir: Path) -> None:
    received, population = _kolada(snapshot_dir, "N01986"), _kolada(snapshot_dir, "N01951")
    members: dict[str, list[str]] = {}
    names = {}
    for r in _rows(snapshot_dir / "reference" / "municipalities.csv"):
        members.setdefault(r["county_id"], []).append(r["municipality_id"])
        names[r["county_id"]] = r["county_name"]
    means, left_out = {}, []
    for county, ids in members.items():
        try:
            rates = [(received[m, 2021] + received[m, 2022]) / population[m, 2021] * 1000
                     for m in ids]
        except KeyError:
            left_out.append(names[county])
            continue
        means[county] = sum(rates) / len(rates)
    rank = sorted(means, key=means.get, reverse=True).index("12") + 1
    text = _texts(ds, 2023, "skane")["county"][0]
    place = ("högst" if rank == 1 else "lägst" if rank == len(means)
             else ordinal_sv(rank))
    assert f"var Skåne län {place} av {len(means)} län med uppgift 2022" in text
    assert len(means) == 17 and all(n in text for n in left_out)


def test_region_that_is_not_a_county_is_compared_with_sweden(ds) -> None:
    text = _texts(ds, 2023, "goteborgsregionen")["county"][0]
    assert "rikets" in text and ("högre än" in text or "lägre än" in text)


def test_gender_majority_by_hand(ds, snapshot_dir: Path) -> None:
    women, men = _kolada(snapshot_dir, "N00960", "K"), _kolada(snapshot_dir, "N00960", "M")
    blekinge = [r["municipality_id"] for r in _rows(snapshot_dir / "reference" /
                                                    "municipalities.csv")
                if r["county_id"] == "10"]
    k = sum(women[m, 2020] for m in blekinge)
    m_ = sum(men[m, 2020] for m in blekinge)
    assert k > m_
    first = _texts(ds, 2021, "blekinge")["gender"][0]
    assert "etableringsprogrammet 2020 var kvinnorna fler än männen" in first
    assert f"{int(k)} kvinnor och {int(m_)} män" in first


def test_gender_years_all_years_said_once(ds) -> None:
    """When one gender outnumbers the other every year, the sentence says "alla tre åren",
    not the list of years."""
    texts = [t for e, r in ((2018, "skane"), (2021, "blekinge"), (2023, "goteborgsregionen"))
             for t in _texts(ds, e, r)["gender"]]
    for text in texts:
        m = re.search(r"var (männen|kvinnorna) fler (\d{4}), (\d{4}) och (\d{4})", text)
        assert m is None, text
    assert any("alla tre åren" in t for t in texts), texts


def test_programme_term_follows_the_year(ds) -> None:
    assert programme_term(2017) == "etableringsuppdraget"
    assert programme_term(2018) == "etableringsprogrammet"
    assert "etableringsuppdraget 2017" in _texts(ds, 2018, "skane")["gender"][0]


def test_section_link_uses_existing_heading_ids() -> None:
    page = ('<h2 id="2.3-Mottagna-per-1-000-inv%C3%A5nare">2.3 Mottagna per 1\u00a0000 '
            'invånare<a class="anchor-link" href="#x">¶</a></h2><h3 id="Per-kommun">Per '
            "kommun</h3>")
    anchors = heading_anchors(page)
    href, text = section_link("reception", anchors)
    assert href.endswith("#2.3-Mottagna-per-1-000-inv%C3%A5nare")
    assert text == "2.3 Mottagna per 1\u00a0000 invånare"
    assert section_link("extremes", anchors)[0].endswith("#Per-kommun")
    assert section_link("assignment", anchors) == ("chapters/02_etablering.html", "kapitel 2")


def test_built_summary_links_resolve(report_2018: Path) -> None:
    index = (report_2018 / "index.html").read_text(encoding="utf-8")
    main = index[index.index("<main>"):]
    assert re.search(r'href="([^"]+)"', main).group(1) == "summary.html"
    summary = (report_2018 / "summary.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="(chapters/[^"#]+)#([^"]+)"', summary)
    assert len(hrefs) >= 5
    for path, anchor in hrefs:
        target = (report_2018 / path).read_text(encoding="utf-8")
        assert f'id="{anchor}"' in target, (path, anchor)
