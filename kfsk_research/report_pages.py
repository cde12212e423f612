"""Pages a report gets besides its chapters: ``index.html`` and the top-level index."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from kfsk_research.chapters import CHAPTERS
from kfsk_research.editions import Config
from kfsk_research.fields import describe
from kfsk_research.pages import link_list, page

TABLE_TITLES = {
    "reception_municipality": "Mottagna per kommun och år (per 1 000 invånare)",
    "reception_county": "Mottagna senaste 24 mån per 1 000 invånare per län (figur 4)",
    "quota_vs_received": "Kommuntal och mottagna",
    "establishment_gender": "Etableringsuppdraget per år och kön (figur 1–3)",
    "survey_respondents": "Respondenter per kommun i enkäten 2018",
    "check": "Kontroll mot rapportens tryckta tal",
}


def _table_docs(staging: Path) -> str:
    parts = []
    for path in sorted((staging / "tables").glob("*.csv")):
        table_id = path.stem
        columns = list(pd.read_csv(path, nrows=0).columns)
        rows = "".join(
            f"<tr><td><code>{html.escape(d['name'])}</code></td><td>{html.escape(d['unit'])}"
            f"</td><td>{html.escape(d['label_sv'])}</td><td>{html.escape(d['label_en'])}</td></tr>"
            for d in describe(columns))
        title = TABLE_TITLES.get(table_id, table_id.replace("_", " "))
        parts.append(
            f'<h3><a href="tables/{html.escape(path.name)}">{html.escape(path.name)}</a> – '
            f"{html.escape(title)}</h3><table><thead><tr><th>kolumn</th><th>enhet</th>"
            f"<th>beskrivning</th><th>description</th></tr></thead><tbody>{rows}</tbody></table>")
    return "\n".join(parts)


def write_report_pages(report, ds, config: Config) -> None:
    """Write ``index.html`` (and the optional report pages) into the report's staging folder."""
    staging: Path = report.staging
    e, r = report.edition, report.region
    if e.edition == 2018:
        write_check_page(staging, ds, f"Kontroll mot rapporten 2018 – {r.name}")
    from kfsk_research.changes import write_changes
    from kfsk_research.profiles import write_profiles

    write_profiles(report, ds, staging / "municipalities")
    if e.edition - 1 in config.editions or e.data_years[0] > 2014:
        write_changes(report, ds, report.target.parents[1])
    chapters = [(f"{c.chapter_id[:2]} {c.title}", f"chapters/{c.chapter_id}.html")
                for c in CHAPTERS]
    extra = [(label, href) for label, href in (
        ("Kontroll mot rapporten 2018", "check.html"),
        ("Vad har ändrats sedan förra utgåvan", "changes.html"),
    ) if (staging / href).is_file()]
    figures = [(p.stem, f"figures/{p.name}") for p in sorted((staging / "figures").glob("*.png"))]
    profiles = sorted((staging / "municipalities").glob("*.html"))
    names = dict(zip(ds.registry.municipalities["municipality_id"],
                     ds.registry.municipalities["municipality_name"], strict=True))
    profile_links = [(f"{p.stem} {names.get(p.stem, '')}", f"municipalities/{p.name}")
                     for p in profiles]
    missing = ("<p>Saknade valfria underlag (visas som luckor): "
               + ", ".join(f"<code>{html.escape(m)}</code>" for m in ds.missing) + "</p>"
               if ds.missing else "")
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in e.notes)
    body = (
        f"<h1>Tillgång eller belastning? – {html.escape(r.name)}, utgåva {e.edition}</h1>"
        f"<p>Nyanländas mottagande och etablering i {html.escape(r.name)} "
        f"({len(report.members)} kommuner), byggt om från källorna efter Kommunförbundet Skånes "
        f"rapport 2018. Data för {e.data_years[0]}–{e.data_years[-1]}; kommungrupper enligt "
        f"{html.escape(e.kommungrupp)}.</p>{missing}"
        + (f"<ul>{notes}</ul>" if notes else "")
        + "<h2>Kapitel</h2>" + link_list(chapters)
        + (("<h2>Kontroller</h2>" + link_list(extra)) if extra else "")
        + "<h2>Figurer och kartor</h2>" + link_list(figures)
        + ("<h2>Kommunprofiler</h2>" + link_list(profile_links) if profile_links else "")
        + "<h2>Tabeller</h2><p>Alla tabeller är CSV (UTF-8, komma, punkt som decimaltecken; "
          "tom cell = uppgift saknas).</p>" + _table_docs(staging)
    )
    nav = [("Alla utgåvor", "../../index.html")]
    (staging / "index.html").write_text(
        page(f"Tillgång eller belastning? {r.name} {e.edition}", body, nav), encoding="utf-8")


