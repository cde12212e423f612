"""What changed: edition E against E-1 for one region (``changes.html``).

Shows the new data year, the region's indicators and the municipalities that moved
most, rank changes, values for the same year that differ from an earlier build
of E-1 made from other inputs (source revisions), and quantities on which two
sources disagree (Kolada and Migrationsverket).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from kfsk_research import catalogue, tables
from kfsk_research.context import html_table, write_csv
from kfsk_research.fields import FIELDS, label_sv
from kfsk_research.formatting import join_sv, number_sv, number_word, signed_sv
from kfsk_research.pages import page

TOP = 5


def rank_changes(rec: pd.DataFrame, year_from: int, year_to: int) -> pd.DataFrame:
    """Rank (1 = most received per 1,000) of each member in two years, and the change.

    Members missing a value in either year get no rank (missing), not a guessed one.
    """
    out = []
    for y, name in ((year_from, "rank_from"), (year_to, "rank_to")):
        part = rec[rec["year"] == y].set_index("municipality_id")["received_per_1000"]
        out.append(part.rank(ascending=False, method="min").astype("Int64").rename(name))
    ranks = pd.concat(out, axis=1)
    ranks["rank_change"] = ranks["rank_from"] - ranks["rank_to"]
    names = rec.drop_duplicates("municipality_id").set_index("municipality_id")[
        "municipality_name"]
    ranks.insert(0, "municipality_name", names)
    ranks.insert(1, "year_from", year_from)
    ranks.insert(2, "year_to", year_to)
    ranks.index.name = "municipality_id"
    return ranks.reset_index()


def moved_most(rec: pd.DataFrame, year_from: int, year_to: int) -> pd.DataFrame:
    """Members sorted by the absolute change of received per 1,000 between the years."""
    a = rec[rec["year"] == year_from].set_index("municipality_id")
    b = rec[rec["year"] == year_to].set_index("municipality_id")
    out = pd.DataFrame({
        "municipality_name": b["municipality_name"],
        "year_from": year_from,
        "year_to": year_to,
        "received_per_1000_from": a["received_per_1000"],
        "received_per_1000_to": b["received_per_1000"],
    })
    out["received_per_1000_change"] = (out["received_per_1000_to"]
                                       - out["received_per_1000_from"])
    out.index.name = "municipality_id"
    out = out.reset_index()
    order = out["received_per_1000_change"].abs().sort_values(
        ascending=False, na_position="last").index
    return out.loc[order].reset_index(drop=True)


def source_revisions(previous_build: Path, rec: pd.DataFrame, hashes: dict[str, str]
                     ) -> tuple[str, pd.DataFrame | None]:
    """Values for the same municipality and year that differ from the previous build of
    this same report (``previous_build`` = its folder), never from another report, so that
    what a report writes does not depend on which other reports are in the output folder.

    Only when that build's manifest recorded other input hashes; returns a note and
    the differing rows (``value_previous_build``, ``value_this_build``).
    """
    manifest = previous_build / "manifest.json"
    table = previous_build / "tables" / "reception_municipality.csv"
    if not manifest.is_file() or not table.is_file():
        return ("Rapporten har inte byggts tidigare i den här mappen; det finns inget "
                "tidigare bygge att jämföra källvärdena med."), None
    old_hashes = json.loads(manifest.read_text()).get("inputs", {})
    changed = sorted(k for k in set(old_hashes) | set(hashes)
                     if old_hashes.get(k) != hashes.get(k))
    if not changed:
        return ("Förra bygget av rapporten använde samma underlag (samma hashvärden); "
                "inga källrevisioner."), None
    old = pd.read_csv(table, dtype={"municipality_id": "string"})
    merged = old.merge(rec, on=["municipality_id", "year"], suffixes=("_previous_build",
                                                                       "_this_build"))
    rows = []
    for col in ("received", "received_after_assignment", "population_prev_year"):
        a, b = merged[f"{col}_previous_build"], merged[f"{col}_this_build"]
        differ = ~((a == b) | (a.isna() & b.isna()))
        for _, r in merged[differ].iterrows():
            rows.append({"municipality_id": r["municipality_id"],
                         "municipality_name": r["municipality_name_this_build"],
                         "year": r["year"], "quantity": col,
                         "value_previous_build": r[f"{col}_previous_build"],
                         "value_this_build": r[f"{col}_this_build"]})
    note = ("Förra bygget av rapporten använde andra underlag (ändrade filer: "
            + ", ".join(changed) + ").")
    return note, pd.DataFrame(rows, columns=["municipality_id", "municipality_name", "year",
                                             "quantity", "value_previous_build",
                                             "value_this_build"])


def source_disagreements(ds, members: list[str], years: list[int]) -> pd.DataFrame:
    """Received per municipality where Kolada (N01986) and Migrationsverket's files differ."""
    columns = ["municipality_id", "municipality_name", "year", "received",
               "received_migrationsverket", "received_difference"]
    kolada = ds.kpi("N01986")[["municipality_id", "year", "value"]].rename(
        columns={"value": "received"})
    parts = []
    if ds.received_2018 is not None and 2018 in years:
        mv = ds.received_2018[["municipality_id", "total"]].rename(
            columns={"total": "received_migrationsverket"}).assign(year=2018)
        parts.append(mv)
    if ds.received_2015_2016 is not None:
        mv = ds.received_2015_2016.rename(columns={"mottagna": "received_migrationsverket"})
        parts.append(mv[mv["year"].isin(years)][["municipality_id", "year",
                                                 "received_migrationsverket"]])
    if not parts:
        return pd.DataFrame(columns=columns)
    mv = pd.concat(parts, ignore_index=True)
    mv = mv[mv["municipality_id"].isin(members)]
    both = mv.merge(kolada, on=["municipality_id", "year"], how="left")
    both["received_migrationsverket"] = both["received_migrationsverket"].astype("float64")
    both["received_difference"] = both["received"] - both["received_migrationsverket"]
    names = ds.registry.municipalities[["municipality_id", "municipality_name"]]
    both = both.merge(names, on="municipality_id", how="left")
    return both[columns].sort_values(["year", "municipality_id"], ignore_index=True)


