"""Pages a report gets besides its chapters: ``index.html`` (titles from
:mod:`kfsk_research.catalogue`), ``check.html`` (2018/skane only; other reports link to it),
``summary.html`` (:mod:`kfsk_research.summary`), and the top-level index."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from kfsk_research import catalogue
from kfsk_research.chapters import CHAPTERS
from kfsk_research.editions import Config
from kfsk_research.fields import classification_sv, describe, input_sv
from kfsk_research.formatting import count_sv, number_sv, number_word, signed_sv
from kfsk_research.pages import link_list, page, table_html

UNIT_SV = {"": "", "year": "år", "persons": "personer", "count": "antal", "percent": "procent",
           "share 0-1": "andel 0–1", "per 1,000 inhabitants": "per 1\u00a0000 invånare",
           "ratio": "kvot", "SEK": "kronor", "SEK per year": "kronor per år",
           "SEK per inhabitant": "kronor per invånare",
           "SEK per household and month": "kronor per hushåll och månad",
           "households": "hushåll", "page": "sida", "percentage points": "procentenheter",
           "persons per year": "personer per år", "KPI unit": "nyckeltalets enhet",
           "see unit": "se enhet", "rank": "rang", "see quantity": "se uppgift"}
CHECK_REPORT = ("2018", "skane")


def _title_html(kind: str, item_id: str, filename: str) -> tuple[str, str]:
    """Escaped (title, caption) from the catalogue; uncatalogued ids show the file name."""
    lookup = catalogue.table_entry if kind == "table" else catalogue.figure_entry
    try:
        entry = lookup(item_id)
    except KeyError:
        return f"<code>{html.escape(filename)}</code>", ""
    return html.escape(entry.title), html.escape(entry.caption)


def _column_rows(columns: list[str]) -> list[list[str]]:
    return [[f"<code>{html.escape(d['name'])}</code>", html.escape(d["label_sv"]),
             html.escape(UNIT_SV.get(d["unit"], d["unit"])), html.escape(d["description_sv"])]
            for d in describe(columns)]


def _in_catalogue_order(paths, registry: dict) -> list[Path]:
    """Files in the order of the catalogue (report order), uncatalogued ones last."""
    keys = list(registry)

    def key(path: Path) -> tuple[int, str]:
        stem = re.sub(r"_(19|20)\d\d$", "", path.stem)
        found = path.stem if path.stem in registry else stem
        return (keys.index(found) if found in registry else len(keys), path.stem)

    return sorted(paths, key=key)


def _table_docs(staging: Path) -> str:
    parts = []
    for path in _in_catalogue_order((staging / "tables").glob("*.csv"), catalogue.TABLES):
        title, caption = _title_html("table", path.stem, path.name)
        columns = list(pd.read_csv(path, nrows=0).columns)
        parts.append(
            f'<h3>{title}</h3><p>{caption} <a href="tables/{html.escape(path.name)}">CSV: '
            f"<code>{html.escape(path.name)}</code></a></p>"
            + table_html(["Kolumn", "Rubrik", "Enhet", "Beskrivning"], _column_rows(columns)))
    return "\n".join(parts)


def _figure_list(staging: Path) -> str:
    items = []
    for path in _in_catalogue_order((staging / "figures").glob("*.png"), catalogue.FIGURES):
        title, caption = _title_html("figure", path.stem, path.name)
        items.append(f'<li><a href="figures/{html.escape(path.name)}">{title}</a>'
                     + (f"<br><small>{caption}</small>" if caption else "") + "</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>Inga figurer.</p>"


def is_check_report(report) -> bool:
    """Whether the report is the one whose check.html compares with the 2018 report."""
    return (str(report.edition.edition), report.region.region_id) == CHECK_REPORT


def check_link(report) -> str:
    """Relative link to the 2018 Skåne check from this report, or "" if not built here."""
    if is_check_report(report):
        return "check.html"
    target = report.target.parents[1] / CHECK_REPORT[0] / CHECK_REPORT[1] / "check.html"
    return "../../2018/skane/check.html" if target.is_file() else ""


def _checks_section(report, staging: Path) -> str:
    items = []
    link = check_link(report)
    if is_check_report(report):
        items.append('<li><a href="check.html">Kontroll mot rapporten 2018</a>: varje '
                     "prövbart tal i rapporten omräknat från källorna</li>")
    elif link:
        items.append(f'<li><a href="{link}">Kontroll mot rapporten 2018 (Skåne)</a>: '
                     "rapportens tal gäller Skåne och riket, så kontrollen finns i rapporten "
                     "för Skåne 2018</li>")
    else:
        items.append("<li>Kontrollen mot rapporten 2018 finns i rapporten för Skåne 2018 "
                     "(<code>kfsk build --edition 2018 --region skane</code>).</li>")
    if (staging / "changes.html").is_file():
        items.append('<li><a href="changes.html">Vad har ändrats sedan förra utgåvan</a></li>')
    return f"<ul>{''.join(items)}</ul>"


def write_report_pages(report, ds, config: Config) -> None:
    """Write ``index.html``, ``summary.html`` and the optional report pages into the
    report's staging folder."""
    staging: Path = report.staging
    e, r = report.edition, report.region
    if is_check_report(report):
        write_check_page(staging, ds, f"Kontroll mot rapporten 2018 – {r.name}")
    from kfsk_research.changes import write_changes
    from kfsk_research.profiles import write_profiles
    from kfsk_research.summary import write_summary

    write_profiles(report, ds, staging / "municipalities")
    if e.edition - 1 in config.editions or e.data_years[0] > 2014:
        write_changes(report, ds, report.target.parents[1])
    write_summary(report, ds, check_link(report))
    chapters = [(f"{c.chapter_id[:2]} {c.title}", f"chapters/{c.chapter_id}.html")
                for c in CHAPTERS if (staging / "chapters" / f"{c.chapter_id}.html").is_file()]
    profiles = sorted((staging / "municipalities").glob("*.html"))
    names = dict(zip(ds.registry.municipalities["municipality_id"],
                     ds.registry.municipalities["municipality_name"], strict=True))
    profile_links = [(names.get(p.stem, p.stem), f"municipalities/{p.name}") for p in profiles]
    missing = ("<p>Saknade valfria underlag (visas som luckor): "
               + ", ".join(html.escape(input_sv(m)) for m in ds.missing) + "</p>"
               if ds.missing else "")
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in e.notes)
    body = (
        f"<h1>Tillgång eller belastning? – {html.escape(r.name)}, utgåva {e.edition}</h1>"
        f"<p>Nyanländas mottagande och etablering i {html.escape(r.name)} "
        f"({count_sv(len(report.members), 'kommun', 'kommuner')}), byggt om från källorna "
        f"efter Kommunförbundet Skånes rapport 2018. Data för {e.data_years[0]}–"
        f"{e.data_years[-1]}; kommungrupper enligt "
        f"{html.escape(classification_sv(e.kommungrupp))}.</p>{missing}"
        + (f"<ul>{notes}</ul>" if notes else "")
        + '<h2>Sammanfattning</h2><ul><li><a href="summary.html">Sammanfattning</a>: de '
          "viktigaste resultaten för utgåvan och regionen, med länkar till kapitlen</li></ul>"
        + "<h2>Kapitel</h2>" + link_list(chapters)
        + "<h2>Kontroller</h2>" + _checks_section(report, staging)
        + "<h2>Figurer och kartor</h2>" + _figure_list(staging)
        + ('<h2>Kommunprofiler</h2><div class="cols">' + link_list(profile_links) + "</div>"
           if profile_links else "")
        + "<h2>Tabeller</h2><p>Alla tabeller är CSV (UTF-8, komma som avgränsare, punkt som "
          "decimaltecken; tom cell = uppgift saknas). Kolumnnamnen i CSV-filerna är "
          "oförändrade id:n; rubriken är den som visas på sidorna.</p>" + _table_docs(staging)
    )
    nav = [("Alla utgåvor", "../../index.html"), ("Sammanfattning", "summary.html")]
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
                         else "<td>inte byggd</td>")
        rows.append(f"<tr><th>{e}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th>{html.escape(config.regions[r].name)}</th>"
                   for r in sorted(config.regions))
    check = root / CHECK_REPORT[0] / CHECK_REPORT[1] / "check.html"
    check_html = ('<p><a href="2018/skane/check.html">Kontroll mot rapporten 2018</a>: '
                  "rapportens tal omräknade från källorna (i rapporten för Skåne 2018).</p>"
                  if check.is_file() else "")
    body = ("<h1>Tillgång eller belastning? – alla utgåvor</h1><p>Byggda rapporter per utgåva "
            "(år) och region.</p>"
            f"<div class=\"table-wrap\"><table><thead><tr><th>Utgåva</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>{check_html}")
    path = root / "index.html"
    tmp = path.with_name(".index.html.tmp")
    tmp.write_text(page("Tillgång eller belastning? – alla utgåvor", body), encoding="utf-8")
    tmp.replace(path)
    return path


