"""``summary.html`` ("Sammanfattning"): key findings of one report, computed from its tables.

Each finding is one Swedish sentence with its number and a link to the chapter section it
comes from. Sentences hold for every edition and region: rankings cover only units with a
value and name those left out, and a value that cannot be computed says why.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kfsk_research import tables
from kfsk_research.formatting import (
    count_sv,
    join_sv,
    number_sv,
    number_word,
    ordinal_sv,
    percent_sv,
)
from kfsk_research.pages import page

CHAPTER = "02_etablering"
# Heading texts to look for, in order, per topic (the first heading that contains one).
SECTIONS = {
    "reception": ("mottagna per 1", "per kommun"),
    "extremes": ("per kommun", "mottagna per 1"),
    "county": ("per län", "länen", "24 mån", "mottagna per 1"),
    "gender": ("kön", "etableringen"),
    "exits": ("arbete", "kön", "etableringen"),
    "assignment": ("anvisning", "bosättningslagen", "kommuntal"),
}
_HEADING = re.compile(r'<h([1-6])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Finding:
    """One sentence (plain text) and the chapter section it comes from."""

    text: str
    topic: str


def programme_term(year: int) -> str:
    """``etableringsuppdraget`` up to 2017, ``etableringsprogrammet`` from 2018."""
    return "etableringsuppdraget" if year <= 2017 else "etableringsprogrammet"


def _persons(n: float) -> str:
    return count_sv(round(n), "person", "personer")


def _names(frame: pd.DataFrame, mask: pd.Series, column: str = "municipality_name") -> str:
    return join_sv(sorted(frame.loc[mask, column].astype(str)))


def _left_out(names: str, n: int, noun: tuple[str, str], neuter: bool = False) -> str:
    """``; Båstad saknar uppgift`` or ``; två kommuner saknar uppgift (A och B)``."""
    if n == 0:
        return ""
    if n == 1:
        return f"; {names} saknar uppgift"
    return f"; {count_sv(n, *noun, neuter=neuter)} saknar uppgift ({names})"


def _member_names(ds, ids: list[str]) -> list[str]:
    m = ds.registry.municipalities.set_index("municipality_id")["municipality_name"]
    return [str(m.get(i, i)) for i in ids]


def _sweden_rate(ds, year: int) -> float:
    received = ds.kpi("N01986")
    population = ds.kpi("N01951")
    r = received[(received["year"] == year) & (received["municipality_id"] == "0000")]["value"]
    p = population[(population["year"] == year - 1)
                   & (population["municipality_id"] == "0000")]["value"]
    return float(r.iloc[0] / p.iloc[0] * 1000) if len(r) and len(p) else math.nan


def reception_finding(ds, report, rec: pd.DataFrame, year: int) -> Finding:
    """Received in the region in the last year, per 1,000 inhabitants, against Sweden."""
    last = rec[rec["year"] == year]
    ok = last["received"].notna() & last["population_prev_year"].notna()
    have = last[ok]
    name = report.region.name
    if have.empty:
        return Finding(f"Mottagna {year} i {name} kan inte beräknas: ingen kommun har "
                       "uppgift.", "reception")
    rate = have["received"].sum() / have["population_prev_year"].sum() * 1000
    sweden = _sweden_rate(ds, year)
    scope = ("" if ok.all() else f" (i {count_sv(len(have), 'kommun', 'kommuner')} med "
             f"uppgift{_left_out(_names(last, ~ok), int((~ok).sum()), ('kommun', 'kommuner'))})")
    compare = ("" if math.isnan(sweden) else
               f", mot {number_sv(sweden, 1)} i riket")
    return Finding(f"År {year} tog kommunerna i {name} emot {_persons(have['received'].sum())}"
                   f" i flyktingmottagandet{scope}, {number_sv(rate, 1)} per 1\u00a0000 "
                   f"invånare{compare}.", "reception")


def extremes_finding(rec: pd.DataFrame, year: int) -> Finding:
    """The members with the most and the fewest received per 1,000 in the last year."""
    last = rec[rec["year"] == year]
    ok = last["received_per_1000"].notna()
    have = last[ok].sort_values(["received_per_1000", "municipality_name"],
                                ascending=[False, True])
    gaps = _left_out(_names(last, ~ok), int((~ok).sum()), ("kommun", "kommuner"))
    if have.empty:
        return Finding(f"Mottagna per 1\u00a0000 invånare {year} kan inte rangordnas: ingen "
                       "kommun har uppgift.", "extremes")
    top, low = have.iloc[0], have.iloc[-1]
    n = count_sv(len(have), "kommun", "kommuner")
    if len(have) == 1:
        return Finding(f"Bara {top['municipality_name']} har uppgift om mottagna per "
                       f"1\u00a0000 invånare {year}: {number_sv(top['received_per_1000'], 1)}"
                       f"{gaps}.", "extremes")
    return Finding(f"Flest mottagna per 1\u00a0000 invånare {year} av {n} med uppgift hade "
                   f"{top['municipality_name']} ({number_sv(top['received_per_1000'], 1)}) och "
                   f"minst {low['municipality_name']} ({number_sv(low['received_per_1000'], 1)})"
                   f"{gaps}.", "extremes")


def _one_county(ds, members: list[str]) -> str | None:
    """The county id when the region is exactly one county's municipalities."""
    m = ds.registry.municipalities
    counties = set(m.loc[m["municipality_id"].isin(members), "county_id"])
    if len(counties) != 1:
        return None
    county = counties.pop()
    whole = set(m.loc[m["county_id"] == county, "municipality_id"])
    return county if whole == set(members) else None


