"""Swedish titles and captions of every table and figure, defined once.

``table_entry("reception_county")`` and ``figure_entry("map_received_per_1000_2018")``
return an :class:`Entry`; ids ending in a year (``_2018``) use the entry of their
prefix with ``{year}`` filled in. Used by the index page, the summary and the chapters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Entry:
    """A table's or figure's title and caption (Swedish); ``sources``: what it shows
    comes from (Kolada KPI ids, input files relative to the data directory, ``"report"`` for
    the 2018 report; see :mod:`kfsk_research.citation`); ``table``: for a figure, the
    table whose CSV holds the values it draws (``None`` where there is none)."""

    title: str
    caption: str
    sources: tuple[str, ...] = ()
    table: str | None = None


_KOLADA = "Källa: Kolada (RKA)"
TABLES: dict[str, Entry] = {
    "reception_municipality": Entry(
        "Mottagna per kommun och år",
        "Kommunmottagna under året (Kolada N01986), varav efter anvisning (N01987), och "
        "folkmängd 31 december året före (N01951); mottagna per 1\u00a0000 invånare med "
        "exakt 95 % Poissonintervall. "
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
    "establishment_gender_balance": Entry(
        "Kvinnor och män i etableringen per år",
        "Vilket kön som var flest bland de inskrivna varje år, med antal i kommuner som "
        "redovisar båda könen; tomt där luckorna gör det omöjligt att avgöra. "
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
        "förändringen i platser (positiv = upp i rangordningen, negativ = ned); kommuner "
        "utan värde får ingen rang. " + _KOLADA + "."),
    "changes_source_revisions": Entry(
        "Ändrade värden mot ett tidigare bygge",
        "Samma kommun och år med olika värden i föregående utgåvas bygge och i detta."),
    "changes_source_disagreements": Entry(
        "Mottagna enligt Kolada och Migrationsverket",
        "Kommunmottagna per kommun och år i Kolada (N01986) och i Migrationsverkets filer, "
        "och skillnaden."),
    # chapter 7 (07_utfall): one row per unit and year (members, the region, Sweden 0000)
    "employment_refugees": Entry(
        "Flyktingar i arbete, tio år",
        "Förvärvsarbetande skyddsbehövande och anhöriga 20–64 år, totalt och per kön "
        "(N00700), efter 4–6 och 10+ år i Sverige (N02994, N02995), i arbete eller studier "
        "(N00712) och unga utan arbete eller studier (N00703), procent; regionen som "
        "kommunsnitt, riket som Koladas rad 0000. " + _KOLADA + " (SCB)."),
    "expected_vs_actual": Entry(
        "Flyktingar i arbete mot förväntat värde",
        "Faktisk andel i arbete (N00700), SKR:s förväntade värde (N00485) och avvikelsen i "
        "procentenheter (N00486); regionen som kommunsnitt. " + _KOLADA + " (SCB, SKR)."),
    "costs_reception": Entry(
        "Försörjning och kostnader för flyktingmottagandet",
        "Försörjningsstöd som andel av nettoinkomsten bland flyktingar (N00702), "
        "genomsnittlig månadsutbetalning till flyktinghushåll (N31806), utbetalt ekonomiskt "
        "bistånd per invånare (U31001, även i kronor), kostnad (N40007) och nettokostnad "
        "(N40010) för flyktingmottagandet, deras skillnad och kommunens köp av "
        "flyktingmottagande som andel (N40014); kronor per invånare vägda med folkmängden, "
        "övriga som kommunsnitt. "
        + _KOLADA + " (SCB, Socialstyrelsen)."),
    "reception_vs_employment": Entry(
        "Mottagna 2015–2017 och andel i arbete, alla kommuner",
        "Mottagna 2015–2017 per 1\u00a0000 invånare 31/12 2014 med 95 % Poissonintervall "
        "och andel flyktingar i arbete utgåvans sista dataår. " + _KOLADA
        + " (Migrationsverket, SCB)."),
    "scenario_parameters": Entry(
        "Kostnadsscenariots parametrar",
        "Varje parameter med värde, enhet, standardvärde, källa eller motivering och om den "
        "angavs vid körningen."),
    "scenario_inputs": Entry(
        "Kostnadsscenariots underlag per kommun",
        "Lämnat etableringen (N00964), andel i arbete efter 90 dagar (N00971, 95 % "
        "Wilsonintervall), i arbete eller studier (N00973), i program (N00991), "
        "genomsnittlig månadsutbetalning till flyktinghushåll (N31806) och andel "
        "förvärvsarbetande flyktingar med 4–6 års vistelsetid (N02994). " + _KOLADA + "."),
    "scenario_cost": Entry(
        "Kostnadsscenario: försörjningsstöd per år",
        "Beräknade hushåll och kronor per år, lågt fall, huvudfall och högt fall, per kommun "
        "och för regionen. Ett scenario, ingen prognos."),
    "scenario_vs_outcome": Entry(
        "Kostnadsscenariot mot utfallet",
        "Scenariots kostnad bredvid förändringen av utbetalt ekonomiskt bistånd (U31001 × "
        "folkmängd) och av N00702 sedan utgåvans sista dataår, för år som finns i datan; "
        "en fingervisning, eftersom U31001 gäller alla hushåll. " + _KOLADA + "."),
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
    # chapter 7 (07_utfall)
    "outcome_employment_trend": Entry(
        "Flyktingar i arbete, tio år",
        "Andel förvärvsarbetande flyktingar 20–64 år: kommunerna (grått), regionens "
        "kommunsnitt och riket. " + _KOLADA + " (SCB, N00700)."),
    "map_refugees_employed_pct": Entry(
        "Karta: förvärvsarbetande flyktingar 20–64 år, {year}",
        "Procent; samma klassgränser för alla år; streckat = uppgift saknas. "
        + _KOLADA + " (SCB, N00700)."),
    "map_refugees_employed_deviation_pct": Entry(
        "Karta: avvikelse från förväntad andel i arbete, {year}",
        "Procentenheter, färgskala centrerad på 0 (rött = färre i arbete än förväntat). "
        + _KOLADA + " (SKR, N00486)."),
    "outcome_trend_reception_net_cost_per_inhabitant_sek": Entry(
        "Nettokostnad för flyktingmottagandet per invånare",
        "Kronor per invånare efter alla externa intäkter: kommunerna, regionen (vägt med "
        "folkmängd) och riket. " + _KOLADA + " (SCB, N40010)."),
    "outcome_trend_reception_cost_per_inhabitant_sek": Entry(
        "Kostnad för flyktingmottagandet per invånare",
        "Kronor per invånare före externa intäkter: kommunerna, regionen (vägt med "
        "folkmängd) och riket. " + _KOLADA + " (SCB, N40007)."),
    "outcome_trend_economic_assistance_per_inhabitant_sek": Entry(
        "Utbetalt ekonomiskt bistånd per invånare",
        "Alla hushåll, kronor per invånare: kommunerna, regionen (vägt med folkmängd) och "
        "riket. " + _KOLADA + " (Socialstyrelsen, U31001)."),
    "outcome_trend_assistance_share_of_income_pct": Entry(
        "Försörjningsstöd som andel av flyktingars nettoinkomst",
        "Procent: kommunerna, regionens kommunsnitt och riket. " + _KOLADA + " (SCB, N00702)."),
    "outcome_reception_vs_employment": Entry(
        "Mottagna 2015–2017 mot andel flyktingar i arbete {year}",
        "Alla kommuner; regionens kommuner markerade med 95 % intervall för mottagandet. "
        "Ett samband, ingen orsak. " + _KOLADA + " (Migrationsverket, SCB)."),
    "outcome_received_wave_per_1000": Entry(
        "Mottagna 2015–2017 per 1\u00a0000 invånare med 95 % intervall",
        "Regionens kommuner; linjerna visar exakta Poissonintervall. " + _KOLADA
        + " (Migrationsverket, SCB)."),
    "scenario_cost": Entry(
        "Kostnadsscenario: försörjningsstöd efter etableringen",
        "Regionens beräknade kostnad per år, huvudfall med spann lågt–högt fall, i miljoner "
        "kronor. Ett scenario, ingen prognos."),
    "scenario_vs_outcome": Entry(
        "Kostnadsscenariot mot utfallet",
        "Scenariots kostnad bredvid förändringen av utbetalt ekonomiskt bistånd sedan "
        "utgåvans sista dataår, för kommuner med uppgift båda åren. " + _KOLADA + "."),
}

_MV_QUOTA = "migrationsverket/anvisningar_kommuntal_2018.csv"
_REPORT = "report"
_ESTABLISHMENT = ("N00960", "N00961", "N00962", "N00963", "N00964", "N00973")
_SCENARIO = ("N00964", "N00971", "N00973", "N00991", "N31806", "N02994")
# where each table's values come from (the keys of kfsk_research.citation)
_TABLE_SOURCES: dict[str, tuple[str, ...]] = {
    "reception_municipality": ("N01986", "N01987", "N01951"),
    "reception_county": ("N01986", "N01951"),
    "reception_24m_region": ("N01986", "N01951"),
    "quota_vs_received": (_MV_QUOTA, "N01986"),
    "received_after_assignment": ("N01986", "N01987"),
    "establishment_gender": _ESTABLISHMENT,
    "establishment_gender_balance": ("N00960",),
    "establishment_gaps": _ESTABLISHMENT,
    "survey_respondents": (_REPORT,),
    "bakgrund_nyckeltal": (_REPORT,),
    "report_af_etablering": (_REPORT,),
    "regionalt_arbete_nyckeltal": (_REPORT,),
    "survey_oversikt": (_REPORT,),
    "goda_exempel_nyckeltal": (_REPORT,),
    "check": (_REPORT, "N00960", "N00964", "N00973", "N01986", "N01951", _MV_QUOTA),
    "changes_received_per_1000": ("N01986", "N01951"),
    "changes_rank": ("N01986", "N01951"),
    "changes_source_disagreements": ("N01986", "migrationsverket/kommunmottagna_2018.csv"),
    "employment_refugees": ("N00700", "N02994", "N02995", "N00712", "N00703"),
    "expected_vs_actual": ("N00700", "N00485", "N00486"),
    "costs_reception": ("N00702", "N31806", "U31001", "N40007", "N40010", "N40014",
                        "N01951"),
    "reception_vs_employment": ("N01986", "N01951", "N00700"),
    "scenario_inputs": _SCENARIO,
    "scenario_parameters": _SCENARIO,
    "scenario_cost": _SCENARIO,
    "scenario_vs_outcome": (*_SCENARIO, "U31001", "N01951", "N00702"),
}
# each figure: the table behind it (None: none is written) and the sources it draws
_FIGURE_SOURCES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "fig1_establishment_participants": ("establishment_gender", ("N00960",)),
    "fig2_establishment_education": ("establishment_gender",
                                     ("N00960", "N00961", "N00962", "N00963")),
    "fig3_establishment_exits": ("establishment_gender", ("N00964", "N00973")),
    "fig4_county_reception": ("reception_county", ("N01986", "N01951")),
    "map_received_per_1000": ("reception_municipality", ("N01986", "N01951")),
    "map_quota_ratio": ("quota_vs_received", (_MV_QUOTA, "N01986")),
    "map_survey_respondents": ("survey_respondents", (_REPORT,)),
    "survey_strategi": (None, (_REPORT,)),
    "yrkes_sfi_ansokningar_kon": (None, (_REPORT,)),
    "outcome_employment_trend": ("employment_refugees", ("N00700",)),
    "map_refugees_employed_pct": ("employment_refugees", ("N00700",)),
    "map_refugees_employed_deviation_pct": ("expected_vs_actual", ("N00486",)),
    "outcome_trend_reception_net_cost_per_inhabitant_sek": ("costs_reception",
                                                            ("N40010", "N01951")),
    "outcome_trend_reception_cost_per_inhabitant_sek": ("costs_reception",
                                                        ("N40007", "N01951")),
    "outcome_trend_economic_assistance_per_inhabitant_sek": ("costs_reception",
                                                             ("U31001", "N01951")),
    "outcome_trend_assistance_share_of_income_pct": ("costs_reception", ("N00702",)),
    "outcome_reception_vs_employment": ("reception_vs_employment",
                                        ("N01986", "N01951", "N00700")),
    "outcome_received_wave_per_1000": ("reception_vs_employment", ("N01986", "N01951")),
    "scenario_cost": ("scenario_cost", _SCENARIO),
    "scenario_vs_outcome": ("scenario_vs_outcome", (*_SCENARIO, "U31001", "N01951")),
}
TABLES = {k: replace(e, sources=_TABLE_SOURCES.get(k, ())) for k, e in TABLES.items()}
FIGURES = {k: replace(e, table=_FIGURE_SOURCES[k][0], sources=_FIGURE_SOURCES[k][1])
           if k in _FIGURE_SOURCES else e for k, e in FIGURES.items()}

_YEAR = re.compile(r"^(?P<prefix>.+)_(?P<year>(19|20)\d\d)$")


def _lookup(registry: dict[str, Entry], item_id: str) -> Entry:
    if item_id in registry:
        return registry[item_id]
    m = _YEAR.match(item_id)
    if m and m["prefix"] in registry:
        e = registry[m["prefix"]]
        return replace(e, title=e.title.format(year=m["year"]),
                       caption=e.caption.format(year=m["year"]))
    raise KeyError(f"no Swedish title for '{item_id}'; add it to kfsk_research/catalogue.py")


def table_entry(table_id: str) -> Entry:
    """Title and caption of ``tables/<table_id>.csv``; ``KeyError`` if not catalogued."""
    return _lookup(TABLES, table_id)


def figure_entry(figure_id: str) -> Entry:
    """Title and caption of ``figures/<figure_id>.png``; ``KeyError`` if not catalogued."""
    return _lookup(FIGURES, figure_id)