COUNT_UNITS = ("persons", "applications", "respondents", "count")


def _shown(value: float, unit: str, decimals: int) -> str:
    """A claim's value for display: ja/nej, a count, a rate or a percent (Swedish)."""
    if pd.isna(value):
        return "kan inte beräknas"
    if unit == "boolean":
        return "ja" if value >= 0.5 else "nej"
    text = number_sv(value, decimals)
    return text + "\u00a0%" if unit == "percent" else text


def _recomputed_decimals(unit: str, decimals: int) -> int:
    """Counts as integers; rates, ratios and percents with at least two decimals."""
    return 0 if unit in COUNT_UNITS else max(decimals, 2)


def _tolerance_sv(tolerance: str) -> str:
    if not tolerance:
        return "ingen"
    if tolerance.endswith("%"):
        return number_sv(float(tolerance[:-1])) + "\u00a0%"
    return number_sv(float(tolerance))


_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")


def _text(text: str) -> str:
    """Escaped prose with no-break spaces inside numbers (``10 531``)."""
    return html.escape(_THOUSANDS.sub("\u00a0", text))


def _claim_cell(r) -> str:
    return f"{_text(r.claim)}<br><code>{html.escape(r.id)}</code>"


def _status_cell(status: str) -> str:
    from kfsk_research.check import status_sv

    return f"<strong>{html.escape(status_sv(status))}</strong>"