def county_finding(ds, report, year: int) -> Finding:
    """One county: its rank among counties with a value; otherwise its value against
    Sweden's (received in the last 24 months per 1,000, mean of municipal rates)."""
    county = _one_county(ds, report.members)
    if county is None:
        return _region_vs_sweden(ds, report, year)
    frame = tables.reception_county(ds, [year])
    ok = frame["received_24m_per_1000"].notna()
    have = frame[ok].sort_values("received_24m_per_1000", ascending=False, ignore_index=True)
    name = frame.loc[frame["county_id"] == county, "county_name"].iloc[0]
    gaps = _left_out(_names(frame, ~ok, "county_name"), int((~ok).sum()), ("län", "län"),
                     neuter=True)
    if county not in set(have["county_id"]):
        return Finding(f"{name} kan inte rangordnas bland länen {year} efter mottagna "
                       "senaste 24 månaderna per 1\u00a0000 invånare: minst en kommun saknar "
                       f"uppgift.", "county")
    rank = int(have.index[have["county_id"] == county][0]) + 1
    rate = have.loc[rank - 1, "received_24m_per_1000"]
    n = count_sv(len(have), "län", "län", neuter=True)
    place = ("högst" if rank == 1 else "lägst" if rank == len(have) and rank > 1
             else ordinal_sv(rank))
    return Finding(f"Med {number_sv(rate, 1)} mottagna senaste 24 månaderna per 1\u00a0000 "
                   f"invånare (kommunsnitt) var {name} {place} av {n} med uppgift "
                   f"{year}{gaps}.", "county")


def _region_vs_sweden(ds, report, year: int) -> Finding:
    frame = tables.reception_24m_region(ds, report.members, [year], report.region.name)
    region = frame[frame["area_id"] != "0000"].iloc[0]
    sweden = frame[frame["area_id"] == "0000"].iloc[0]
    value, ref = region["received_24m_per_1000_reported"], sweden[
        "received_24m_per_1000_reported"]
    name = report.region.name
    if pd.isna(value) or pd.isna(ref):
        return Finding(f"Mottagna senaste 24 månaderna per 1\u00a0000 invånare {year} kan "
                       f"inte jämföras mellan {name} och riket: uppgift saknas.", "county")
    missing = int(region["municipalities_missing"])
    scope = ("" if missing == 0 else
             f" ({count_sv(missing, 'kommun', 'kommuner')} utan uppgift ej medräknade)")
    shown, shown_ref = round(float(value), 1), round(float(ref), 1)  # compare what is printed
    relation = ("högre än" if shown > shown_ref else "lägre än" if shown < shown_ref
                else "lika med")
    return Finding(f"{name} tog emot {number_sv(value, 1)} personer senaste 24 månaderna per "
                   f"1\u00a0000 invånare {year} (kommunsnitt){scope}, {relation} rikets "
                   f"{number_sv(ref, 1)}.", "county")


