"""Swedish titles and captions of every table and figure, defined once.

``table_entry("reception_county")`` and ``figure_entry("map_received_per_1000_2018")``
return an :class:`Entry`; ids ending in a year (``_2018``) use the entry of their
prefix with ``{year}`` filled in. Used by the index page, the summary and the chapters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """A table's or figure's title and caption (Swedish)."""

    title: str
    caption: str


_KOLADA = "Källa: Kolada (RKA)"
TABLES: dict[str, Entry] = {
    "reception_municipality": Entry(
        "Mottagna per kommun och år",
        "Kommunmottagna under året (Kolada N01986), varav efter anvisning (N01987), och "
        "folkmängd 31 december året före (N01951); mottagna per 1\u00a0000 invånare. "
        + _KOLADA + " (Migrationsverket, SCB)."),
    "reception_county": Entry(
        "Mottagna senaste 24 månaderna per 1\u00a0000 invånare, per län (figur 4)",
        "Mottagna år T−1 och T per 1\u00a0000 invånare 31 december T−1; länets värde är "
        "kommunsnittet (ovägt medel av kommunerna), det befolkningsvägda värdet står i egen "
        "kolumn. " + _KOLADA + " (Migrationsverket, SCB)."),
    "reception_24m_region": Entry(
        "Mottagna senaste 24 månaderna per 1\u00a0000 invånare, regionen",
        "Regionens kommunsnitt och befolkningsvägda värde jämfört med riket. "
        + _KOLADA + "."),
    "quota_vs_received": Entry(
        "Kommuntal och mottagna",
        "Kommuntal enligt Migrationsverkets anvisningar mot mottagna; kvoten saknas där "
        "kommunen inte har något kommuntal. Källa: Migrationsverket; Kolada (RKA)."),
    "received_after_assignment": Entry(
        "Mottagna totalt och efter anvisning",
        "Kommunmottagna (Kolada N01986) och mottagna efter anvisning enligt bosättningslagen "
        "(N01987) per år i regionen. " + _KOLADA + " (Migrationsverket)."),
    "establishment_gender": Entry(
        "Etableringen per år och kön (figur 1–3)",
        "Inskrivna, avslutade och andel till arbete eller studier i etableringsuppdraget "
        "(från 2018 etableringsprogrammet), summerat över regionens kommuner. "
        + _KOLADA + " (Arbetsförmedlingen)."),
    "gender_balance": Entry(
        "Kvinnor och män i etableringen per år",
        "Vilket kön som var flest bland de inskrivna varje år, med antal. "
        + _KOLADA + " (Arbetsförmedlingen)."),
    "establishment_gaps": Entry(
        "Luckor i etableringsstatistiken",
        "Kommuner utan uppgift per år och kön: Kolada döljer små tal. "
        + _KOLADA + "."),
    "survey_respondents": Entry(
        "Respondenter per kommun i enkäten 2018",
        "Antal respondenter per skånsk kommun i Länsstyrelsens och Kommunförbundet Skånes "
        "enkät vintern 2017–våren 2018. Källa: Kommunförbundet Skåne (2018), kapitel 4."),
    "bakgrund_nyckeltal": Entry(
        "Nyckeltal ur rapportens inledning",
        "Uppgifter som bara finns i rapporten, med avsnitt och sida. "
        "Källa: Kommunförbundet Skåne (2018)."),
    "report_af_etablering": Entry(
        "Etableringsuppdraget i riket enligt rapporten",
        "Arbetsförmedlingens riksuppgifter som rapporten återger, med avsnitt och sida. "
        "Källa: Kommunförbundet Skåne (2018)."),
    "regionalt_arbete_nyckeltal": Entry(
        "Nyckeltal om det regionala arbetet",
        "Uppgifter om Kommunförbundet Skånes regionala arbete ur rapporten. "
        "Källa: Kommunförbundet Skåne (2018)."),
    "survey_oversikt": Entry(
        "Enkäten i siffror",
        "Enkätens omfattning enligt rapporten. Källa: Kommunförbundet Skåne (2018)."),
    "goda_exempel_nyckeltal": Entry(
        "Siffror ur de goda exemplen",
        "Uppgifter ur rapportens goda exempel. Källa: Kommunförbundet Skåne (2018)."),
    "check": Entry(
        "Kontroll mot rapportens tryckta tal",
        "Varje prövbart tal i rapporten 2018 omräknat från källorna, med status och "
        "förklaring; gäller Skåne och riket."),
    "changes_received_per_1000": Entry(
        "Förändring av mottagna per 1\u00a0000 invånare per kommun",
        "Mottagna per 1\u00a0000 invånare utgåvans två sista dataår och förändringen, "
        "sorterat efter förändringens storlek. " + _KOLADA + "."),
    "changes_rank": Entry(
        "Kommunernas rangordning efter mottagna per 1\u00a0000 invånare",
        "Rang (1 = flest mottagna per 1\u00a0000 invånare) de två sista dataåren och "
        "förändringen; kommuner utan värde får ingen rang. " + _KOLADA + "."),
    "changes_source_revisions": Entry(
        "Ändrade värden mot ett tidigare bygge",
        "Samma kommun och år med olika värden i föregående utgåvas bygge och i detta."),
    "changes_source_disagreements": Entry(
        "Mottagna enligt Kolada och Migrationsverket",
        "Kommunmottagna per kommun och år i Kolada (N01986) och i Migrationsverkets filer, "
        "och skillnaden."),
}

FIGURES: dict[str, Entry] = {
    "fig1_establishment_participants": Entry(
        "Inskrivna i etableringen efter kön (figur 1)",
        "Inskrivna under året, kvinnor och män; streckade staplar är minsta antal där "
        "någon kommun saknar uppgift. " + _KOLADA + " (Arbetsförmedlingen, N00960)."),
    "fig2_establishment_education": Entry(
        "Utbildningsnivå bland inskrivna efter kön (figur 2)",
        "Andel av de inskrivna med förgymnasial, gymnasial och eftergymnasial utbildning. "
        + _KOLADA + " (Arbetsförmedlingen, N00961–N00963)."),
    "fig3_establishment_exits": Entry(
        "Avslutade till arbete eller studier efter kön (figur 3)",
        "Avslutade gånger andelen i arbete eller studier efter 90 dagar; streckat där någon "
        "kommun saknar uppgift. " + _KOLADA + " (Arbetsförmedlingen, N00964, N00973)."),
    "fig4_county_reception": Entry(
        "Mottagna senaste 24 månaderna per 1\u00a0000 invånare per län, {year} (figur 4)",
        "Kommunsnitt per län; regionens län markerade. " + _KOLADA
        + " (Migrationsverket, SCB; N01986, N01951)."),
    "map_received_per_1000": Entry(
        "Karta: kommunmottagna per 1\u00a0000 invånare, {year}",
        "Mottagna under året per 1\u00a0000 invånare 31 december året före; streckat = "
        "uppgift saknas. " + _KOLADA + " (Migrationsverket, SCB)."),
    "map_quota_ratio": Entry(
        "Karta: mottagna i förhållande till kommuntal, {year}",
        "Mottagna delat med kommuntalet; kommuner utan kommuntal har ingen kvot. "
        "Källa: Migrationsverket; Kolada (RKA)."),
    "map_survey_respondents": Entry(
        "Karta: respondenter per kommun i enkäten {year}",
        "Antal respondenter per kommun. Källa: Kommunförbundet Skåne (2018), kapitel 4."),
    "survey_strategi": Entry(
        "Övergripande strategi i kommunen (figur 5)",
        "Andel respondenter per svar, ungefärliga andelar ur rapportens text. "
        "Källa: Kommunförbundet Skåne (2018), kapitel 4."),
    "yrkes_sfi_ansokningar_kon": Entry(
        "Ansökningar till Yrkes-SFI efter kön, april 2018",
        "Antal ansökningar, kvinnor och män. Källa: Kommunförbundet Skåne (2018), "
        "avsnitt 3.8."),
}

_YEAR = re.compile(r"^(?P<prefix>.+)_(?P<year>(19|20)\d\d)$")


def _lookup(registry: dict[str, Entry], item_id: str) -> Entry:
    if item_id in registry:
        return registry[item_id]
    m = _YEAR.match(item_id)
    if m and m["prefix"] in registry:
        e = registry[m["prefix"]]
        return Entry(e.title.format(year=m["year"]), e.caption.format(year=m["year"]))
    raise KeyError(f"no Swedish title for '{item_id}'; add it to kfsk_research/catalogue.py")


def table_entry(table_id: str) -> Entry:
    """Title and caption of ``tables/<table_id>.csv``; ``KeyError`` if not catalogued."""
    return _lookup(TABLES, table_id)


def figure_entry(figure_id: str) -> Entry:
    """Title and caption of ``figures/<figure_id>.png``; ``KeyError`` if not catalogued."""
    return _lookup(FIGURES, figure_id)