def _region_table(ds, report, rec: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """The region's sums per year: received, population, rate and the programme."""
    est = tables.establishment_gender(ds, report.members, list(years))
    est = est[est["gender"] == "T"][["year", "participants", "exits",
                                     "exits_work_or_studies_share"]]
    region = rec.groupby("year")[["received", "population_prev_year"]].sum(min_count=1)
    region["received_per_1000"] = region["received"] / region["population_prev_year"] * 1000
    region = region.reset_index().merge(est, on="year", how="left")
    return region[region["year"].isin(years)]


def _revisions_html(revisions: pd.DataFrame) -> str:
    if revisions.empty:
        return "<p>Inga värden skiljer sig.</p>"
    shown = revisions.drop(columns=["municipality_id"]).assign(
        quantity=[label_sv(q) if q in FIELDS else q for q in revisions["quantity"]])
    return html_table(shown, "Samma kommun och år, olika värden")


def _of(k: int, total: int) -> str:
    """``tre av fem``, ``inget av 66``, ``14 av 66`` (neuter: kommun-år)."""
    if k == 0:
        return f"inget av {_count(total, total)}"
    return f"{_count(k, total)} av {_count(total, total)}"


def _count(k: int, total: int) -> str:
    return number_word(k, neuter=True) if total <= 12 else number_sv(k, 0)


def _disagreements_html(disagree: pd.DataFrame, links: dict[str, str]) -> str:
    differ = disagree[disagree["received_difference"].fillna(1) != 0]
    years = join_sv([str(y) for y in sorted(disagree["year"].unique())])
    text = (f"<p>Mottagna enligt Kolada (N01986) och Migrationsverkets filer för {years}: "
            f"{_of(len(differ), len(disagree))} kommun-år skiljer sig.</p>")
    if differ.empty:
        return text
    return text + html_table(differ.drop(columns=["municipality_id"]),
                             catalogue.table_entry("changes_source_disagreements").title,
                             links=links)


RANK_CHANGE_LABEL = "Platser upp (+) eller ned (\u2212)"


def _signed_columns(frame: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """Changes shown with their sign (``+3``, ``\u22122,4``) for the page; CSVs keep numbers."""
    return frame.assign(**{c: [signed_sv(None if pd.isna(v) else float(v), d)
                               for v in frame[c]] for c, d in decimals.items()})


def _write_page(report, body: list[str], disagree: pd.DataFrame, links: dict[str, str]) -> Path:
    """Finish ``changes.html`` with the source disagreements (and their CSV) and write it."""
    staging = report.staging
    if disagree.empty:
        body.append("<p>Inget år i utgåvan finns i båda källorna.</p>")
    else:
        write_csv(disagree, staging / "tables" / "changes_source_disagreements.csv")
        body.append(_disagreements_html(disagree, links))
    path = staging / "changes.html"
    title = f"Vad har ändrats – {report.region.name} {report.edition.edition}"
    path.write_text(page(title, "".join(body),
                         [("Innehåll", "index.html"), ("Sammanfattning", "summary.html")]),
                    encoding="utf-8")
    return path


def _first_edition(report, ds) -> Path:
    """``changes.html`` of the first edition: no earlier edition, so only the sources."""
    e, r = report.edition, report.region
    rec = tables.reception_municipality(ds, report.members, list(e.data_years))
    disagree = source_disagreements(ds, report.members, list(e.data_years))
    links = {str(n): f"municipalities/{m}.html" for m, n in
             zip(rec["municipality_id"], rec["municipality_name"], strict=True)}
    body = [
        f"<h1>Vad har ändrats? {html.escape(r.name)}, utgåva {e.edition}</h1>",
        f"<p>Utgåva {e.edition} är den första utgåvan, så det finns ingen tidigare utgåva "
        "att jämföra med: inget nytt dataår, inga ändrade rangordningar och inga "
        "källrevisioner mot ett tidigare bygge. Sidan visar bara var två källor ger olika "
        "värden för samma kommun och år (Kolada och Migrationsverket).</p>",
        "<h2>Källor som inte stämmer överens</h2>",
    ]
    return _write_page(report, body, disagree, links)


def write_changes(report, ds, previous_edition: bool = True) -> Path | None:
    """Write ``changes.html`` and ``tables/changes_*.csv`` into the report's staging folder.

    ``previous_edition``: whether the data directory allows edition E-1; without one the
    page says so and shows only where the sources disagree."""
    if not previous_edition:
        return _first_edition(report, ds)
    e, r, staging = report.edition, report.region, report.staging
    prev_year, new_year = e.last_year - 1, e.last_year
    years = sorted({prev_year, new_year, *e.data_years})
    rec = tables.reception_municipality(ds, report.members, years)
    moved = moved_most(rec, prev_year, new_year)
    ranks = rank_changes(rec, prev_year, new_year)
    ranked = ranks[ranks["rank_change"].fillna(0) != 0].sort_values(
        "rank_change", key=lambda s: s.abs(), ascending=False)
    note, revisions = source_revisions(report.target, rec, ds.hashes)
    disagree = source_disagreements(ds, report.members, years)
    write_csv(moved, staging / "tables" / "changes_received_per_1000.csv")
    write_csv(ranks, staging / "tables" / "changes_rank.csv")
    links = {str(n): f"municipalities/{m}.html" for m, n in
             zip(rec["municipality_id"], rec["municipality_name"], strict=True)}
    region = _region_table(ds, report, rec, (prev_year, new_year))
    moved_shown = _signed_columns(
        moved.drop(columns=["municipality_id", "year_from", "year_to"]).head(TOP * 2),
        {"received_per_1000_change": 1})
    labels = {"received_per_1000_from": f"Mottagna per 1\u00a0000 inv. {prev_year}",
              "received_per_1000_to": f"Mottagna per 1\u00a0000 inv. {new_year}",
              "received_per_1000_change": "Förändring (+ ökning, \u2212 minskning)",
              "rank_from": f"Rang {prev_year}", "rank_to": f"Rang {new_year}",
              "rank_change": RANK_CHANGE_LABEL}
    body = [
        f"<h1>Vad har ändrats? {html.escape(r.name)}, utgåva {e.edition} mot {e.edition - 1}"
        "</h1>",
        f"<p>Nytt dataår: <strong>{new_year}</strong> (utgåva {e.edition - 1} slutade med "
        f"{prev_year}).</p>",
        "<h2>Regionen</h2>",
        html_table(region, f"Regionens nyckeltal {prev_year} och {new_year} (summor över "
                           "kommunerna)"),
        f"<h2>Kommuner som rört sig mest ({prev_year}–{new_year})</h2>",
        html_table(moved_shown, catalogue.table_entry("changes_received_per_1000").title,
                   links=links, labels=labels),
        f"<h2>Ändrad rangordning efter mottagna per 1\u00a0000 invånare ({prev_year}–"
        f"{new_year})</h2>",
        "<p>Rang efter mottagna per 1\u00a0000 invånare (1 = flest). Förändringen räknas "
        f"från {prev_year} till {new_year}: +3 betyder tre platser upp i rangordningen, "
        "\u22123 tre platser ned.</p>",
        (html_table(_signed_columns(ranked.drop(columns=["municipality_id", "year_from",
                                                         "year_to"]), {"rank_change": 0}),
                    catalogue.table_entry("changes_rank").title, links=links, labels=labels)
         if not ranked.empty else "<p>Ingen ändring.</p>"),
        "<h2>Källrevisioner sedan förra bygget</h2>", f"<p>{html.escape(note)}</p>",
    ]
    if revisions is not None:
        write_csv(revisions, staging / "tables" / "changes_source_revisions.csv")
        body.append(_revisions_html(revisions))
    body.append("<h2>Källor som inte stämmer överens</h2>")
    return _write_page(report, body, disagree, links)
