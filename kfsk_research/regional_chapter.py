"""Chapters written for a region rather than retold from Skåne's 2018 report.

Two kinds of notebook use this module (through ``kfsk_research.chapter``):

- ``03_regionalt_arbete_<region>``: a region's own chapter 3, summarised from one of the
  region's documents (:data:`DOCUMENTS`). :class:`RegionalChapter` refuses any other
  region, names its source document and year in the header and credits that document,
  not the 2018 report, in :meth:`RegionalChapter.sources`.
- ``01_bakgrund_region``: chapter 1 for any region other than Skåne
  (:class:`RegionBackground`): what the report is for the region, which chapters it has
  and which parts of the Skåne report it leaves out. The sentences that depend on the
  region are built by the ``*_sv`` functions below (counts in words, names escaped).
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field

from kfsk_research.chapters import CHAPTERS, chapter_spec
from kfsk_research.context import Chapter, _chapter_list, _html, _markdown
from kfsk_research.editions import load_config
from kfsk_research.errors import ConfigError
from kfsk_research.formatting import count_sv, genitive_sv, join_sv, number_sv, percent_sv

BACKGROUND_NOTEBOOK = "01_bakgrund_region"
# The region whose report the project rebuilds: its chapter 1 is notebooks/01_bakgrund.ipynb.
ORIGINAL_REGION = "skane"
SKANE_COUNTY = "12"
# a region's chapters when the configuration does not say (config.toml's [chapters] default)
DEFAULT_CHAPTERS = ("01_bakgrund", "02_etablering", "07_utfall")
# The 2018 report, as the model of every other region's report (bibliographic data from
# kfsk_research/data/report_facts.csv and Kommunförbundet Skåne's news item on it).
ORIGINAL_TITLE = "Tillgång eller belastning? En rapport om etablering och integration i " \
                 "Skånes kommuner"
ORIGINAL_CITATION = f"Kommunförbundet Skåne, *{ORIGINAL_TITLE}* (2018)"


@dataclass(frozen=True)
class SourceDocument:
    """A region's own document that one regional chapter notebook summarises."""

    notebook: str
    """Notebook name without ``.ipynb`` (``03_regionalt_arbete_goteborgsregionen``)."""
    chapter_id: str
    """The report chapter it writes for the region (``03_regionalt_arbete``)."""
    region_id: str
    title: str
    organisation: str
    kind: str
    """What the document is, with its article (``en förstudie …``, ``ett underlag …``)."""
    detail: str
    """When and by whom, following :attr:`kind` in running text."""
    cited_as: str
    """What the document is, after its title in the list of sources."""
    summarised: str
    """What the chapter summarises, before the title (``projektbeskrivningen för``)."""
    years: tuple[int, ...]
    """First and last year of :attr:`period`."""
    relation: str
    """The chapter's relation to its source, for the header (no braces)."""
    numbers: dict[str, float] = field(default_factory=dict)
    """Numbers the document states, by name (``*_sek`` in kronor)."""
    municipalities: tuple[str, ...] = ()
    """The municipalities the document names, spelt as in the municipality list."""

    @property
    def year_text(self) -> str:
        """``2009–2010`` or ``2019``."""
        first, last = self.years[0], self.years[-1]
        return str(first) if first == last else f"{first}–{last}"

    @property
    def citation(self) -> str:
        """Organisation, title in italics, kind and year (Markdown, escaped)."""
        return (f"{html.escape(self.organisation)}, *{html.escape(self.title)}*, "
                f"{html.escape(self.cited_as)} ({self.year_text})")


