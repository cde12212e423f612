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
from kfsk_research.citation import write_report_downloads
from kfsk_research.editions import Config, available_editions
from kfsk_research.fields import classification_sv, describe, input_sv
from kfsk_research.formatting import (
    count_sv,
    number_sv,
    number_word,
    signed_sv,
    swedish_sort_key,
)
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


def _title_html(kind: str, item_id: str, filename: str,
                titles: dict[str, str] | None = None) -> tuple[str, str]:
    """Escaped (title, caption) from the catalogue; uncatalogued ids show the file name.
    KPI ids in the caption are marked as code with their Kolada title."""
    lookup = catalogue.table_entry if kind == "table" else catalogue.figure_entry
    try:
        entry = lookup(item_id)
    except KeyError:
        return f"<code>{html.escape(filename)}</code>", ""
    return html.escape(entry.title), prose_html(entry.caption, titles or {})


_KPI_ID = re.compile(r"\b[NU]\d{5}\b")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_COMMAND = re.compile(r"\b(?:kfsk [a-z]+|papermill)(?: -p)?(?=[),;.\s]|$)")


def kpi_titles(ds) -> dict[str, str]:
    """Kolada KPI id → its Kolada title (``kolada/kpis.csv``)."""
    kpis = getattr(ds, "kpis", None)
    if kpis is None or kpis.empty:
        return {}
    return {k: re.sub(r"(?<=\d)-(?=\d)", "–", t)  # 20-64 år → 20–64 år
            for k, t in zip(kpis["kpi"].astype(str), kpis["title"].astype(str), strict=True)}