def _status_class(status: str) -> str:
    return "status-" + status.split(" ", maxsplit=1)[0]


def _check_section(part: pd.DataFrame, kind: str) -> str:
    """One table of check.html: the columns that make sense for the kind of row."""
    rows, classes = [], []
    for r in part.itertuples(index=False):
        dec = _recomputed_decimals(r.unit, r.decimals)
        published = _shown(r.published, r.unit, r.decimals)
        cells = [_claim_cell(r), html.escape(r.source_ref), published]
        if kind == "claim":
            cells += [_shown(r.recomputed, r.unit, 0)]
        elif kind != "no source":
            cells += [_shown(r.recomputed, r.unit, dec), signed_sv(r.difference, dec)]
            if kind == "number":
                cells.append(_tolerance_sv(r.tolerance))
        if kind != "no source":
            cells.append(_status_cell(r.status))
        cells.append(f'<div class="reason">{_text(r.reason)}</div>')
        rows.append(cells)
        classes.append(_status_class(r.status))
    header = {"number": ["Påstående", "Var i rapporten", "Tryckt", "Omräknat", "Skillnad",
                         "Tolerans", "Status", "Förklaring"],
              "claim": ["Påstående", "Var i rapporten", "Rapporten säger", "Data säger",
                        "Status", "Förklaring"],
              "consistency": ["Påstående", "Var i rapporten", "Tryckt", "Omräknat",
                              "Skillnad", "Status", "Förklaring"],
              "no source": ["Påstående", "Var i rapporten", "Tryckt", "Förklaring"]}[kind]
    numeric = frozenset({2, 3, 4, 5} if kind == "number" else {2, 3, 4}
                        if kind == "consistency" else {2})
    return table_html(header, rows, numeric, row_classes=classes)


def _n(k: int, total: int) -> str:
    """A count in prose: words for one to twelve unless compared with a larger total."""
    return number_word(k) if total <= 12 else number_sv(k, 0)