# Facts read from the documents in /work/shared/seeds/ (file named per entry).
DOCUMENTS: dict[str, SourceDocument] = {d.notebook: d for d in (
    # seeds/gr-kommungemensam-plattform-nyanlanda.txt: the project page of an ESF project,
    # "Projektfas Förprojektering", owner "Göteborgsregionens kommunalförbund, GR",
    # "Projektperiod 2009-09-01 till 2010-03-31", "Beviljat ESF-stöd 425 759 kr",
    # "Total projektbudget 709 599 kr", and a list of 13 municipalities ("Lilla-Edet" there).
    SourceDocument(
        notebook="03_regionalt_arbete_goteborgsregionen",
        chapter_id="03_regionalt_arbete",
        region_id="goteborgsregionen",
        title="Kommungemensam plattform för nyanlända",
        organisation="Göteborgsregionens kommunalförbund (GR)",
        kind="en förstudie (förprojektering) med stöd från Europeiska socialfonden",
        detail="som GR drev från den 1 september 2009 till den 31 mars 2010",
        cited_as="projektbeskrivning för en förstudie med stöd från Europeiska socialfonden",
        summarised="projektbeskrivningen för",
        years=(2009, 2010),
        relation="bygger på Göteborgsregionens förstudie *Kommungemensam plattform för "
                 "nyanlända* (ESF, 2009–2010)",
        numbers={"esf_support_sek": 425759, "total_budget_sek": 709599},
        municipalities=("Ale", "Alingsås", "Göteborg", "Härryda", "Kungsbacka", "Kungälv",
                        "Lerum", "Lilla Edet", "Mölndal", "Partille", "Stenungsund", "Tjörn",
                        "Öckerö"),
    ),
    # seeds/blekinge-integrationsradet-handlingsplan-2019.txt: "Underlag för handlingsplan
    # för regionala utvecklingsområden", reading "inför Integrationsrådets möte den
    # 12 september 2019"; the county's municipalities adopted RÖK 2019–2021 in spring 2019.
    SourceDocument(
        notebook="03_regionalt_arbete_blekinge",
        chapter_id="03_regionalt_arbete",
        region_id="blekinge",
        title="Underlag för handlingsplan för regionala utvecklingsområden",
        organisation="Integrationsrådet i Blekinge",
        kind="ett underlag till rådets handlingsplan",
        detail="skrivet inför rådets möte den 12 september 2019",
        cited_as="underlag till rådets handlingsplan, inför mötet den 12 september 2019",
        summarised="",
        years=(2019,),
        relation="bygger på *Underlag för handlingsplan för regionala utvecklingsområden* "
                 "till Integrationsrådet i Blekinge (2019)",
    ),
)}


def document_for(notebook: str) -> SourceDocument:
    """The source document of a regional chapter notebook (KeyError naming the known ones)."""
    if notebook not in DOCUMENTS:
        raise KeyError(f"no source document for notebook '{notebook}'; known: "
                       f"{', '.join(sorted(DOCUMENTS))}")
    return DOCUMENTS[notebook]


def is_regional(chapter_id: str) -> bool:
    """True for the notebooks this module serves (regional chapter 3s, ``01_bakgrund_region``)."""
    return chapter_id in DOCUMENTS or chapter_id == BACKGROUND_NOTEBOOK


def regional_chapter(notebook: str, edition: int = 2018, region: str = "skane",
                     data_dir: str | os.PathLike[str] | None = None,
                     output_dir: str | os.PathLike[str] | None = None) -> Chapter:
    """The chapter context of a regional notebook (see :func:`is_regional`)."""
    if notebook == BACKGROUND_NOTEBOOK:
        return RegionBackground(edition, region, data_dir, output_dir)
    return RegionalChapter(notebook, edition, region, data_dir, output_dir)


# -- sentences (Markdown, names escaped) ---------------------------------------------------
def members_phrase_sv(name: str, n: int) -> str:
    """The region's municipalities as a phrase: ``Blekinges fem kommuner``, ``Sveriges 290
    kommuner``; one member: ``Malmö (en kommun)``."""
    name = html.escape(name)
    if n == 1:
        return f"{name} (en kommun)"
    return f"{genitive_sv(name)} {count_sv(n, 'kommun', 'kommuner')}"


def counties_sentence_sv(county_names: list[str], all_counties: int,
                         explicit: bool) -> str:
    """Which counties the region's municipalities lie in: every county (``alla landets 21
    län``), several, or, for a list of municipalities, even one; empty for a region that
    is one county."""
    k = len(county_names)
    if k == all_counties and k > 1:
        return f"Kommunerna ligger i alla landets {count_sv(k, 'län', 'län', neuter=True)}."
    if k > 1 or explicit:
        names = join_sv([html.escape(c) for c in county_names])
        return f"Kommunerna ligger i {count_sv(k, 'län', 'län', neuter=True)}: {names}."
    return ""


def purpose_sv(name: str, n: int, first_year: int, last_year: int, edition: int) -> str:
    """What the report is for the region (one paragraph)."""
    return (f"Utgåva {edition} för {html.escape(name)} ställer samma frågor som "
            "Kommunförbundet Skånes rapport *Tillgång eller belastning?* (2018) ställde om "
            "Skånes kommuner, men besvarar dem för "
            f"{members_phrase_sv(name, n)}. Svaren räknas fram ur öppna data – Kolada, "
            f"Migrationsverket och SCB – för åren {first_year}–{last_year}, med samma "
            "definitioner för varje region, så att talen går att jämföra med Skånes och "
            "med andra regioners.")