def prose_html(text: str, titles: dict[str, str]) -> str:
    """Escaped prose in which technical ids are marked as code: column ids (snake_case),
    commands, and Kolada KPI ids (``<code title="Koladas titel">N02994</code>``)."""
    out, pos = [], 0
    spans = sorted([(m.start(), m.end(), "kpi") for m in _KPI_ID.finditer(text)]
                   + [(m.start(), m.end(), "code") for m in _SNAKE.finditer(text)]
                   + [(m.start(), m.end(), "code") for m in _COMMAND.finditer(text)])
    for start, end, kind in spans:
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        token = text[start:end]
        title = titles.get(token) if kind == "kpi" else None
        attr = f' title="Kolada: {html.escape(title)}"' if title else ""
        out.append(f"<code{attr}>{html.escape(token)}</code>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _column_rows(columns: list[str], titles: dict[str, str]) -> list[list[str]]:
    return [[f"<code>{html.escape(d['name'])}</code>", html.escape(d["label_sv"]),
             html.escape(UNIT_SV.get(d["unit"], d["unit"])),
             prose_html(d["description_sv"], titles)]
            for d in describe(columns)]


def _in_catalogue_order(paths, registry: dict) -> list[Path]:
    """Files in the order of the catalogue (report order), uncatalogued ones last."""
    keys = list(registry)

    def key(path: Path) -> tuple[int, str]:
        stem = re.sub(r"_(19|20)\d\d$", "", path.stem)
        found = path.stem if path.stem in registry else stem
        return (keys.index(found) if found in registry else len(keys), path.stem)

    return sorted(paths, key=key)


def _table_docs(staging: Path, titles: dict[str, str]) -> str:
    parts = []
    for path in _in_catalogue_order((staging / "tables").glob("*.csv"), catalogue.TABLES):
        title, caption = _title_html("table", path.stem, path.name, titles)
        columns = list(pd.read_csv(path, nrows=0).columns)
        parts.append(
            f'<h3>{title}</h3><p>{caption} <a href="tables/{html.escape(path.name)}">CSV: '
            f"<code>{html.escape(path.name)}</code></a></p>"
            + table_html(["Kolumn", "Rubrik", "Enhet", "Beskrivning"],
                         _column_rows(columns, titles)))
    return "\n".join(parts)


def _figure_list(staging: Path, titles: dict[str, str]) -> str:
    items = []
    for path in _in_catalogue_order((staging / "figures").glob("*.png"), catalogue.FIGURES):
        title, caption = _title_html("figure", path.stem, path.name, titles)
        items.append(f'<li><a href="figures/{html.escape(path.name)}">{title}</a>'
                     + (f"<br><small>{caption}</small>" if caption else "") + "</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>Inga figurer.</p>"


def is_check_report(report) -> bool:
    """Whether the report is the one whose check.html compares with the 2018 report."""
    return (str(report.edition.edition), report.region.region_id) == CHECK_REPORT


def check_elsewhere_html() -> str:
    """What a report other than 2018/skane says about the check, whatever else is built:
    the check belongs to the Skåne 2018 report, reached from the overview of all reports
    (``../../index.html``, always written by the build)."""
    return ("Kontrollen av originalrapportens tryckta tal hör till rapporten för Skåne, "
            "utgåva 2018, eftersom originalrapporten gäller Skåne och riket. Den nås från "
            '<a href="../../index.html">översikten över alla utgåvor</a> när den rapporten '
            "är byggd.")


def _checks_section(report, staging: Path) -> str:
    items = []
    if is_check_report(report):
        items.append('<li><a href="check.html">Kontroll mot rapporten 2018</a>: varje '
                     "prövbart tal i rapporten omräknat från källorna</li>")
    else:
        items.append(f"<li>{check_elsewhere_html()}</li>")
    if (staging / "changes.html").is_file():
        items.append('<li><a href="changes.html">Vad har ändrats sedan förra utgåvan</a></li>')
    return f"<ul>{''.join(items)}</ul>"


_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")


def note_sv(note: str) -> str:
    """An edition note from the configuration as prose: no leading ``Not:`` label, year
    ranges with an en dash (``2015–2017``), ISO dates in words (``1 januari 2018``)."""
    text = re.sub(r"^\s*Not:\s*", "", note.strip())
    text = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b",
                  lambda m: f"{int(m.group(3))} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}",
                  text)
    text = re.sub(r"\b((?:19|20)\d\d) ?[-–] ?((?:19|20)\d\d)\b", r"\1–\2", text)
    return text


def _restates_kommungrupp(note: str) -> bool:
    """A note that only names the kommungrupp classification, which the introduction
    already states."""
    return bool(re.fullmatch(r"\s*(?:Not:\s*)?Kommungrupper enligt [^.;]*\.?\s*", note))


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
    write_changes(report, ds,
                  previous_edition=e.edition - 1 in available_editions(config, ds.data_dir))
    write_summary(report, ds, is_check_report(report))
    chapters = [(f"{c.chapter_id[:2]} {c.title}", f"chapters/{c.chapter_id}.html")
                for c in CHAPTERS if c.chapter_id in r.chapters
                and (staging / "chapters" / f"{c.chapter_id}.html").is_file()]
    profiles = sorted((staging / "municipalities").glob("*.html"))
    names = dict(zip(ds.registry.municipalities["municipality_id"],
                     ds.registry.municipalities["municipality_name"], strict=True))
    profile_links = sorted(((names.get(p.stem, p.stem), f"municipalities/{p.name}")
                            for p in profiles), key=lambda link: swedish_sort_key(link[0]))
    missing = ("<p>Saknade valfria underlag (visas som luckor): "
               + ", ".join(html.escape(input_sv(m)) for m in ds.missing) + "</p>"
               if ds.missing else "")
    notes = "".join(f"<li>{html.escape(note_sv(n))}</li>" for n in e.notes
                    if not _restates_kommungrupp(n))
    titles = kpi_titles(ds)
    downloads = write_report_downloads(staging, ds.data_dir, e.edition, r.name)  # zip, CITATION
    body = (
        f"<h1>Tillgång eller belastning? – {html.escape(r.name)}, utgåva {e.edition}</h1>"
        f"<p>Nyanländas mottagande och etablering i {html.escape(r.name)} "
        f"({count_sv(len(report.members), 'kommun', 'kommuner')}), byggt om från källorna "
        f"efter Kommunförbundet Skånes rapport 2018. Data för {e.data_years[0]}–"
        f"{e.data_years[-1]}; kommungrupper enligt "
        f"{html.escape(classification_sv(e.kommungrupp))}.</p>{missing}"
        + (f"<h2>Om utgåvan</h2><ul>{notes}</ul>" if notes else "")
        + '<h2>Sammanfattning</h2><ul><li><a href="summary.html">Sammanfattning</a>: de '
          "viktigaste resultaten för utgåvan och regionen, med länkar till kapitlen</li>"
          '<li><a href="report.html">Hela rapporten på en sida (för utskrift)</a>: '
          "sammanfattningen och alla kapitel i ordning, med innehållsförteckning</li></ul>"
        + downloads + "<h2>Kapitel</h2>" + link_list(chapters)
        + "<h2>Kontroller</h2>" + _checks_section(report, staging)
        + "<h2>Figurer och kartor</h2>" + _figure_list(staging, titles)
        + ('<h2>Kommunprofiler</h2><div class="cols">' + link_list(profile_links) + "</div>"
           if profile_links else "")
        + "<h2>Tabeller</h2><p>Alla tabeller är CSV (UTF-8, komma som avgränsare, punkt som "
          "decimaltecken; tom cell = uppgift saknas). Kolumnnamnen i CSV-filerna är "
          "oförändrade id:n (visas som <code>kod</code>); rubriken är den som visas på "
          "sidorna.</p>" + _table_docs(staging, titles)
    )
    nav = [("Alla utgåvor", "../../index.html"), ("Sammanfattning", "summary.html")]
    (staging / "index.html").write_text(
        page(f"Tillgång eller belastning? {r.name} {e.edition}", body, nav), encoding="utf-8")
    from kfsk_research.printable import write_printable

    write_printable(report)  # report.html: summary and chapter pages exist by now


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
    """The claim in words; its id stays in ``check.csv`` and on the row's ``id``."""
    return _text(r.claim)


def _rounded_note(r, recomputed_decimals: int) -> str:
    """Under a rate or percent the report printed as a whole number while the recomputed
    value shows decimals: ``avrundat till heltal i rapporten``."""
    if (r.unit == "boolean" or pd.isna(r.published) or r.decimals != 0
            or recomputed_decimals <= r.decimals):
        return ""
    return '<br><small class="note">avrundat till heltal i rapporten</small>'


def _status_cell(status: str) -> str:
    from kfsk_research.check import status_sv

    return f"<strong>{html.escape(status_sv(status))}</strong>"


def _status_class(status: str) -> str:
    return "status-" + status.split(" ", maxsplit=1)[0]


def _check_section(part: pd.DataFrame, kind: str) -> str:
    """One table of check.html: the columns that make sense for the kind of row."""
    rows, classes, ids = [], [], []
    for r in part.itertuples(index=False):
        ids.append(r.id)
        dec = _recomputed_decimals(r.unit, r.decimals)
        published = _shown(r.published, r.unit, r.decimals) + _rounded_note(r, dec)
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
    return table_html(header, rows, numeric, row_classes=classes, row_ids=ids)


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
    claims = count_sv(c_n, "påstående", "påståenden", neuter=True)
    if c_ok == c_n:
        claim_text = (f"Data bekräftar {'alla ' if c_n > 2 else 'båda ' if c_n == 2 else ''}"
                      f"{claims} i ord (ja/nej).")
    elif c_ok == 0:
        claim_text = f"Data bekräftar inget av {claims} i ord (ja/nej)."
    else:
        claim_text = f"Data bekräftar {_n(c_ok, c_n)} av {claims} i ord (ja/nej)."
    checks = count_sv(k_n, "konsistenskontroll", "konsistenskontroller")
    if k_ok == k_n:
        consistency = (f"{'Alla ' if k_n > 2 else 'Båda ' if k_n == 2 else ''}{checks} "
                       f"visar att rapportens tal stämmer med varandra.")
        consistency = consistency[0].upper() + consistency[1:]
    else:
        consistency = (f"Av {checks} är {_n(k_ok, k_n)} konsistenta och "
                       f"{_n(k_n - k_ok, k_n)} inkonsistent{'a' if k_n - k_ok != 1 else ''}.")
    parts = [f"Av {count_sv(n, 'tal', 'tal', neuter=True)} med källa är {_n(ok, n)} "
             f"reproducerade eller inom tolerans och {_n(differs, n)} avviker.",
             claim_text, consistency,
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
