"""How to download and cite what a report shows, in Swedish.

Under every figure and table of a chapter: a download line (``Ladda ner: data (CSV) ·
bild (PNG) · bild (SVG)``) and a citation naming the sources with their Kolada KPI ids
and retrieval dates, the edition, the region and the package version. For a whole report:
``tables.zip`` (every ``tables/*.csv`` and a ``README.txt`` of their columns) and
``CITATION.txt``. Retrieval dates come from ``kolada/provenance.json`` of the data
directory in use (``fetched_at`` per KPI); where there is none the text says
"hämtningsdatum okänt" and never guesses one.

Sources are named by the keys the catalogue uses (:mod:`kfsk_research.catalogue`): a Kolada
KPI id (``"N01986"``), an input file relative to the data directory
(``"migrationsverket/anvisningar_kommuntal_2018.csv"``, ``"scb/population.csv"``), or
``"report"`` for Kommunförbundet Skåne's 2018 report.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from kfsk_research import __version__
from kfsk_research.fields import input_sv
from kfsk_research.formatting import count_sv, join_sv

PACKAGE = "kfsk-research"
PROVENANCE = "kolada/provenance.json"
UNKNOWN_DATE = "hämtningsdatum okänt"
KOLADA_SV = "Kolada (RKA)"
REPORT = "report"
REPORT_SV = "Kommunförbundet Skåne, Tillgång eller belastning? (2018)"
REPORT_TITLE = "Tillgång eller belastning?"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o644
_KPI = re.compile(r"^([NU])(\d{5})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def is_kpi(source: str) -> bool:
    """Whether a source key is a Kolada KPI id (``N01986``, ``U31001``)."""
    return bool(_KPI.match(source))


def source_input(source: str) -> str | None:
    """The input file of a source key relative to the data directory (``N01986`` →
    ``kolada/N01986.csv``); ``None`` for the 2018 report."""
    if source == REPORT:
        return None
    return f"kolada/{source}.csv" if is_kpi(source) else source


def retrieval_dates(data_dir: str | Path) -> dict[str, str]:
    """KPI id → retrieval date (``YYYY-MM-DD``, the date part of ``fetched_at``) from
    ``kolada/provenance.json`` in ``data_dir``; empty when the file is absent or unreadable,
    and without the KPIs whose entry has no date."""
    try:
        entries = json.loads((Path(data_dir) / PROVENANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(entries, dict):
        return {}
    out = {}
    for kpi, entry in entries.items():
        fetched = entry.get("fetched_at") if isinstance(entry, dict) else None
        if isinstance(fetched, str) and _DATE.match(fetched):
            out[str(kpi)] = fetched[:10]
    return out


def kpi_list_sv(kpis: Iterable[str]) -> str:
    """KPI ids sorted, runs of three or more consecutive ids as a range:
    ``N00960, N00961, N00962, N00963`` → ``N00960–N00963``; ``N01951 och N01986``."""
    ids = sorted(set(kpis))
    runs: list[list[str]] = []
    for k in ids:
        m, last = _KPI.match(k), _KPI.match(runs[-1][-1]) if runs else None
        if (m and last and m[1] == last[1] and int(m[2]) == int(last[2]) + 1):
            runs[-1].append(k)
        else:
            runs.append([k])
    items: list[str] = []
    for r in runs:
        items += [f"{r[0]}–{r[-1]}"] if len(r) > 2 else r
    return join_sv(items)


MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
             "september", "oktober", "november", "december")


def date_sv(date: str) -> str:
    """``2024-08-31`` → ``31 augusti 2024`` (a date in running Swedish text; a no-break
    space keeps the day with its month)."""
    year, month, day = (int(x) for x in date[:10].split("-"))
    return f"{day}\u00a0{MONTHS_SV[month - 1]} {year}"


def retrieved_sv(date: str | None) -> str:
    """``hämtad 31 augusti 2024`` (``date`` as ``YYYY-MM-DD``), or ``hämtningsdatum
    okänt`` without a date."""
    return f"hämtad {date_sv(date)}" if date else UNKNOWN_DATE


def kolada_sv(kpis: Iterable[str], dates: dict[str, str]) -> str:
    """``Kolada (RKA), N01951 och N01986, hämtad 31 augusti 2024``; KPIs retrieved on
    different dates (or without one) each get their own: ``Kolada (RKA), N01986 (hämtad 31
    augusti 2024) och N00485 (hämtningsdatum okänt)``."""
    groups: dict[str | None, list[str]] = {}
    for k in sorted(set(kpis)):
        groups.setdefault(dates.get(k), []).append(k)
    if len(groups) == 1:
        (date, ids), = groups.items()
        return f"{KOLADA_SV}, {kpi_list_sv(ids)}, {retrieved_sv(date)}"
    ordered = sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or ""))
    return f"{KOLADA_SV}, " + join_sv([f"{kpi_list_sv(ids)} ({retrieved_sv(date)})"
                                       for date, ids in ordered])


def pages_sv(pages: Iterable[int]) -> str:
    """``, s. 12`` or ``, s. 12, 14 och 20`` (a no-break space after "s."); empty
    without pages."""
    ps = sorted({int(p) for p in pages})
    return f", s.\u00a0{join_sv([str(p) for p in ps])}" if ps else ""


def sources_sv(sources: Iterable[str], dates: dict[str, str], report_locator: str = ""
               ) -> str:
    """The sources, ``;``-separated: Kolada KPIs with their retrieval dates, other input
    files by their Swedish names (no machine-readable retrieval date: "hämtningsdatum
    okänt"), the 2018 report with ``report_locator`` (``, s. 12``, ``, kap. 4``)."""
    sources = list(dict.fromkeys(sources))
    parts = []
    kpis = [s for s in sources if is_kpi(s)]
    if kpis:
        parts.append(kolada_sv(kpis, dates))
    for s in sources:
        if s != REPORT and not is_kpi(s):
            parts.append(f"{input_sv(s)}, {UNKNOWN_DATE}")
    if REPORT in sources:
        parts.append(REPORT_SV + report_locator)
    return "; ".join(parts)


def processing_sv(edition: int, region_name: str, version: str = __version__) -> str:
    """``bearbetning kfsk-research 0.2.0 (utgåva 2018, Skåne)``."""
    return f"bearbetning {PACKAGE} {version} (utgåva {edition}, {region_name})"


def citation_sv(sources: Iterable[str], dates: dict[str, str], edition: int,
                region_name: str, *, report_locator: str = "", version: str = __version__
                ) -> str:
    """One citation (plain text): ``Källa: Kolada (RKA), N01951 och N01986, hämtad 31
    augusti 2024; bearbetning kfsk-research 0.2.0 (utgåva 2018, Skåne)``."""
    named = sources_sv(sources, dates, report_locator)
    return ("Källa: " + (f"{named}; " if named else "")
            + processing_sv(edition, region_name, version))


def downloads_html(csv: str | None = None, png: str | None = None, svg: str | None = None,
                   *, base: str = "../", lead: str = "Ladda ner") -> str:
    """``Ladda ner: data (CSV) · bild (PNG) · bild (SVG)`` as escaped HTML links
    (``csv``: a table id, ``png``/``svg``: a figure id; relative to ``base``); empty when
    there is nothing to link."""
    links = []
    for item, folder, suffix, text in ((csv, "tables", "csv", "data"),
                                       (png, "figures", "png", "bild"),
                                       (svg, "figures", "svg", "bild")):
        if item:
            href = html.escape(f"{base}{folder}/{item}.{suffix}")
            links.append(f'<a href="{href}">{text}\u00a0({suffix.upper()})</a>')
    if not links:
        return ""
    return f"{html.escape(lead)}: " + " · ".join(links)


def footer_html(downloads: str, citation: str) -> str:
    """The block under a table: the download line and the escaped citation."""
    lines = [f'<span class="downloads">{downloads}</span>'] if downloads else []
    lines.append(f'<span class="source">{html.escape(citation)}</span>')
    return f'<p class="table-data"><small>{"<br>".join(lines)}</small></p>'


def profile_table_footers(report_dir: Path, data_dir: str | Path, edition: int,
                          region_name: str) -> tuple[str, str]:
    """The blocks under a municipality profile's two tables (reception; establishment):
    the reception table links ``tables/reception_municipality.csv`` (every member, the
    data years) where the report has it; the establishment table has no CSV of its own, so only its
    citation."""
    dates = retrieval_dates(data_dir)
    csv = ("reception_municipality"
           if (Path(report_dir) / "tables" / "reception_municipality.csv").is_file() else None)
    # the CSV is chapter 2's table: every member, the edition's data years only
    return (footer_html(downloads_html(csv=csv, lead="Ladda ner kapitel 2:s tabell för alla "
                                       "kommuner och utgåvans dataår"),
                        citation_sv(("N01986", "N01987", "N01951"), dates, edition,
                                    region_name)),
            footer_html("", citation_sv(("N00960", "N00973"), dates, edition, region_name)))


# -- the whole report ------------------------------------------------------------------------
def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    """A zip of ``files`` (name → bytes) in name order, every entry dated 1980-01-01 with
    mode 0644 and deflated: the same files give the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | ZIP_MODE) << 16
            info.create_system = 3
            z.writestr(info, files[name], compresslevel=9)
    return path


def readme_txt(tables: list[tuple[str, str, str, list[tuple[str, str, str, str]]]],
               title: str) -> str:
    """``README.txt`` of ``tables.zip``: per table file its title, caption and columns
    (id, Swedish label, unit, description); ``tables`` as (file, title, caption, columns)."""
    out = [title, "=" * len(title), "",
           "CSV (UTF-8, komma som avgränsare, punkt som decimaltecken; tom cell = uppgift "
           "saknas). Kolumnnamnen är oförändrade id:n; rubriken är den som visas på sidorna.",
           ""]
    for name, t, caption, columns in tables:
        out += [f"{name}: {t}" if t else name]
        if caption:
            out.append(f"  {caption}")
        for col, label, unit, description in columns:
            text = f"  - {col}" + (f": {label}" if label else "") + (f" ({unit})" if unit
                                                                      else "")
            out.append(text + (f". {description}" if description else ""))
        out.append("")
    return "\n".join(out)


def report_title_sv(edition: int, region_name: str) -> str:
    """``Tillgång eller belastning? – Skåne, utgåva 2018``."""
    return f"{REPORT_TITLE} – {region_name}, utgåva {edition}"


def report_citation_sv(edition: int, region_name: str, dates: dict[str, str],
                       sources: Iterable[str] = (), version: str = __version__) -> str:
    """How to cite a whole report in one paragraph (plain text): title, edition, region,
    package version, the sources in short (Kolada with its retrieval dates) and the 2018
    report it rebuilds."""
    sources = list(dict.fromkeys(sources))
    kpis = [s for s in sources if is_kpi(s)]
    known = sorted({dates[k] for k in kpis if k in dates})
    when = (UNKNOWN_DATE if not known else
            f"hämtad {join_sv([date_sv(d) for d in known])}" + (f", delvis {UNKNOWN_DATE}"
                                           if any(k not in dates for k in kpis) else ""))
    named = ([f"{KOLADA_SV}, {when}"] if kpis else []) + list(dict.fromkeys(
        input_sv(s).split(",")[0] for s in sources if s != REPORT and not is_kpi(s)))
    return (f"{report_title_sv(edition, region_name)}. Bearbetning {PACKAGE} {version}, "
            f"efter {REPORT_SV}."
            + (f" Data: {'; '.join(named)}." if named else ""))


def citation_txt(edition: int, region_name: str, sources: Iterable[str],
                 dates: dict[str, str], version: str = __version__) -> str:
    """``CITATION.txt``: how to cite a report, its sources with retrieval dates, the package
    version and the original 2018 report."""
    sources = list(dict.fromkeys(sources))
    kpis = [s for s in sources if is_kpi(s)]
    others = [s for s in sources if s != REPORT and not is_kpi(s)]
    lines = ["Så citerar du rapporten", "",
             report_citation_sv(edition, region_name, dates, sources, version), "",
             "Källor med hämtningsdatum:"]
    if kpis:
        lines.append(f"- {kolada_sv(kpis, dates)} (licens CC BY 4.0)")
    lines += [f"- {input_sv(s)}, {UNKNOWN_DATE}" for s in others]
    lines.append(f"- {REPORT_SV} (uppgifter som endast finns i rapporten, med sidhänvisning "
                 "på sidorna)")
    lines += ["", "Originalrapporten:",
              f"Kommunförbundet Skåne (2018). {REPORT_TITLE} En rapport om etablering och "
              "integration i Skånes kommuner.", "",
              "Bearbetning:",
              f"{PACKAGE} {version}, utgåva {edition}, {region_name}. Tabellerna finns i "
              "tables.zip (med README.txt) och under varje figur och tabell på sidorna.", "",
              "Hämtningsdatum för Kolada kommer ur kolada/provenance.json i dataunderlaget "
              f"(fetched_at per nyckeltal); \"{UNKNOWN_DATE}\" där inget datum finns "
              "maskinläsbart.", ""]
    return "\n".join(lines)


def write_report_downloads(staging: Path, data_dir: str | Path, edition: int,
                           region_name: str) -> str:
    """Write ``tables.zip`` (every ``tables/*.csv`` and ``README.txt``) and ``CITATION.txt``
    into a report's folder ``staging``; return the index page's section linking them
    (HTML). The sources are those of the tables present (from the catalogue)."""
    import pandas as pd

    from kfsk_research.catalogue import table_entry
    from kfsk_research.fields import describe
    from kfsk_research.report_pages import UNIT_SV

    docs, files, sources = [], {}, []
    for path in sorted((staging / "tables").glob("*.csv")):
        try:
            entry = table_entry(path.stem)
            title, caption = entry.title, entry.caption
            sources += entry.sources
        except KeyError:
            title, caption = "", ""
        try:
            columns = [str(c) for c in pd.read_csv(path, nrows=0).columns]
        except (ValueError, OSError):  # an empty file has no header
            columns = []
        docs.append((path.name, title, caption,
                     [(d["name"], d["label_sv"], UNIT_SV.get(d["unit"], d["unit"]),
                       d["description_sv"]) for d in describe(columns)]))
        files[path.name] = path.read_bytes()
    files["README.txt"] = readme_txt(
        docs, f"{report_title_sv(edition, region_name)}: tabeller").encode("utf-8")
    write_zip(staging / "tables.zip", files)
    dates = retrieval_dates(data_dir)
    sources.append(REPORT)
    (staging / "CITATION.txt").write_text(
        citation_txt(edition, region_name, sources, dates), encoding="utf-8")
    cite = html.escape(report_citation_sv(edition, region_name, dates, sources))
    return ("<h2>Ladda ner och citera</h2><ul>"
            f'<li><a href="tables.zip">Alla tabeller (ZIP)</a>: '
            f"{count_sv(len(files) - 1, 'CSV-fil', 'CSV-filer')} och README.txt med "
            "kolumnernas rubriker, enheter och beskrivningar</li>"
            '<li><a href="CITATION.txt">Så citerar du rapporten (CITATION.txt)</a>: källor '
            "med hämtningsdatum och originalrapporten</li></ul>"
            f"<p>Citera så här: {cite}</p>")