def questions_sv(chapters: list[str], programme: str) -> str:
    """The report's questions that the region's data chapters answer (a Markdown list);
    empty when it has neither chapter 2 nor chapter 7."""
    items = []
    if "02_etablering" in chapters:
        items += [
            "Hur många nyanlända tog kommunerna emot per 1\u00a0000 invånare, och hur "
            "skiljer sig kommunerna åt? (kapitel\u00a02)",
            "Tog kommunerna emot fler eller färre än sina kommuntal – det antal nyanlända som "
            "en kommun enligt bosättningslagen ska ta emot under ett år efter anvisning från "
            "Migrationsverket? Kommuntal per kommun finns i projektets data bara för 2018. "
            "(kapitel\u00a02)",
            f"Hur många kvinnor och män deltog i {programme}, vilken utbildning hade de, och "
            "hur många gick vidare till arbete eller studier? (kapitel\u00a02)",
        ]
    if "07_utfall" in chapters:
        items.append("Hur det har gått för flyktingar på arbetsmarknaden, hur stor del av "
                     "deras inkomst som var försörjningsstöd, vad mottagandet kostade "
                     "kommunerna och vad ett räkneexempel ger för kostnaderna framåt "
                     "(kapitel\u00a07)")
    return "\n".join(f"- {i}" for i in items)


def _description(chapter_id: str, programme: str, document: SourceDocument | None) -> str:
    """One line on what a chapter holds for a region other than Skåne."""
    if chapter_id == "01_bakgrund":
        return "det här kapitlet: vad rapporten är och vad den inte innehåller"
    if chapter_id == "02_etablering":
        return (f"mottagandet per 1\u00a0000 invånare, mottagandet mot kommuntalen och "
                f"{programme} för kvinnor och män, ur Kolada, Migrationsverket och SCB")
    if chapter_id == "03_regionalt_arbete":
        if document is not None:
            return (f"en sammanfattning av {html.escape(document.kind)}: "
                    f"{html.escape(document.organisation)}, *{html.escape(document.title)}* "
                    f"({document.year_text})")
        return "Kommunförbundet Skånes arbete och samverkan i Skåne, ur rapporten 2018"
    if chapter_id == "07_utfall":
        return ("flyktingars arbete och försörjning, kommunernas kostnader för mottagandet och "
                "ett räkneexempel för kostnaderna, ur Kolada")
    return "ur rapporten 2018, om Skåne"


def chapters_sv(name: str, chapters: list[str], programme: str,
                document: SourceDocument | None) -> str:
    """The chapters of the region's report, one line each, and which numbers are absent."""
    specs = [chapter_spec(c) for c in chapters]
    lines = [f"Rapporten för {html.escape(name)} har "
             f"{count_sv(len(specs), 'kapitel', 'kapitel', neuter=True)}:", ""]
    lines += [f"- **Kapitel {int(s.number)} {html.escape(s.title)}** – "
              f"{_description(s.chapter_id, programme, document)}." for s in specs]
    absent = [int(c.number) for c in CHAPTERS if c.chapter_id not in chapters]
    if absent:
        numbers = _chapter_list(absent)
        lines += ["", f"Kapitlen har samma nummer som i Skånerapporten, så kapitel {numbers} "
                  "saknas här."]
    return "\n".join(lines)


# what each of the Skåne report's own chapters holds, for the sentence on what is left out
_SKANE_OWN = {
    "03_regionalt_arbete": ("Kommunförbundet Skånes eget arbete och den regionala samverkan "
                            "i Skåne (kapitel\u00a03)"),
    "04_enkat": ("enkäten till tjänstepersoner i Skånes kommuner vintern 2017 och våren 2018 "
                 "(kapitel\u00a04)"),
    "05_goda_exempel": "de goda exemplen från skånska kommuner och projekt (kapitel\u00a05)",
    "06_rekommendationer": ("förbundets råd och rekommendationer till Skånes kommuner "
                            "(kapitel\u00a06)"),
}


