"""Column definitions: each column once, with dtype, unit and labels.

Loader schemas (see :mod:`kfsk_research.sources`) and table documentation in the
build's ``index.html`` are built from these definitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Field:
    """One column; ``kind`` is ``code`` (area id), ``str``, ``int``, ``float`` or ``bool``."""

    name: str
    kind: str
    unit: str
    label_sv: str
    label_en: str
    nullable: bool = False
    non_negative: bool = False
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    description_sv: str = ""


_FIELDS = [
    Field("municipality_id", "code", "", "Kommun-/områdeskod", "Municipality or area id (4 chars)"),
    Field("municipality_name", "str", "", "Kommun", "Municipality name"),
    Field("area_id", "code", "", "Områdeskod", "Area id: municipality, 00LL county, 0000 Sweden"),
    Field("area_name", "str", "", "Område", "Area name"),
    Field("county_id", "str", "", "Länskod", "County code (2 digits)", pattern=r"\d{2}"),
    Field("county_name", "str", "", "Län", "County name"),
    Field("kpi", "str", "", "Nyckeltal", "Kolada KPI id", pattern=r"[A-Z]\d{5}"),
    Field("title", "str", "", "Titel", "KPI title"),
    Field("description", "str", "", "Beskrivning", "KPI description", nullable=True),
    Field(
        "unit_hint",
        "str",
        "",
        "Enhet",
        "Unit of the KPI value",
        choices=(
            "percent",
            "count",
            "per_1000_inhabitants",
            "sek_per_inhabitant",
            "sek",
            "binary_yes1_no0",
            "other",
        ),
    ),
    Field("has_gender", "bool", "", "Könsuppdelad", "Divided by gender in Kolada"),
    Field("year", "int", "year", "År", "Year (calendar year; stocks at 31 Dec)"),
    Field("gender", "str", "", "Kön", "T total, K women, M men", choices=("T", "K", "M")),
    Field("value", "float", "KPI unit", "Värde", "Value in the KPI's unit", nullable=True),
    Field("population", "int", "persons", "Folkmängd", "Population on 31 Dec", non_negative=True),
    Field(
        "population_prev_year",
        "float",
        "persons",
        "Folkmängd 31/12 året före",
        "Population on 31 Dec of the year before",
        nullable=True,
    ),
    Field("classification", "str", "", "Indelning", "Kommungrupp classification",
          choices=("skl2017", "skr2023")),
    Field("group_code", "str", "", "Gruppkod", "Kommungrupp code"),
    Field("group_name", "str", "", "Kommungrupp", "Kommungrupp name"),
    Field("kommuntal", "int", "persons", "Kommuntal", "Persons to receive on assignment",
          nullable=True, non_negative=True),
    Field("mottagna", "int", "persons", "Mottagna", "Persons received", nullable=True,
          non_negative=True),
    Field("received", "float", "persons", "Mottagna", "Kommunmottagna (Kolada N01986)",
          nullable=True),
    Field("received_after_assignment", "float", "persons", "Mottagna efter anvisning",
          "Received after assignment (Kolada N01987)", nullable=True),
    Field("received_per_1000", "float", "per 1,000 inhabitants", "Mottagna per 1\u00a0000 invånare",
          "Received during the year per 1,000 inhabitants on 31 Dec the year before",
          nullable=True),
    Field("received_24m_per_1000", "float", "per 1,000 inhabitants",
          "Mottagna senaste 24 mån per 1\u00a0000 invånare",
          "Received in years T-1 and T per 1,000 inhabitants on 31 Dec T-1", nullable=True),
    Field("n_municipalities", "int", "count", "Antal kommuner",
          "Municipalities with a value in the aggregate"),
    Field("municipalities_missing", "int", "count", "Kommuner utan värde",
          "Member municipalities without a value"),
    Field("quota_ratio", "float", "ratio", "Mottagna/kommuntal",
          "Received divided by kommuntal; missing where no kommuntal", nullable=True),
    Field("source", "str", "", "Källa", "Where the value comes from"),
    Field("participants", "float", "persons", "Inskrivna", "Enrolled in the establishment "
          "programme during the year (N00960)", nullable=True),
    Field("exits", "float", "persons", "Avslutade", "Left the programme during the year (N00964)",
          nullable=True),
    Field("exits_work_or_studies_share", "float", "share 0-1", "Andel till arbete/studier",
          "Share of leavers in work or studies after 90 days (N00973)", nullable=True),
    Field("education_pre_secondary_share", "float", "share 0-1", "Andel förgymnasial",
          "Share of participants with at most pre-secondary education (N00961)", nullable=True),
    Field("education_secondary_share", "float", "share 0-1", "Andel gymnasial",
          "Share of participants with upper-secondary education (N00962)", nullable=True),
    Field("education_tertiary_share", "float", "share 0-1", "Andel eftergymnasial",
          "Share of participants with post-secondary education of 2+ years (N00963)",
          nullable=True),
    Field("participants_reported", "float", "persons", "Inskrivna (minst)",
          "Sum over the members that report participants: a lower bound where some lack it",
          nullable=True),
    Field("exits_work_or_studies_reported", "float", "persons",
          "Till arbete/studier (minst)", "Leavers × share in work or studies, summed over "
          "members reporting both: a lower bound where some lack it", nullable=True),
    Field("exits_work_or_studies", "float", "persons", "Till arbete/studier",
          "Leavers in work or studies after 90 days (exits × share); missing if any member "
          "lacks a value", nullable=True),
    Field("after_assignment_share", "float", "share 0-1", "Andel efter anvisning",
          "Received after assignment / all received", nullable=True),
    Field("received_on_assignment", "int", "persons", "Mottagna efter anvisning (Migrationsverket)",
          "Received on assignment, Migrationsverket's kommuntal file", nullable=True),
    Field("quota_note", "str", "", "Anmärkning", "'inget kommuntal' where the quota is 0 or "
          "absent", nullable=True),
    Field("respondents", "int", "persons", "Respondenter", "Survey respondents (report, ch. 4)",
          nullable=True),
    Field("received_24m_per_1000_weighted", "float", "per 1,000 inhabitants",
          "Mottagna senaste 24 mån per 1\u00a0000 invånare, befolkningsvägt",
          "Σ received in T-1 and T / Σ population 31 Dec T-1 × 1,000 over the members",
          nullable=True),
    Field("received_24m_per_1000_lower", "float", "per 1,000 inhabitants",
          "Kommunsnitt minst (saknade räknas som 0)",
          "Lower bound of the mean: Σ rates of members with a value / all members",
          nullable=True),
    Field("received_24m_per_1000_reported", "float", "per 1,000 inhabitants",
          "Kommunsnitt, kommuner med uppgift",
          "Unweighted mean of the 24-month rates over the municipalities that have one",
          nullable=True),
    Field("participants_women_reported", "float", "persons", "Inskrivna kvinnor",
          "Women enrolled (N00960 K), summed over members reporting both genders",
          nullable=True),
    Field("participants_men_reported", "float", "persons", "Inskrivna män",
          "Men enrolled (N00960 M), summed over members reporting both genders",
          nullable=True),
    Field("participants_rest", "float", "persons", "Inskrivna i kommuner utan könsuppgift",
          "Σ enrolled (T) in members lacking a gender value: the most the rest can shift "
          "the difference", nullable=True),
    Field("majority_gender", "str", "", "Flest", "K or M where certain for the whole region, "
          "'lika' if equal, empty where the gaps leave it open", nullable=True,
          choices=("K", "M", "lika", "")),
]

FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}
# The reproduction check (tables/check.csv) and the change page (tables/changes_*.csv).
for _f in (
    Field("id", "str", "", "Id", "Row id in report_claims.csv",
          description_sv="Radens id i projektets förteckning över rapportens kontrollerade "
                         "tal (samma id som kommandot kfsk check skriver ut)."),
    Field("claim", "str", "", "Påstående", "The report's number or claim, in a few words",
          description_sv="Rapportens tal eller påstående med några ord."),
    Field("source_ref", "str", "", "Var i rapporten", "Section, figure and page in the report",
          description_sv="Avsnitt, figur och uppskattad sida i den tryckta rapporten (2018)."),
    Field("published", "float", "see unit", "Tryckt", "The value as printed (claims: 1 = yes)",
          description_sv="Värdet som rapporten trycker det; påståenden i ord: 1 = ja."),
    Field("recomputed", "float", "see unit", "Omräknat", "The value recomputed from the sources",
          nullable=True, description_sv="Värdet omräknat från källorna; tomt där ingen källa "
          "finns. Påståenden: 1 = data bekräftar, 0 = inte."),
    Field("difference", "float", "see unit", "Skillnad", "Recomputed minus published",
          nullable=True, description_sv="Omräknat minus tryckt, i radens enhet."),
    Field("tolerance", "str", "", "Tolerans", "Allowed difference (absolute, or relative with %)",
          nullable=True, description_sv="Tillåten skillnad: absolut i radens enhet eller "
          "relativ med %; tom = ingen tolerans."),
    Field("status", "str", "", "Status", "Result under the tolerance policy",
          description_sv="Resultat enligt toleranspolicyn, med de engelska statusvärden som "
          "kfsk check skriver; check.html visar dem på svenska."),
    Field("expected_status", "str", "", "Förväntad status", "Status recorded in the claims file",
          description_sv="Status som claims-filen förväntar; kfsk check avslutar med kod 5 om "
          "en rad får en annan."),
    Field("reason", "str", "", "Förklaring", "What explains the result, from the data",
          description_sv="Vad som förklarar resultatet, med siffror ur data."),
    Field("year_from", "int", "year", "Från år", "The earlier of the two years compared",
          description_sv="Det tidigare av de två år som jämförs (utgåvans näst sista dataår)."),
    Field("year_to", "int", "year", "Till år", "The later of the two years compared",
          description_sv="Det senare av de två år som jämförs (utgåvans sista dataår)."),
    Field("received_per_1000_from", "float", "per 1,000 inhabitants",
          "Mottagna per 1\u00a0000 inv., från år", "received_per_1000 in year_from",
          nullable=True, description_sv="Mottagna per 1\u00a0000 invånare det tidigare året."),
    Field("received_per_1000_to", "float", "per 1,000 inhabitants",
          "Mottagna per 1\u00a0000 inv., till år", "received_per_1000 in year_to",
          nullable=True, description_sv="Mottagna per 1\u00a0000 invånare det senare året."),
    Field("received_per_1000_change", "float", "per 1,000 inhabitants", "Förändring",
          "received_per_1000_to minus received_per_1000_from", nullable=True,
          description_sv="Mottagna per 1\u00a0000 invånare det senare året minus det tidigare."),
    Field("rank_from", "int", "rank", "Rang, från år", "Rank in year_from (1 = most received "
          "per 1,000)", nullable=True, description_sv="Rang det tidigare året bland regionens "
          "kommuner med uppgift (1 = flest mottagna per 1\u00a0000 invånare)."),
    Field("rank_to", "int", "rank", "Rang, till år", "Rank in year_to", nullable=True,
          description_sv="Rang det senare året bland regionens kommuner med uppgift."),
    Field("rank_change", "int", "rank", "Förändring av rang", "rank_from minus rank_to "
          "(positive = moved up)", nullable=True,
          description_sv="Rang det tidigare året minus rang det senare; positivt = högre upp."),
    Field("quantity", "str", "", "Uppgift", "Which column differs",
          description_sv="Vilken uppgift som skiljer sig (en kolumn i tabellen över "
                         "mottagna per kommun, med sitt id)."),
    Field("value_previous_build", "float", "see quantity", "Värde i föregående bygge",
          "Value in the earlier build of the previous edition", nullable=True,
          description_sv="Värdet i föregående utgåvas tidigare bygge."),
    Field("value_this_build", "float", "see quantity", "Värde i detta bygge",
          "Value in this build", nullable=True,
          description_sv="Värdet i detta bygge, från nuvarande underlag."),
    Field("received_migrationsverket", "float", "persons", "Mottagna enligt Migrationsverket",
          "Kommunmottagna in Migrationsverket's files", nullable=True,
          description_sv="Kommunmottagna enligt Migrationsverkets filer (2015–2016 och "
          "2018), personer."),
    Field("received_difference", "float", "persons", "Skillnad Kolada − Migrationsverket",
          "received minus received_migrationsverket", nullable=True,
          description_sv="Mottagna enligt Kolada (N01986) minus enligt Migrationsverket."),
):
    FIELDS[_f.name] = _f

# Migrationsverket's wide 2018 reception table: twelve count columns, labelled with
# Migrationsverket's category names (kategori numbers as in the source file).
MV_CATEGORIES = {
    "kvotflyktingar": ("Kvotflyktingar", "Quota refugees (category 1)",
                       "Kvotflyktingar som tagits emot i kommunen (Migrationsverkets kategori 1)"),
    "anvisade_abo": ("Anvisade från anläggningsboende (ABO)",
                     "Assigned from Migrationsverket's accommodation (category 2)",
                     "Personer som anvisats till kommunen från Migrationsverkets "
                     "anläggningsboende, ABO (kategori 2)"),
    "ebo": ("Från eget boende (EBO)", "From own accommodation (category 6)",
            "Personer som bodde i eget boende, EBO, under asyltiden och bosatte sig själva "
            "i kommunen (kategori 6)"),
    "ovriga": ("Övriga", "Others (categories 3 and 8)",
               "Övriga kommunmottagna (Migrationsverkets kategori 3 och 8)"),
    "anhoriga": ("Anhöriga", "Family members (category 4)",
                 "Anhöriga till personer som fått uppehållstillstånd som skyddsbehövande "
                 "(kategori 4)"),
    "total": ("Kommunmottagna totalt", "Total received",
              "Alla kommunmottagna 2018 enligt ersättningsförordningen (2010:1122)"),
}
for _cat, (_label, _label_en, _text) in MV_CATEGORIES.items():
    FIELDS[_cat] = Field(_cat, "int", "persons", _label, _label_en, nullable=True,
                         non_negative=True, description_sv=f"{_text}; antal personer.")
    FIELDS[f"{_cat}_varav_ensamkommande"] = Field(
        f"{_cat}_varav_ensamkommande", "int", "persons",
        f"{_label}, varav ensamkommande barn", f"{_label_en}, of whom unaccompanied minors",
        nullable=True, non_negative=True,
        description_sv=f"Av dem i kolumnen {_label.lower()}: ensamkommande barn "
                       "(Migrationsverket anger att personer över 18 år kan ingå); antal "
                       "personer.")

# Facts copied from the 2018 report (kfsk_research/data/report_facts.csv) as written to
# the facts tables (tables/<group>_nyckeltal.csv and the like).
for _f in (
    Field("fact_id", "str", "", "Uppgiftens id", "Fact id (report_facts.csv)",
          description_sv="Uppgiftens id i projektets faktafil med rapportens uppgifter."),
    Field("label", "str", "", "Uppgift", "What the fact is",
          description_sv="Vad uppgiften avser, med egna ord."),
    Field("unit", "str", "", "Enhet", "Unit of the fact's value",
          choices=("persons", "applications", "percent", "count", "per_1000", "ratio", "sek",
                   "programmes", "respondents"),
          description_sv="Enhet för värdet: personer, ansökningar, procent, antal, per "
                         "1\u00a0000 invånare, kvot, kronor, utbildningar eller svarande "
                         "(i CSV-filen som engelsk kod)."),
    Field("section", "str", "", "Avsnitt", "Section of the 2018 report",
          nullable=True, description_sv="Avsnitt i rapporten (2018) där uppgiften står; tomt "
                                        "för uppgifter ur andra källor (se anmärkning)."),
    Field("page", "int", "page", "Sida", "Page of the printed 2018 report (47 pages)",
          nullable=True, description_sv="Sida i den tryckta rapporten (47 sidor), uppskattad "
                                         "utifrån sidfötterna i OCR-texten; tomt för "
                                         "uppgifter ur andra källor."),
    Field("note", "str", "", "Anmärkning", "Note on the fact (approximations, sources)",
          nullable=True, description_sv="Kommentar: ungefärliga värden, vilken källa rapporten "
                                         "citerar eller varifrån en uppgift utanför rapporten "
                                         "kommer."),
):
    FIELDS[_f.name] = _f

# Swedish descriptions of the columns defined in _FIELDS (shown with the table
# documentation); the columns defined above carry theirs in place.
_DESCRIPTIONS_SV = {
    "municipality_id": "Kommunkod (fyra tecken, SCB) eller Koladas kod för ett aggregat: "
                       "0000 riket, 00LL ett län.",
    "municipality_name": "Kommunens namn (kortform, t.ex. Malmö).",
    "area_id": "Områdets kod: kommunkod, 00LL för ett län eller 0000 för riket.",
    "area_name": "Områdets namn: kommun, län eller riket.",
    "county_id": "Länskod (två siffror, SCB), t.ex. 12 för Skåne län.",
    "county_name": "Länets namn.",
    "kpi": "Nyckeltalets id i Kolada, t.ex. N01986.",
    "title": "Nyckeltalets titel i Kolada.",
    "description": "Koladas beskrivning av nyckeltalet (ordagrant).",
    "unit_hint": "Nyckeltalets enhet, härledd ur titeln: procent, antal, per 1\u00a0000 "
                 "invånare, kronor per invånare, kronor, ja/nej eller annan.",
    "has_gender": "Om nyckeltalet redovisas per kön i Kolada.",
    "year": "Kalenderår; bestånd (t.ex. folkmängd) avser 31 december.",
    "gender": "Kön: T totalt, K kvinnor, M män (som i Kolada).",
    "value": "Värdet i nyckeltalets enhet; tomt där uppgift saknas.",
    "population": "Folkmängd 31 december (SCB via Kolada N01951); antal personer.",
    "population_prev_year": "Folkmängd 31 december året före (Kolada N01951); nämnaren i "
                            "mottagna per 1\u00a0000 invånare.",
    "classification": "Vilken kommungruppsindelning raden gäller: SKL:s 2017 eller SKR:s "
                      "2023.",
    "group_code": "Kommungruppens kod: SKL:s kod (A1–C9) för 2017, Koladas grupp-id för "
                  "SKR:s indelning 2023.",
    "group_name": "Kommungruppens namn.",
    "kommuntal": "Antal personer som kommunen (eller länet) skulle ta emot efter anvisning "
                 "enligt bosättningslagen (Migrationsverket); tomt där kommunen saknas i "
                 "Migrationsverkets fil.",
    "mottagna": "Av kommuntalet: antal personer som tagits emot efter anvisning "
                "(Migrationsverket).",
    "received": "Kommunmottagna under året (Kolada N01986): personer som fått "
                "uppehållstillstånd och tagits emot i kommunen enligt "
                "ersättningsförordningen; antal personer.",
    "received_after_assignment": "Av de kommunmottagna: personer som tagits emot efter "
                                 "anvisning (Kolada N01987); antal personer.",
    "received_per_1000": "Kommunmottagna under året per 1\u00a0000 invånare 31 december året "
                         "före (N01986 / N01951 × 1\u00a0000).",
    "received_24m_per_1000": "Kommunmottagna året före och året per 1\u00a0000 invånare 31 "
                             "december året före (rapportens figur 4); för ett län ovägt "
                             "medel av kommunernas värden.",
    "n_municipalities": "Antal kommuner med värde som ingår i aggregatet.",
    "municipalities_missing": "Antal medlemskommuner som saknar värde; ett aggregat som "
                              "kräver alla kommuner saknas då.",
    "quota_ratio": "Mottagna delat med kommuntal; tomt (inget kommuntal) där kommuntalet är "
                   "0 eller saknas.",
    "source": "Varifrån värdet kommer (rapporten med avsnitt och sida, Migrationsverket "
              "eller Kolada).",
    "participants": "Inskrivna i etableringsuppdraget (från 2018 etableringsprogrammet) "
                    "under året (Arbetsförmedlingen via Kolada N00960); antal personer.",
    "exits": "Personer som lämnat etableringsuppdraget/-programmet under året "
             "(Kolada N00964); antal personer.",
    "exits_work_or_studies_share": "Andel av dem som lämnat etableringsuppdraget/-programmet "
                                   "som har arbete eller studerar 90 dagar efter avslut "
                                   "(Kolada N00973); i CSV som andel 0–1, på sidorna i "
                                   "procent.",
    "education_pre_secondary_share": "Andel av de inskrivna med högst förgymnasial "
                                     "utbildning (Kolada N00961); i CSV 0–1, på sidorna i "
                                     "procent.",
    "education_secondary_share": "Andel av de inskrivna med gymnasial utbildning (Kolada "
                                 "N00962); i CSV 0–1, på sidorna i procent.",
    "education_tertiary_share": "Andel av de inskrivna med eftergymnasial utbildning två år "
                                "eller längre (Kolada N00963); i CSV 0–1, på sidorna i "
                                "procent.",
    "participants_reported": "Summan av inskrivna i de kommuner som har uppgift: en nedre "
                             "gräns där någon kommun saknar värde.",
    "exits_work_or_studies_reported": "Avslutade × andel till arbete eller studier, summerat "
                                      "över kommuner som har båda uppgifterna: en nedre "
                                      "gräns där någon kommun saknar värde.",
    "exits_work_or_studies": "Personer som lämnat etableringen och har arbete eller studerar "
                             "efter 90 dagar (avslutade × andel); tomt om någon kommun saknar "
                             "värde.",
    "after_assignment_share": "Mottagna efter anvisning delat med alla kommunmottagna "
                              "(N01987 / N01986); i CSV 0–1, på sidorna i procent.",
    "received_on_assignment": "Mottagna efter anvisning enligt Migrationsverkets "
                              "kommuntalsfil 2018 (inte samma mått som Kolada N01987).",
    "quota_note": "”inget kommuntal” där kommuntalet är 0 eller saknas, annars tomt.",
    "respondents": "Antal svarande från kommunen i Kommunförbundet Skånes enkät 2018 "
                   "(rapporten, kapitel 4); tomt utanför Skåne.",
    "received_24m_per_1000_weighted": "Länets mottagna året före och året delat med länets "
                                      "folkmängd 31 december året före, × 1\u00a0000 "
                                      "(befolkningsvägt, som jämförelse till kommunsnittet).",
    "received_24m_per_1000_lower": "Nedre gräns för kommunsnittet där kommuner saknar värde: "
                                   "summan av de kända kommunernas tal delat med alla "
                                   "kommuner (saknade räknas som 0).",
    "received_24m_per_1000_reported": "Ovägt medel av 24-månaderstalen över de kommuner som "
                                      "har ett värde.",
    "participants_women_reported": "Inskrivna kvinnor (Kolada N00960, K), summerat över "
                                   "kommuner som har uppgift för båda könen; antal personer.",
    "participants_men_reported": "Inskrivna män (Kolada N00960, M), summerat över kommuner "
                                 "som har uppgift för båda könen; antal personer.",
    "participants_rest": "Inskrivna totalt i kommuner som saknar uppgift per kön: så mycket "
                         "kan skillnaden mellan könen som mest ändras av dem.",
    "majority_gender": "Vilket kön som var flest bland de inskrivna i hela regionen: K "
                       "(kvinnor), M (män), lika, eller tomt där luckorna gör det oklart.",
}
for _name, _text in _DESCRIPTIONS_SV.items():
    FIELDS[_name] = replace(FIELDS[_name], description_sv=_text)

# Chapter 7 (07_utfall): outcomes, costs and the cost scenario (kfsk_research/outcomes.py).
# Percent columns end in _pct (0–100), percentage-point changes in _pp, kronor in _sek.
_KOMMUNSNITT = " Regionens värde: kommunsnitt (ovägt medel av kommuner med värde)."
_PER_INV = (" Regionens värde: vägt med folkmängden (regionens egna kronor per invånare i "
            "kommuner med värde).")
for _f in (
    Field("level", "str", "", "Nivå", "Row level: kommun, region or riket",
          choices=("kommun", "region", "riket"),
          description_sv="Radens nivå: kommun, region (regionens id ur konfigurationen) eller "
                         "riket (Koladas rad 0000)."),
    Field("refugees_employed_pct", "float", "percent", "Förvärvsarbetande flyktingar 20–64 år",
          "Refugees and family 20–64 in gainful employment, % (Kolada N00700)", nullable=True,
          description_sv="Skyddsbehövande och anhöriga 20–64 år som förvärvsarbetar, procent "
                         "(SCB via Kolada N00700)." + _KOMMUNSNITT),
    Field("refugees_employed_women_pct", "float", "percent",
          "Förvärvsarbetande flyktingar 20–64 år, kvinnor", "N00700, women, %", nullable=True,
          description_sv="Som N00700, kvinnor; Kolada döljer små tal." + _KOMMUNSNITT),
    Field("refugees_employed_men_pct", "float", "percent",
          "Förvärvsarbetande flyktingar 20–64 år, män", "N00700, men, %", nullable=True,
          description_sv="Som N00700, män; Kolada döljer små tal." + _KOMMUNSNITT),
    Field("refugees_employed_4_6y_pct", "float", "percent",
          "Förvärvsarbetande flyktingar, 4–6 år i Sverige",
          "Refugees 20–64 in work after 4–6 years in Sweden, % (N02994)", nullable=True,
          description_sv="Förvärvsarbetande bland skyddsbehövande och anhöriga 20–64 år med "
                         "4–6 års vistelsetid, procent (Kolada N02994); små kommuner saknar "
                         "ofta värde." + _KOMMUNSNITT),
    Field("refugees_employed_10y_pct", "float", "percent",
          "Förvärvsarbetande flyktingar, 10+ år i Sverige",
          "Refugees 20–64 in work after 10+ years in Sweden, % (N02995, until 2017)",
          nullable=True,
          description_sv="Som N00700 för dem med minst tio års vistelsetid, procent (Kolada "
                         "N02995; finns bara till och med 2017)." + _KOMMUNSNITT),
    Field("refugees_work_or_studies_pct", "float", "percent",
          "Förvärvsarbetande eller studerande flyktingar",
          "Refugees 20–64 in work or studies, % (N00712, from 2018)", nullable=True,
          description_sv="Skyddsbehövande och anhöriga 20–64 år som förvärvsarbetar eller "
                         "studerar, procent (Kolada N00712; finns från 2018)." + _KOMMUNSNITT),
    Field("young_refugees_neet_pct", "float", "percent",
          "Unga flyktingar utan arbete eller studier",
          "Refugees 20–25 neither working nor studying, % (N00703)", nullable=True,
          description_sv="Skyddsbehövande och anhöriga 20–25 år som varken förvärvsarbetar "
                         "eller studerar, procent (Kolada N00703)." + _KOMMUNSNITT),
    Field("refugees_employed_expected_pct", "float", "percent",
          "Förväntat värde, förvärvsarbetande flyktingar",
          "Kolada's expected value of N00700, % (N00485)", nullable=True,
          description_sv="Koladas förväntade andel förvärvsarbetande flyktingar 20–64 år givet "
                         "de boendes sammansättning och kommunens arbetsmarknad, procent "
                         "(Kolada N00485)." + _KOMMUNSNITT),
    Field("refugees_employed_deviation_pct", "float", "percentage points",
          "Avvikelse från förväntat värde (procentenheter)",
          "N00700 minus its expected value, percentage points (N00486)", nullable=True,
          description_sv="Faktisk minus förväntad andel förvärvsarbetande flyktingar, "
                         "procentenheter (Kolada N00486); positivt = fler i arbete än "
                         "förväntat." + _KOMMUNSNITT),
    Field("assistance_share_of_income_pct", "float", "percent",
          "Försörjningsstöd, andel av nettoinkomsten (flyktingar)",
          "Social assistance as % of net income among refugees 20–64 (N00702)", nullable=True,
          description_sv="Försörjningsstöd som andel av nettoinkomsten bland skyddsbehövande "
                         "och anhöriga 20–64 år, procent (Kolada N00702)." + _KOMMUNSNITT),
    Field("monthly_payment_sek", "float", "SEK per household and month",
          "Månadsutbetalning per flyktinghushåll (kr)",
          "Average monthly social assistance paid to a refugee household, SEK (N31806)",
          nullable=True,
          description_sv="Genomsnittlig utbetalning av försörjningsstöd per flyktinghushåll "
                         "och månad med bistånd, kronor (Socialstyrelsen via Kolada N31806)."
                         + _KOMMUNSNITT),
    Field("economic_assistance_per_inhabitant_sek", "float", "SEK per inhabitant",
          "Utbetalt ekonomiskt bistånd (kr/invånare)",
          "Economic assistance paid, all households, SEK per inhabitant (U31001)",
          nullable=True,
          description_sv="Utbetalt ekonomiskt bistånd till alla hushåll (inte bara "
                         "flyktinghushåll), kronor per invånare (Kolada U31001)." + _PER_INV),
    Field("economic_assistance_sek", "float", "SEK", "Utbetalt ekonomiskt bistånd (kr)",
          "U31001 × population 31 Dec (N01951), SEK; region: sum over members with a value",
          nullable=True,
          description_sv="U31001 × folkmängden 31 december (N01951), kronor. Regionens värde: "
                         "summan över kommuner med värde (se kolumnen för saknade kommuner)."),
    Field("reception_cost_per_inhabitant_sek", "float", "SEK per inhabitant",
          "Kostnad flyktingmottagande (kr/invånare)",
          "Cost of refugee reception before external revenue, SEK per inhabitant (N40007)",
          nullable=True,
          description_sv="Kommunens kostnad för flyktingmottagande före externa intäkter "
                         "(bruttokostnad minus interna intäkter och försäljning till andra "
                         "kommuner), kronor per invånare (Kolada N40007)." + _PER_INV),
    Field("reception_net_cost_per_inhabitant_sek", "float", "SEK per inhabitant",
          "Nettokostnad flyktingmottagande (kr/invånare)",
          "Net cost of refugee reception after all external revenue, SEK per inhabitant "
          "(N40010)", nullable=True,
          description_sv="Kommunens kostnad för flyktingmottagande minus alla externa "
                         "intäkter, främst statlig ersättning, kronor per invånare (Kolada "
                         "N40010); negativ när intäkterna är större än kostnaden." + _PER_INV),
    Field("reception_revenue_per_inhabitant_sek", "float", "SEK per inhabitant",
          "Externa intäkter flyktingmottagande (kr/invånare)",
          "N40007 minus N40010: external revenue, mainly state compensation, SEK/inhabitant",
          nullable=True,
          description_sv="N40007 minus N40010: de externa intäkterna för flyktingmottagandet, "
                         "främst statlig ersättning, kronor per invånare." + _PER_INV),
    Field("purchased_reception_pct", "float", "percent",
          "Köpt flyktingmottagande, andel av kostnaden",
          "Refugee reception purchased from others, % of cost (N40014)", nullable=True,
          description_sv="Kommunens köp av flyktingmottagande från andra, andel av kostnaden "
                         "i procent (Kolada N40014)." + _KOMMUNSNITT),
    Field("in_region", "bool", "", "I regionen", "Member of the report's region",
          description_sv="Om kommunen tillhör rapportens region."),
    Field("received_wave", "float", "persons", "Mottagna 2015–2017",
          "Kommunmottagna summed over 2015–2017 (N01986)", nullable=True,
          description_sv="Kommunmottagna summerat över 2015, 2016 och 2017 (Kolada N01986); "
                         "tomt om något år saknas."),
    Field("population_before_wave", "float", "persons", "Folkmängd 31/12 2014",
          "Population on 31 Dec 2014 (N01951)", nullable=True,
          description_sv="Folkmängd 31 december 2014 (Kolada N01951), nämnaren för mottagna "
                         "2015–2017 per 1\u00a0000 invånare."),
    Field("received_wave_per_1000", "float", "per 1,000 inhabitants",
          "Mottagna 2015–2017 per 1\u00a0000 invånare",
          "Received 2015–2017 per 1,000 inhabitants on 31 Dec 2014", nullable=True,
          description_sv="Kommunmottagna 2015–2017 per 1\u00a0000 invånare 31 december 2014, "
                         "med 95 % Poissonintervall."),
    Field("exits_work_share", "float", "share 0-1", "Andel i arbete efter avslut",
          "Share of leavers in work 90 days after leaving (N00971)", nullable=True,
          description_sv="Andel av dem som lämnat etableringsuppdraget som arbetar 90 dagar "
                         "efter avslut (Kolada N00971); i CSV 0–1, med 95 % Wilsonintervall "
                         "över antalet som lämnat (N00964)."),
    Field("exits_programme_share", "float", "share 0-1", "Andel i arbetsmarknadsprogram",
          "Share of leavers in labour-market programmes after 90 days (N00991)",
          nullable=True,
          description_sv="Andel av dem som lämnat etableringsuppdraget som deltar i "
                         "arbetsmarknadspolitiska program 90 dagar efter avslut (Kolada "
                         "N00991); i CSV 0–1."),
    Field("projection_year", "int", "year", "Scenarioår", "1 … horizon_years",
          description_sv="Scenariots år räknat från utgåvans sista dataår (1 = året efter)."),
    Field("leavers", "float", "persons per year", "Lämnar etableringen per år",
          "Leavers per year assumed in the scenario", nullable=True,
          description_sv="Personer per år som antas lämna etableringsuppdraget i scenariot "
                         "(N00964 sista dataåret, eller angivet värde fördelat efter N00964)."),
    Field("monthly_payment_imputed", "bool", "", "Regionens snitt använt",
          "True where a member lacks N31806 and the region's kommunsnitt is used",
          nullable=True,
          description_sv="Sant där kommunen saknar N31806 och regionens kommunsnitt används i "
                         "scenariot."),
    *[Field(f"scenario_households_{_c}", "float", "households",
            f"Hushåll med försörjningsstöd ({_sv})",
            f"Households on assistance in the scenario, {_c} case", nullable=True,
            description_sv=f"Scenariots antal hushåll med försörjningsstöd, {_sv}: år t × "
                           "lämnar × (1 − andel i arbete) × andel med stöd / vuxna per "
                           "hushåll.")
      for _c, _sv in (("low", "lågt"), ("central", "huvudfall"), ("high", "högt"))],
    *[Field(f"scenario_cost_{_c}_sek", "float", "SEK per year",
            f"Scenario: försörjningsstöd per år, {_sv} (kr)",
            f"Projected yearly social-assistance cost, {_c} case, SEK", nullable=True,
            description_sv=f"Scenariots kostnad för försörjningsstöd under året, {_sv}: "
                           "hushåll × månadsutbetalning × månader, kronor i löpande priser. "
                           "Ett scenario, ingen prognos.")
      for _c, _sv in (("low", "lågt fall"), ("central", "huvudfall"), ("high", "högt fall"))],
    Field("economic_assistance_base_sek", "float", "SEK",
          "Utbetalt ekonomiskt bistånd, utgångsåret (kr)",
          "U31001 × population in the edition's last data year, SEK", nullable=True,
          description_sv="Utbetalt ekonomiskt bistånd (U31001 × folkmängd) utgåvans sista "
                         "dataår, kronor; för regionen över samma kommuner som jämförs."),
    Field("economic_assistance_change_sek", "float", "SEK",
          "Förändring av utbetalt bistånd sedan utgångsåret (kr)",
          "Economic assistance paid in the year minus the base year, SEK", nullable=True,
          description_sv="Utbetalt ekonomiskt bistånd året minus utgångsåret, kronor i löpande "
                         "priser; gäller alla hushåll, så jämförelsen med scenariot är bara "
                         "en fingervisning."),
    Field("assistance_share_of_income_base_pct", "float", "percent",
          "Försörjningsstöd, andel av nettoinkomsten, utgångsåret",
          "N00702 in the edition's last data year, %", nullable=True,
          description_sv="N00702 utgåvans sista dataår, procent; regionen: kommunsnitt."),
    Field("assistance_share_of_income_change_pp", "float", "percentage points",
          "Förändring i försörjningsstödets andel (procentenheter)",
          "N00702 in the year minus the base year, percentage points", nullable=True,
          description_sv="N00702 året minus utgångsåret, procentenheter; regionen: "
                         "kommunsnitt av kommunernas förändring."),
    Field("parameter", "str", "", "Parameter", "Scenario parameter name",
          description_sv="Parameterns namn i kapitlets parametercell (papermill -p, kfsk build "
                         "-p)."),
    Field("parameter_value", "float", "see unit", "Värde", "Value used in the scenario",
          description_sv="Värdet som scenariot räknade med, i parameterns enhet."),
    Field("default_value", "float", "see unit", "Standardvärde", "Default from data or "
          "assumption", nullable=True,
          description_sv="Värdet utan angiven parameter: ur datan eller ett antagande."),
    Field("overridden", "bool", "", "Angivet vid körningen", "Given with -p",
          description_sv="Sant om värdet angavs vid körningen i stället för standardvärdet."),
    Field("reasoning", "str", "", "Källa och motivering", "Source and reasoning",
          description_sv="Varifrån standardvärdet kommer eller varför antagandet gjorts."),
    Field("parameter_label", "str", "", "Beskrivning", "What the parameter is",
          description_sv="Vad parametern anger."),
    Field("parameter_unit", "str", "", "Enhet", "Unit of the parameter",
          description_sv="Parameterns enhet, t.ex. andel 0–1 eller kronor per hushåll och "
                         "månad."),
):
    FIELDS[_f.name] = _f
# Per-column gap counts of region rows and 95 % interval bounds, labelled from their column.
for _base in ("refugees_employed_women_pct", "refugees_employed_men_pct",
              "refugees_employed_4_6y_pct", "refugees_employed_10y_pct",
              "refugees_work_or_studies_pct", "young_refugees_neet_pct",
              "refugees_employed_expected_pct", "refugees_employed_deviation_pct",
              "monthly_payment_sek", "economic_assistance_per_inhabitant_sek",
              "reception_cost_per_inhabitant_sek", "reception_net_cost_per_inhabitant_sek",
              "reception_revenue_per_inhabitant_sek", "purchased_reception_pct",
              "economic_assistance_sek", "population"):
    _b = FIELDS[_base]
    FIELDS[f"{_base}_municipalities_missing"] = Field(
        f"{_base}_municipalities_missing", "int", "count", f"Kommuner utan värde: {_b.label_sv}",
        f"Members without a value of {_base}", nullable=True,
        description_sv=f"På regionens rader: antal medlemskommuner utan värde för "
                       f"”{_b.label_sv}”.")
for _base, _how in (("received_wave_per_1000", "exakt Poisson"), ("exits_work_share", "Wilson"),
                    ("received_per_1000", "exakt Poisson")):
    _b = FIELDS[_base]
    for _end, _sv, _en in (("low", "Nedre", "Lower"), ("high", "Övre", "Upper")):
        FIELDS[f"{_base}_ci_{_end}"] = Field(
            f"{_base}_ci_{_end}", "float", _b.unit, f"{_sv} gräns 95 %: {_b.label_sv}",
            f"{_en} bound of the 95 % interval of {_base}", nullable=True,
            description_sv=f"{_sv} gräns för 95 % konfidensintervall ({_how}) för "
                           f"”{_b.label_sv}”; visar hur mycket slumpen kan påverka små tal.")


def field(name: str) -> Field:
    """Return the definition of column ``name``."""
    return FIELDS[name]


def label_sv(column: str) -> str:
    """The Swedish display label of ``column`` (table headers); strict: a column without a
    definition raises ``KeyError`` naming it, so no identifier reaches a page unlabelled."""
    try:
        return FIELDS[column].label_sv
    except KeyError:
        raise KeyError(f"column '{column}' has no definition in kfsk_research/fields.py; "
                       "add a Field with its Swedish label") from None


def describe(columns: list[str]) -> list[dict[str, str]]:
    """Return name, unit, labels and the Swedish description for ``columns`` (unknown
    columns get empty texts)."""
    out = []
    for name in columns:
        f = FIELDS.get(name)
        out.append({
            "name": name,
            "unit": f.unit if f else "",
            "label_sv": f.label_sv if f else "",
            "label_en": f.label_en if f else "",
            "description_sv": f.description_sv if f else "",
        })
    return out


CLASSIFICATIONS_SV = {
    "skl2017": "SKL:s kommungruppsindelning 2017",
    "skr2023": "SKR:s kommungruppsindelning 2023",
}


def classification_sv(code: str) -> str:
    """The name of a kommungrupp classification: ``skl2017`` → ``SKL:s
    kommungruppsindelning 2017``."""
    return CLASSIFICATIONS_SV.get(code, code)


# Inputs (paths relative to the data directory) as a reader knows them.
INPUTS_SV = {
    "reference/municipalities.csv": "kommunförteckningen (SCB:s kommun- och länskoder)",
    "reference/kommungrupper.csv": "kommungruppsindelningen (SKL 2017, SKR 2023)",
    "kolada/kpis.csv": "Koladas förteckning över nyckeltal",
    "migrationsverket/anvisningar_kommuntal_2018.csv":
        "Migrationsverket, anvisningar enligt kommuntalen 2018",
    "migrationsverket/kommunmottagna_2018.csv":
        "Migrationsverket, kommunmottagna 2018 per kategori",
    "migrationsverket/kommunmottagna_total_2015_2016.csv":
        "Migrationsverket, kommunmottagna 2015–2016",
    "scb/population.csv": "SCB, folkmängd 31 december",
}
_KOLADA_FILE = re.compile(r"kolada/([A-Z]\d{5})\.csv")
_REPORT_SOURCE = re.compile(r"report\s*(?:\((.*)\))?")


def input_sv(path: str) -> str:
    """An input file as a reader knows it: ``kolada/N01987.csv`` → ``Kolada N01987``,
    ``scb/population.csv`` → ``SCB, folkmängd 31 december``; unknown paths unchanged."""
    m = _KOLADA_FILE.fullmatch(path)
    if m:
        return f"Kolada {m.group(1)}"
    return INPUTS_SV.get(path, path)


def source_sv(value: str) -> str:
    """A ``source`` value as shown on a page: ``report (avsnitt 2.3, s. 11)`` →
    ``Rapporten (2018), avsnitt 2.3, s. 11``; an input path → its source
    (:func:`input_sv`). CSV files keep the value as written."""
    text = str(value).strip()
    m = _REPORT_SOURCE.fullmatch(text)
    if m:
        return "Rapporten (2018)" + (f", {m.group(1)}" if m.group(1) else "")
    return "; ".join(input_sv(part.strip()) for part in text.split(";"))


GENDER_SV = {"T": "Totalt", "K": "Kvinnor", "M": "Män"}


def value_sv(column: str, value: object) -> str | None:
    """How a coded value of ``column`` reads on a page (``gender`` T/K/M, ``classification``
    codes, ``source`` ids and paths), or None when the value is shown as it is."""
    if value is None or not isinstance(value, str):
        return None
    if column == "gender":
        return GENDER_SV.get(value)
    if column == "classification":
        return classification_sv(value)
    if column == "source":
        return source_sv(value)
    return None
