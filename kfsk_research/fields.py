"""Column definitions: each column once, with dtype, unit and labels.

Loader schemas (see :mod:`kfsk_research.sources`) and table documentation in the
build's ``index.html`` are built from these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass


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
]

FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}

# Migrationsverket's wide 2018 reception table: twelve count columns.
MV_CATEGORIES = ("kvotflyktingar", "anvisade_abo", "ebo", "ovriga", "anhoriga", "total")
for _cat in MV_CATEGORIES:
    for _name in (_cat, f"{_cat}_varav_ensamkommande"):
        FIELDS[_name] = Field(_name, "int", "persons", _name.replace("_", " "), _name,
                              nullable=True, non_negative=True)


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
    """Return name, unit and labels for ``columns`` (unknown columns get empty labels)."""
    out = []
    for name in columns:
        f = FIELDS.get(name)
        out.append({
            "name": name,
            "unit": f.unit if f else "",
            "label_sv": f.label_sv if f else "",
            "label_en": f.label_en if f else "",
        })
    return out