def left_out_sv(name: str, chapters: list[str], within_skane: bool = False) -> str:
    """Which parts of the Skåne report the region's report does not show, and why;
    ``within_skane``: every member lies in Skåne, so those parts cover it too."""
    name = html.escape(name)
    own = [text for cid, text in _SKANE_OWN.items() if cid not in chapters]
    other = [c for c in CHAPTERS if c.chapter_id not in chapters
             and c.chapter_id not in _SKANE_OWN]
    out = []
    if own:
        they = "Den delen" if len(own) == 1 else "De delarna"
        if within_skane:
            out.append(f"Ur Skånerapporten visas inte {join_sv(own)}. {they} gäller hela "
                       f"Skåne, också kommunerna i {name}, och finns i projektets återskapade "
                       "Skånerapport.")
        else:
            out.append(f"Ur Skånerapporten visas inte {join_sv(own)}. {they} bygger på material "
                       "som Kommunförbundet Skåne samlade in om Skåne och gäller bara Skåne; "
                       f"något motsvarande underlag för {name} finns inte i projektet.")
    if other:
        titles = join_sv([f"kapitel\u00a0{int(c.number)} ({html.escape(c.title)})"
                          for c in other])
        out.append(f"Också {titles} ingår inte, eftersom projektets konfiguration inte "
                   f"väljer {'det' if len(other) == 1 else 'dem'} för {name}.")
    return " ".join(out)


def document_time_sv(document: SourceDocument, edition: int, first_year: int,
                     last_year: int) -> str:
    """How the document's years relate to the edition's data years (one sentence)."""
    start, end = document.years[0], document.years[-1]
    years = f"{first_year}–{last_year}"
    if end < first_year:
        gap = first_year - end
        when = (f"{count_sv(gap, 'år', 'år', neuter=True)} före de år ({years}) som "
                f"statistiken i utgåva {edition} gäller")
    elif start > last_year:
        when = f"efter de år ({years}) som statistiken i utgåva {edition} gäller"
    else:
        when = f"under de år ({years}) som statistiken i utgåva {edition} gäller"
    return (f"Dokumentet är från {document.year_text}, alltså {when}; det beskriver planer "
            "och bedömningar då, inte senare resultat.")


def wrong_region_message(notebook: str, region_id: str, right: str, right_name: str) -> str:
    """One line: the regional notebook belongs to another region."""
    return (f"notebooks/{notebook}.ipynb is written for region '{right}' ({right_name}) "
            f"only, not '{region_id}'; run it with region=\"{right}\" "
            f"(papermill -p region {right})")


class RegionalChapter(Chapter):
    """A region's own chapter from one of its documents (:data:`DOCUMENTS`)."""

    RELATION = "bygger på ett eget underlag för regionen, inte på rapporten 2018"

    def __init__(self, notebook: str, edition: int = 2018, region: str = "skane",
                 data_dir: str | os.PathLike[str] | None = None,
                 output_dir: str | os.PathLike[str] | None = None) -> None:
        doc = document_for(notebook)
        config = load_config()
        chosen = config.region(region)  # unknown ids fail here, naming the valid ones
        if chosen.region_id != doc.region_id:  # before any data is loaded
            raise ConfigError(wrong_region_message(notebook, chosen.region_id, doc.region_id,
                                                   config.region(doc.region_id).name))
        self.document = doc
        self.RELATION = doc.relation
        super().__init__(doc.chapter_id, edition, region, data_dir, output_dir)
        for key, value in doc.numbers.items():
            self.values[key] = number_sv(value, 0)
        if {"esf_support_sek", "total_budget_sek"} <= set(doc.numbers):
            self.values["esf_share"] = percent_sv(
                doc.numbers["esf_support_sek"] / doc.numbers["total_budget_sek"], 0)
        self.values["members"] = count_sv(len(self.members), "kommun", "kommuner")

    def document_notice(self) -> None:
        """A labelled box: which document the chapter summarises, its kind and year, and
        how its years relate to the edition's."""
        d, e = self.document, self.edition
        _html(f'<div class="kfsk-notice"><strong>Källa: {html.escape(d.organisation)}, '
              f"{d.year_text}.</strong> Kapitlet sammanfattar med egna ord "
              + (html.escape(d.summarised) + " " if d.summarised else "")
              + f"<em>{html.escape(d.title)}</em>, {html.escape(d.kind)} "
              f"{html.escape(d.detail)}. "
              + html.escape(document_time_sv(d, e.edition, e.data_years[0], e.last_year))
              + " Kapitlet ersätter Skånerapportens kapitel 3, som handlar om Skåne.</div>")

    def document_members(self) -> None:
        """The municipalities the document names, compared with the region's members."""
        names = self.ds.registry.municipalities.set_index("municipality_id")[
            "municipality_name"]
        members = sorted(str(names[m]) for m in self.members)
        named = list(self.document.municipalities)
        region = html.escape(self.region.name)
        text = (f"Dokumentet räknar upp {count_sv(len(named), 'kommun', 'kommuner')}: "
                f"{join_sv([html.escape(n) for n in named])}.")
        missing, extra = sorted(set(members) - set(named)), sorted(set(named) - set(members))
        if not missing and not extra:
            text += (f" Det är samma kommuner som {region} omfattar i den här rapporten "
                     "(kapitel\u00a02 och 7 räknar på just dem).")
        else:
            if missing:
                text += (f" Av {genitive_sv(region)} kommuner i den här rapporten nämns inte "
                         f"{join_sv([html.escape(m) for m in missing])}.")
            if extra:
                text += (f" {join_sv([html.escape(x) for x in extra])} ingår inte i {region} "
                         "i den här rapporten.")
        _markdown(text)

    def sources(self) -> None:
        """The document the chapter summarises; the 2018 report only if a report fact was
        used on the page."""
        from kfsk_research.context import SOURCE_REPORT

        items = [self.document.citation]
        if self.__dict__.get("_report_used"):
            items.append(html.escape(SOURCE_REPORT.removeprefix("Källa: "))
                         + " (uppgifter som endast finns i rapporten)")
        if self.document.municipalities:
            items.append("Regionens kommuner: projektets kommunlista (SCB:s kommunkoder)")
        _markdown("### Källor\n\n" + "\n".join(f"- {i}" for i in items))