def check_summary_sv(result: pd.DataFrame) -> str:
    """The check's counts in Swedish prose, numbers and yes/no claims kept apart."""
    from kfsk_research.check import kind_summary

    kinds = kind_summary(result)
    ok, n = kinds["number"]
    differs = int(((result["kind"] == "number") & (result["status"] == "differs")).sum())
    c_ok, c_n = kinds["claim"]
    k_ok, k_n = kinds["consistency"]
    parts = [f"Av {count_sv(n, 'tal', 'tal', neuter=True)} med källa är {_n(ok, n)} "
             f"reproducerade eller inom tolerans och {_n(differs, n)} avviker.",
             f"Av {count_sv(c_n, 'påstående', 'påståenden', neuter=True)} i ord (ja/nej) "
             f"bekräftar data {_n(c_ok, c_n)}.",
             f"Av {count_sv(k_n, 'konsistenskontroll', 'konsistenskontroller')} är "
             f"{_n(k_ok, k_n)} konsistenta och {_n(k_n - k_ok, k_n)} inkonsistent"
             f"{'a' if k_n - k_ok != 1 else ''}.",
             f"{count_sv(kinds['no source'][1], 'tal', 'tal', neuter=True).capitalize()} "
             "saknar tillgänglig källa."]
    return " ".join(parts)


def write_check_page(staging: Path, ds, title: str) -> None:
    """``check.html`` and ``tables/check.csv``: the 2018 report's numbers recomputed."""
    from kfsk_research.check import CHECK_COLUMNS, load_claims, run_check
    from kfsk_research.context import write_csv

    claims = load_claims().set_index("id")
    result = run_check(ds)
    write_csv(result[CHECK_COLUMNS], staging / "tables" / "check.csv")
    shown = result.assign(unit=result["id"].map(claims["unit"]),
                          decimals=result["id"].map(claims["decimals"]).astype(int))
    sections = []
    for kind, heading in (("number", "Tal som kan räknas om"),
                          ("claim", "Påståenden i ord (ja/nej)"),
                          ("consistency", "Intern konsistens (räknas för sig)"),
                          ("no source", "Tal utan tillgänglig källa")):
        part = shown[shown["kind"] == kind]
        sections.append(f"<h2>{heading} ({number_sv(len(part), 0)})</h2>"
                        + _check_section(part, kind))
    body = (
        "<h1>Kontroll mot rapporten 2018</h1>"
        "<p>Varje tal som Kommunförbundet Skånes rapport <em>Tillgång eller belastning?</em> "
        "(2018) trycker och som går att pröva, omräknat från källorna. Kontrollen gäller "
        "Skåne och riket som rapporten beskrev dem; den görs bara här, i rapporten för Skåne "
        "2018.</p>"
        "<dl><dt><strong>reproducerad</strong></dt><dd>lika efter avrundning till den "
        "tryckta precisionen (påståenden: samma sanningsvärde)</dd>"
        "<dt><strong>inom tolerans</strong></dt><dd>skillnaden ryms i radens tolerans, som "
        "måste ha ett skäl i data: högst 1\u00a0% för antal och kvoter av antal (senare "
        "revideringar av källan)</dd>"
        "<dt><strong>avviker</strong></dt><dd>allt annat, och alltid när måttet eller året "
        "är ett annat</dd>"
        "<dt><strong>källa saknas</strong></dt><dd>ingen tillgänglig källa kan räkna om "
        "talet; förklaringen säger varför</dd>"
        "<dt><strong>konsistent / inkonsistent</strong></dt><dd>rapportens egna tal stämmer "
        "eller stämmer inte med varandra</dd></dl>"
        f"<p>{html.escape(check_summary_sv(result))}</p>" + "".join(sections)
        + '<p>Data: <a href="tables/check.csv">tables/check.csv</a> (kolumner och '
          "statusvärden på engelska, som i <code>kfsk check</code>).</p>"
    )
    (staging / "check.html").write_text(page(title, body, [("Innehåll", "index.html")]),
                                        encoding="utf-8")
