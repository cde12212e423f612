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
          description_sv="Uppgiftens id i projektets faktafil (report_facts.csv)."),
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
}
for _name, _text in _DESCRIPTIONS_SV.items():
    FIELDS[_name] = replace(FIELDS[_name], description_sv=_text)


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