class RegionBackground(Chapter):
    """Chapter 1 for a region other than Skåne (``notebooks/01_bakgrund_region.ipynb``)."""

    RELATION = ("skrivet för regionen; förlagan är kapitel {section} i Kommunförbundet Skånes "
                "rapport (2018)")

    def __init__(self, edition: int = 2018, region: str = "blekinge",
                 data_dir: str | os.PathLike[str] | None = None,
                 output_dir: str | os.PathLike[str] | None = None) -> None:
        config = load_config()
        chosen = config.region(region)
        if chosen.region_id == ORIGINAL_REGION:
            raise ConfigError(
                f"notebooks/{BACKGROUND_NOTEBOOK}.ipynb is chapter 1 for regions other than "
                f"{config.region(ORIGINAL_REGION).name}; region '{ORIGINAL_REGION}' has its "
                "own chapter 1, notebooks/01_bakgrund.ipynb")
        super().__init__("01_bakgrund", edition, region, data_dir, output_dir)
        # the region's chapters from the config (the [chapters] default when it lists none)
        self.chapter_ids = list(getattr(chosen, "chapters", ())) or list(DEFAULT_CHAPTERS)
        own = dict(getattr(chosen, "notebooks", ())).get("03_regionalt_arbete")
        self.document = DOCUMENTS.get(own) if own else None

    def purpose(self) -> None:
        """What the report is for this region, and the counties its municipalities lie in."""
        e = self.edition
        table = self.ds.registry.region_table(self.region)
        counties = sorted(table["county_name"].astype(str).unique())
        all_counties = len(self.ds.registry.county_names())
        text = purpose_sv(self.region.name, len(self.members), e.data_years[0], e.last_year,
                          e.edition)
        where = counties_sentence_sv(counties, all_counties, bool(self.region.municipalities))
        _markdown(text + (" " + where if where else ""))

    def questions(self) -> None:
        """The questions the region's data chapters answer (a list)."""
        text = questions_sv(self.chapter_ids, self.programme())
        if text:
            _markdown(text)

    def chapters(self) -> None:
        """The region's chapters with a line on each, and the numbers it lacks."""
        _markdown(chapters_sv(self.region.name, self.chapter_ids, self.programme(),
                              self.document))

    def left_out(self) -> None:
        """Which parts of the Skåne report are not shown for this region, and why."""
        counties = set(self.ds.registry.region_table(self.region)["county_id"].astype(str))
        text = left_out_sv(self.region.name, self.chapter_ids, counties == {SKANE_COUNTY})
        if text:
            _markdown(text)

    def sources(self) -> None:
        """The 2018 report as the model; the municipality list that defines the region."""
        _markdown("### Källor\n\n"
                  f"- Förlaga: {ORIGINAL_CITATION} – frågorna och kapitelindelningen\n"
                  "- Regionens kommuner och län: projektets kommunlista (SCB:s kommun- och "
                  "länskoder)")