def gender_finding(ds, report, year: int) -> Finding:
    """Who outnumbers whom among those enrolled in the programme in the last year."""
    row = tables.gender_balance(ds, report.members, [year]).iloc[0]
    term = programme_term(year)
    missing = int(row["municipalities_missing"])
    women, men = row["participants_women_reported"], row["participants_men_reported"]
    if not row["majority_gender"]:
        return Finding(f"Om kvinnorna eller männen var fler bland de inskrivna i {term} "
                       f"{year} går inte att avgöra: {count_sv(missing, 'kommun', 'kommuner')}"
                       " redovisar inte båda könen.", "gender")
    scope = ("" if missing == 0 else
             f" i de kommuner som redovisar båda könen; "
             f"{count_sv(missing, 'kommun', 'kommuner')} utan uppgift för båda könen kan "
             "inte ändra utfallet")
    who = {"K": "kvinnorna fler än männen", "M": "männen fler än kvinnorna",
           "lika": "kvinnorna och männen lika många"}[row["majority_gender"]]
    return Finding(f"Bland de inskrivna i {term} {year} var {who}: "
                   f"{number_sv(women, 0)} kvinnor och {number_sv(men, 0)} män{scope}.",
                   "gender")


def gender_years_finding(ds, report, years: list[int]) -> Finding:
    """The years in which women, and the years in which men, were the majority."""
    frame = tables.gender_balance(ds, report.members, years)
    by = {g: [str(y) for y, m in zip(frame["year"], frame["majority_gender"], strict=True)
              if m == g] for g in ("K", "M", "lika", "")}
    parts = []

    def when(group: list[str]) -> str:
        if len(group) == len(years) > 1:
            return "båda åren" if len(years) == 2 else f"alla {number_word(len(years))} åren"
        return join_sv(group)

    if by["M"]:
        parts.append(f"männen fler {when(by['M'])}")
    if by["K"]:
        parts.append(f"kvinnorna fler {when(by['K'])}")
    if by["lika"]:
        parts.append(f"lika många {when(by['lika'])}")
    undecided = (f"; för {join_sv(by[''])} går det inte att avgöra (kommuner redovisar inte "
                 "båda könen)" if by[""] else "")
    span = f"{years[0]}–{years[-1]}"
    if not parts:
        return Finding(f"För inget år {span} går det att avgöra om kvinnorna eller männen var "
                       "fler i etableringen: kommuner redovisar inte båda könen.", "gender")
    return Finding(f"Bland de inskrivna i etableringen {span} var {join_sv(parts)}"
                   f"{undecided}.", "gender")


def exits_finding(ds, report, year: int) -> Finding:
    """Share of leavers in work or studies 90 days after leaving, last year."""
    frame = tables.establishment_gender(ds, report.members, [year])
    t = frame[frame["gender"] == "T"].iloc[0]
    term = programme_term(year)
    share = t["exits_work_or_studies_share"]
    if pd.isna(share):
        gaps = tables.establishment_gaps(ds, report.members, [year], ("N00964", "N00973"))
        ids = sorted(set(gaps.loc[gaps["gender"] == "T", "municipality_id"]))
        names = join_sv(sorted(_member_names(ds, ids)))
        why = ("uppgift saknas" if not ids else f"{names} saknar uppgift" if len(ids) == 1
               else f"{count_sv(len(ids), 'kommun', 'kommuner')} saknar uppgift ({names})")
        return Finding(f"Andelen av dem som lämnade {term} {year} som var i arbete eller "
                       f"studier efter 90 dagar kan inte beräknas: {why}.", "exits")
    return Finding(f"Av de {number_sv(t['exits'], 0)} som lämnade {term} {year} var "
                   f"{percent_sv(share, 0)} i arbete eller studier 90 dagar senare.", "exits")