def write_top_index(root: Path, config: Config) -> Path:
    """``<root>/index.html`` linking every built edition and region found under ``root``."""
    rows = []
    for e in sorted(config.editions):
        cells = []
        for rid in sorted(config.regions):
            index = root / str(e) / rid / "index.html"
            name = html.escape(config.regions[rid].name)
            cells.append(f'<td><a href="{e}/{rid}/index.html">{name}</a></td>' if index.is_file()
                         else "<td>–</td>")
        rows.append(f"<tr><th>{e}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th>{html.escape(config.regions[r].name)}</th>"
                   for r in sorted(config.regions))
    body = ("<h1>Tillgång eller belastning? – alla utgåvor</h1><p>Byggda rapporter per utgåva "
            "(år) och region; – = inte byggd.</p>"
            f"<table><thead><tr><th>utgåva</th>{head}</tr></thead><tbody>{''.join(rows)}"
            "</tbody></table>")
    path = root / "index.html"
    tmp = path.with_name(".index.html.tmp")
    tmp.write_text(page("Tillgång eller belastning? – alla utgåvor", body), encoding="utf-8")
    tmp.replace(path)
    return path


def write_check_page(staging: Path, ds, title: str) -> None:
    """``check.html`` and ``tables/check.csv``: the 2018 report's numbers recomputed."""
    from kfsk_research.check import CHECK_COLUMNS, run_check, summary
    from kfsk_research.context import html_table, write_csv

    result = run_check(ds)
    write_csv(result[CHECK_COLUMNS], staging / "tables" / "check.csv")
    counts = summary(result)
    with_source = result[result["kind"] == "reproduction"]
    ok = int(with_source["status"].isin(["reproduced", "within tolerance"]).sum())
    shown = result[["id", "claim", "source_ref", "published", "recomputed", "difference",
                    "tolerance", "status", "reason"]]
    rows = []
    for kind, heading in (("reproduction", "Tal som kan räknas om"),
                          ("consistency", "Intern konsistens (räknas separat)"),
                          ("no source", "Tal utan tillgänglig källa")):
        part = shown[result["kind"] == kind]
        rows.append(f"<h2>{heading} ({len(part)})</h2>" + html_table(part, decimals=2))
    body = (
        "<h1>Kontroll mot rapporten 2018</h1>"
        "<p>Varje tal som rapporten <em>Tillgång eller belastning?</em> (2018) trycker och som "
        "går att pröva, omräknat från källorna. <strong>reproduced</strong> = lika efter "
        "avrundning till tryckt precision; <strong>within tolerance</strong> = inom radens "
        "tolerans (högst 1 % för antal, 0,7 per 1 000 för figur 4); <strong>differs</strong> = "
        "annars, och alltid när måttet är ett annat eller året ett annat; <strong>no source"
        "</strong> = ingen tillgänglig källa. Innehållet gäller Skåne och riket 2018 oavsett "
        "region.</p>"
        f"<p>Status: {html.escape(', '.join(f'{k}: {v}' for k, v in counts.items()))}. "
        f"Rader med källa som reproduceras eller ligger inom tolerans: {ok} av "
        f"{len(with_source)}.</p>" + "".join(rows)
        + '<p>Data: <a href="tables/check.csv">tables/check.csv</a></p>'
    )
    (staging / "check.html").write_text(page(title, body, [("Innehåll", "index.html")]),
                                        encoding="utf-8")