def assignment_finding(rec: pd.DataFrame, year: int) -> Finding:
    """Share of those received who came after assignment under the Settlement Act."""
    last = rec[rec["year"] == year]
    ok = last["received"].notna() & last["received_after_assignment"].notna()
    have = last[ok]
    if have.empty or have["received"].sum() == 0:
        return Finding(f"Andelen mottagna efter anvisning {year} kan inte beräknas: ingen "
                       "kommun har både mottagna och mottagna efter anvisning.", "assignment")
    after, total = have["received_after_assignment"].sum(), have["received"].sum()
    gaps = _left_out(_names(last, ~ok), int((~ok).sum()), ("kommun", "kommuner"))
    scope = "" if ok.all() else f" i {count_sv(len(have), 'kommun', 'kommuner')} med uppgift"
    return Finding(f"Av de mottagna {year}{scope} kom {percent_sv(after / total, 0)} efter "
                   f"anvisning enligt bosättningslagen ({number_sv(after, 0)} av "
                   f"{number_sv(total, 0)}){gaps}.", "assignment")


def findings(ds, report) -> list[Finding]:
    """Five to eight findings for the report's edition and region."""
    e = report.edition
    year, years = e.last_year, list(e.data_years)
    rec = tables.reception_municipality(ds, report.members, years)
    return [reception_finding(ds, report, rec, year), extremes_finding(rec, year),
            county_finding(ds, report, year), gender_finding(ds, report, year),
            gender_years_finding(ds, report, years), exits_finding(ds, report, year),
            assignment_finding(rec, year)]


def heading_anchors(chapter_html: str) -> list[tuple[str, str]]:
    """(id, text) of every heading with an id in an exported chapter."""
    out = []
    for _, anchor, inner in _HEADING.findall(chapter_html):
        text = html.unescape(_TAG.sub("", inner)).replace("¶", "").strip()
        out.append((html.unescape(anchor), text))
    return out


def section_link(topic: str, anchors: list[tuple[str, str]]) -> tuple[str, str]:
    """(href, heading text) of the first heading in chapter 2 matching the topic:
    ``chapters/02_etablering.html#<id>``, or the chapter itself when none does."""
    base = f"chapters/{CHAPTER}.html"
    for key in SECTIONS[topic]:
        for anchor, text in anchors:
            if key in text.lower().replace("\u00a0", " "):
                return f"{base}#{anchor}", text
    return base, "kapitel 2"


def write_summary(report, ds, is_check_report: bool = False) -> Path:
    """Write ``summary.html`` into the report's staging folder."""
    staging: Path = report.staging
    chapter = staging / "chapters" / f"{CHAPTER}.html"
    anchors = heading_anchors(chapter.read_text(encoding="utf-8")) if chapter.is_file() else []
    items = []
    for f in findings(ds, report):
        href, heading = section_link(f.topic, anchors)
        items.append(f'<li>{html.escape(f.text)} <a href="{html.escape(href)}">Läs mer: '
                     f"{html.escape(heading)}</a></li>")
    e, r = report.edition, report.region
    if is_check_report:
        check = ('<p>Hur väl originalrapportens egna tal från 2018 går att räkna om står i '
                 '<a href="check.html">kontrollen mot rapporten</a>.</p>')
    else:
        from kfsk_research.report_pages import check_elsewhere_html

        check = f"<p>{check_elsewhere_html()}</p>"
    body = (f"<h1>Sammanfattning – {html.escape(r.name)}, utgåva {e.edition}</h1>"
            f"<p>De viktigaste resultaten för {html.escape(r.name)} "
            f"({count_sv(len(report.members), 'kommun', 'kommuner')}) med data till och med "
            f"{e.last_year}. Varje punkt länkar till avsnittet där talet kommer ifrån.</p>"
            f'<ul class="findings">{"".join(items)}</ul>{check}')
    path = staging / "summary.html"
    path.write_text(page(f"Sammanfattning – {r.name} {e.edition}", body,
                         [("Innehåll", "index.html")]), encoding="utf-8")
    return path
