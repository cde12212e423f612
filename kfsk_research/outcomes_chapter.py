"""Chapter 7 "Tillgång eller belastning? Utfall och kostnader": what the notebook calls.

:class:`OutcomesChapter` adds the chapter's blocks to :class:`~kfsk_research.context.Chapter`:
work, work against Kolada's expected value, self-sufficiency and cost, reception against
outcome, the parameterised cost scenario and the scenario checked against what happened.
Tables come from :mod:`kfsk_research.outcomes`; every block says in words which inputs
are missing and skips what it cannot show.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from kfsk_research import outcome_figures, outcomes
from kfsk_research.context import (
    SOURCE_KOLADA,
    Chapter,
    _extremes_alt,
    _html,
    _markdown,
    html_table,
)
from kfsk_research.formatting import count_sv, join_sv, number_sv, number_word
from kfsk_research.indicators.outcomes import PARAMETER_DOCS, interval_uncertain
from kfsk_research.maps import choropleth
from kfsk_research.sources import kolada
from kfsk_research.svg_choropleth import inline_map

CHAPTER_ID = "07_utfall"
# the text flags a rate as uncertain when its 95 % interval is wider than this share of
# the value (received 2015–2017 per 1,000), and a share when wider than this many
# percentage points (leavers in work after 90 days)
RATE_RELATIVE_WIDTH = 0.25
SHARE_WIDTH = 0.30
EXTREMES = 5
SCENARIO_PARAMETERS = ("leavers", "employed_share", "assistance_share", "persons_per_household",
                       "monthly_payment", "months", "horizon_years", "spread")


def _num(value: float, decimals: int | None = None) -> str:
    """:func:`number_sv` with a typographic minus sign (``−41``) for prose."""
    return number_sv(value, decimals).replace("-", "\u2212")


def _mkr(value: float) -> str:
    """Kronor as million kronor in prose: ``43 183 820`` → ``43,2 miljoner kronor``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{_num(value / 1e6, 1)} miljoner kronor"


def _mkr_cell(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Kronor columns as million kronor with one decimal for a table on the page (the CSV
    keeps whole kronor); the columns are renamed ``… (mnkr)`` by the caller's labels."""
    out = frame.copy()
    for c in columns:
        out[c] = (out[c].astype("float64") / 1e6).round(1)
    return out


# million-kronor cells always with one decimal ("42,0" beside "27,6"): formatted like a rate
MKR_FORMAT = "received_per_1000"


def _nowrap_names(frame: pd.DataFrame, column: str = "municipality_name") -> pd.DataFrame:
    """Names with no-break spaces, so that "Östra Göinge" stays on one line in a narrow
    first column."""
    out = frame.copy()
    out[column] = out[column].astype(str).str.replace(" ", "\u00a0", regex=False)
    return out


def _pct(value: float, decimals: int = 1) -> str:
    return _num(value, decimals) + "\u00a0%"


def _pp(value: float) -> str:
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
    return f"{sign}{number_sv(abs(value), 1)} procentenheter"


class OutcomesChapter(Chapter):
    """The context of chapter 7 for one edition and region."""

    RELATION = "bygger vidare på rapportens avsnitt {section} (2018)"

    def __init__(self, chapter_id: str = CHAPTER_ID, *args, **kwargs) -> None:
        super().__init__(chapter_id, *args, **kwargs)
        last = self.edition.last_year
        self.years = list(range(last - 9, last + 1))
        self.values.update({"ten_first_year": str(self.years[0])})

    # -- helpers ---------------------------------------------------------------------------
    def _missing(self, spec: dict[str, tuple[str, str]]) -> list[str]:
        return outcomes.missing_kpis(self.ds, spec)

    def _say_missing(self, kpis: list[str], what: str) -> None:
        _markdown(f"*Underlag saknas: {join_sv([f'`{kolada.kpi_file(k)}`' for k in kpis])}. "
                  f"{what}*")

    def _region_rows(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["level"] != "kommun"]

    def _at(self, frame: pd.DataFrame, level: str, year: int, column: str) -> float:
        hit = frame[(frame["level"] == level) & (frame["year"] == year)]
        return float(hit[column].iloc[0]) if len(hit) and pd.notna(hit[column].iloc[0]) \
            else math.nan

    def _member_names(self, codes) -> list[str]:
        names = self.ds.registry.municipalities.set_index("municipality_id")["municipality_name"]
        return [str(names[c]) for c in codes]

    def outcome_inputs(self) -> None:
        """Which of the chapter's KPIs are missing from the data directory (in words); the
        inputs are recorded for :meth:`sources`."""
        specs = {**outcomes.EMPLOYMENT, **outcomes.EXPECTED, **outcomes.COSTS}
        self._use(*[kolada.kpi_file(k) for k in (*outcomes.kpis_of(specs), "N01986",
                                                 "N00964", "N00971", "N00973", "N00991")])
        missing = self._missing(specs)
        if missing:
            self._say_missing(missing, "Delarna som bygger på dem visas inte.")
        else:
            _markdown(f"Underlaget har alla de {len(outcomes.kpis_of(specs))} nyckeltal "
                      "från Kolada som kapitlet bygger på.")

    # -- 7.1 work --------------------------------------------------------------------------
    def employment(self) -> None:
        """``tables/employment_refugees.csv``: members, region and Sweden over ten years;
        the page shows the region and Sweden, a trend chart and a map of the last year."""
        if "N00700" in self._missing({"x": outcomes.EMPLOYMENT["refugees_employed_pct"]}):
            self._say_missing(["N00700"], "Avsnittet om arbete hoppas över.")
            self.employment_frame = None
            return
        frame = outcomes.employment_refugees(self.ds, self.members, self.region, self.years)
        self.employment_frame = frame
        last = self.edition.last_year
        self.table("employment_refugees", frame, show=False)
        rows = self._region_rows(frame)
        shown = pd.DataFrame({"year": self.years})
        for col, what in (("refugees_employed_pct", "alla"),
                          ("refugees_employed_4_6y_pct", "4–6 år i Sverige")):
            for level, name in (("region", self.region.name), ("riket", "Riket")):
                part = rows[rows["level"] == level].set_index("year")[col]
                shown[f"{name}: {what}"] = shown["year"].map(part).round(1)
        region_rows = rows[rows["level"] == "region"].set_index("year")
        for col, what in (("municipalities_missing", "alla"),
                          ("refugees_employed_4_6y_pct_municipalities_missing",
                           "4–6 år i Sverige")):
            shown[f"{self.region.name}: kommuner utan värde, {what}"] = \
                shown["year"].map(region_rows[col]).astype("Int64")
        _html(html_table(shown,
                         f"Förvärvsarbetande flyktingar 20–64 år, procent: {self.region.name} "
                         "(kommunsnitt) och riket (Koladas rad 0000), alla och de med 4–6 års "
                         "vistelsetid (– = uppgift saknas; riket saknas de år Kolada inte har "
                         "rikets värde)"))
        _html(self.table_footer("employment_refugees"))
        region_last = self._at(frame, "region", last, "refugees_employed_pct")
        sweden_last = self._at(frame, "riket", last, "refugees_employed_pct")
        members = frame[(frame["level"] == "kommun") & (frame["year"] == last)].dropna(
            subset=["refugees_employed_pct"])
        top = members.nlargest(1, "refugees_employed_pct").iloc[0]
        bottom = members.nsmallest(1, "refugees_employed_pct").iloc[0]
        first = self._at(frame, "region", self.years[0], "refugees_employed_pct")
        women = self._at(frame, "region", last, "refugees_employed_women_pct")
        men = self._at(frame, "region", last, "refugees_employed_men_pct")
        short = frame[(frame["level"] == "region") & (frame["year"] == last)].iloc[0]
        self.values.update({
            "employed_region_last": _pct(region_last),
            "employed_sweden_last": _pct(sweden_last),
            "employed_region_first": _pct(first),
            "employed_top_name": str(top["municipality_name"]),
            "employed_top": _pct(top["refugees_employed_pct"]),
            "employed_bottom_name": str(bottom["municipality_name"]),
            "employed_bottom": _pct(bottom["refugees_employed_pct"]),
            "employed_women_last": _pct(women),
            "employed_men_last": _pct(men),
            "employed_4_6y_last": _pct(short["refugees_employed_4_6y_pct"]),
            "employed_4_6y_members": count_sv(
                len(self.members) - int(short["refugees_employed_4_6y_pct_municipalities_missing"]),
                "kommun", "kommuner"),
        })
        src = SOURCE_KOLADA + " (SCB, STATIV; N00700, N02994)"
        self.figure("outcome_employment_trend", outcome_figures.trend_lines(
            frame, "refugees_employed_pct",
            f"Förvärvsarbetande flyktingar 20–64 år, {self.years[0]}–{last}, procent",
            src, ylabel="procent", region_name=f"{self.region.name} (kommunsnitt)"))
        # every member of the last year, those without a value hatched as gaps
        shown = frame[(frame["level"] == "kommun") & (frame["year"] == last)]
        fig, _ = choropleth(shown, "refugees_employed_pct", "refugees_employed_pct",
                            f"Förvärvsarbetande flyktingar 20–64 år, {last}", src)
        figure_id = f"map_refugees_employed_pct_{last}"
        self.figure(figure_id, fig, inline=inline_map(
            shown, "refugees_employed_pct", "refugees_employed_pct", figure_id, year=last,
            summary=f"Karta: förvärvsarbetande flyktingar 20–64 år {last}, procent, i "
                    f"{self.region.name}. " + _extremes_alt(
                        shown, "municipality_name", "refugees_employed_pct", "kommun"),
            links=self.profile_links()))

    def employment_notes(self) -> None:
        """What the series say about N00712 (from 2018) and N02995 (until 2017) in this
        edition's years, in words."""
        last = self.edition.last_year
        notes = []
        if last < 2018:
            notes.append("Andelen som förvärvsarbetar *eller studerar* (N00712) börjar först "
                         "2018 och saknas därför helt i den här utgåvan.")
        else:
            notes.append("Andelen som förvärvsarbetar eller studerar (N00712) finns från 2018; "
                         "åren före är tomma i tabellen, inte noll.")
        if self.years[-1] > 2017:
            notes.append("Andelen i arbete efter minst tio år i Sverige (N02995) slutar 2017, "
                         "så kolumnen är tom för senare år.")
        _markdown(" ".join(notes))

    # -- 7.2 against expectation -----------------------------------------------------------
    def expected(self) -> None:
        """``tables/expected_vs_actual.csv``; map of N00486 (diverging, centred on 0) and
        the members furthest above and below their expected value."""
        missing = self._missing(outcomes.EXPECTED)
        if missing:
            self._say_missing(missing, "Jämförelsen med förväntat värde hoppas över.")
            return
        frame = outcomes.expected_vs_actual(self.ds, self.members, self.region, self.years)
        self.table("expected_vs_actual", frame, show=False)
        last = self.edition.last_year
        members = frame[(frame["level"] == "kommun") & (frame["year"] == last)]
        have = members.dropna(subset=["refugees_employed_deviation_pct"])
        above = have[have["refugees_employed_deviation_pct"] > 0]
        cols = ["municipality_name", "refugees_employed_pct", "refugees_employed_expected_pct",
                "refugees_employed_deviation_pct"]
        n = min(EXTREMES, max(1, len(have) // 2))
        top = have.nlargest(n, "refugees_employed_deviation_pct")[cols]
        bottom = have.nsmallest(n, "refugees_employed_deviation_pct")[cols]
        extremes = pd.concat([top, bottom.iloc[::-1]]).drop_duplicates()
        _html(html_table(_nowrap_names(extremes.round(1)),
                         f"Störst avvikelse uppåt och nedåt från förväntat värde, {last} "
                         "(procent och procentenheter; alla kommuner och år finns i tabellens "
                         "CSV-fil)"))
        _html(self.table_footer("expected_vs_actual"))
        region_dev = self._at(frame, "region", last, "refugees_employed_deviation_pct")
        self.values.update({
            "expected_above": count_sv(len(above), "kommun", "kommuner"),
            "expected_below": count_sv(len(have) - len(above), "kommun", "kommuner"),
            "expected_top_name": str(top.iloc[0]["municipality_name"]),
            "expected_top": _pp(top.iloc[0]["refugees_employed_deviation_pct"]),
            "expected_bottom_name": str(bottom.iloc[0]["municipality_name"]),
            "expected_bottom": _pp(bottom.iloc[0]["refugees_employed_deviation_pct"]),
            "expected_region": _pp(region_dev),
        })
        fig, _ = choropleth(members, "refugees_employed_deviation_pct",
                            "refugees_employed_deviation_pct",
                            f"Förvärvsarbetande flyktingar: avvikelse från förväntat värde, {last}",
                            SOURCE_KOLADA + " (SKR:s modell; N00486)")
        figure_id = f"map_refugees_employed_deviation_pct_{last}"
        self.figure(figure_id, fig, inline=inline_map(
            members, "refugees_employed_deviation_pct", "refugees_employed_deviation_pct",
            figure_id, year=last, links=self.profile_links(),
            summary=f"Karta: förvärvsarbetande flyktingars avvikelse från förväntat värde "
                    f"{last}, procentenheter, i {self.region.name}. " + _extremes_alt(
                        members, "municipality_name", "refugees_employed_deviation_pct",
                        "kommun")))

    # -- 7.3 self-sufficiency and cost -----------------------------------------------------
    def costs(self) -> None:
        """``tables/costs_reception.csv``; the region and Sweden per year on the page and
        trend charts of the cost measures."""
        missing = self._missing(outcomes.COSTS)
        if len(missing) == len(outcomes.kpis_of(outcomes.COSTS)) - 1:
            self._say_missing(missing, "Avsnittet om försörjning och kostnader hoppas över.")
            self.costs_frame = None
            return
        if missing:
            self._say_missing(missing, "Motsvarande kolumner är tomma.")
        frame = outcomes.costs_reception(self.ds, self.members, self.region, self.years)
        self.costs_frame = frame
        self.table("costs_reception", frame, show=False)
        cols = ["municipality_name", "year", "assistance_share_of_income_pct",
                "monthly_payment_sek", "economic_assistance_per_inhabitant_sek",
                "reception_cost_per_inhabitant_sek", "reception_net_cost_per_inhabitant_sek",
                "reception_revenue_per_inhabitant_sek"]
        shown = self._region_rows(frame)[cols].copy()
        for c in cols[3:]:
            shown[c] = shown[c].round(0)
        shown["assistance_share_of_income_pct"] = shown["assistance_share_of_income_pct"].round(1)
        region_part = frame[frame["level"] == "region"]
        miss_cols = {"municipalities_missing": "Kommuner utan andel av inkomsten",
                     "economic_assistance_per_inhabitant_sek_municipalities_missing":
                         "Kommuner utan bistånd per invånare",
                     "reception_cost_per_inhabitant_sek_municipalities_missing":
                         "Kommuner utan kostnad för mottagandet"}
        for c in miss_cols:
            shown[c] = pd.array([pd.NA] * len(shown), dtype="Int64")
            shown.loc[shown["municipality_name"] == self.region.name, c] = \
                region_part[c].to_numpy()
        _html(html_table(shown, f"Försörjning och kostnader: {self.region.name} och riket per år "
                         "(kronor per invånare vägda med folkmängden, övriga kommunsnitt; riket "
                         "är Koladas rad 0000 och saknas de år Kolada inte har den; – = "
                         "uppgift saknas. Ett år då någon kommun saknar kronor per invånare "
                         "visas regionens värde inte: ett snitt över bara en del av kommunerna "
                         "vore inte regionens)",
                         labels={"municipality_name": "Område", **miss_cols}))
        _html(self.table_footer("costs_reception"))
        _markdown(self._cost_gaps_text(frame) + self._sweden_break_text(frame))
        last = self.edition.last_year
        at = lambda level, col: self._at(frame, level, last, col)  # noqa: E731
        self.values.update({
            "cost_gross_region": _num(at("region", "reception_cost_per_inhabitant_sek"), 0),
            "cost_net_region": _num(at("region", "reception_net_cost_per_inhabitant_sek"),
                                         0),
            "cost_revenue_region": _num(
                at("region", "reception_revenue_per_inhabitant_sek"), 0),
            "cost_gross_sweden": _num(at("riket", "reception_cost_per_inhabitant_sek"), 0),
            "cost_net_sweden": _num(at("riket", "reception_net_cost_per_inhabitant_sek"), 0),
            "assistance_region": (
                number_sv(at("region", "economic_assistance_per_inhabitant_sek"), 0)
                + " kronor per invånare" if pd.notna(
                    at("region", "economic_assistance_per_inhabitant_sek"))
                else "okänt (någon kommun saknar uppgift)"),
            "assistance_sweden": number_sv(
                at("riket", "economic_assistance_per_inhabitant_sek"), 0),
            "payment_region": number_sv(at("region", "monthly_payment_sek"), 0),
            "payment_sweden": number_sv(at("riket", "monthly_payment_sek"), 0),
            "income_share_region": _pct(at("region", "assistance_share_of_income_pct")),
            "income_share_sweden": _pct(at("riket", "assistance_share_of_income_pct")),
        })
        negative = frame[(frame["level"] == "kommun") & (frame["year"] == last)
                         & (frame["reception_net_cost_per_inhabitant_sek"] < 0)]
        self.values["net_negative"] = count_sv(len(negative), "kommun", "kommuner",
                                               zero="ingen kommun")
        src = SOURCE_KOLADA
        for col, title, sources in (
            ("reception_net_cost_per_inhabitant_sek",
             "Nettokostnad för flyktingmottagandet, kronor per invånare", "SCB; N40010"),
            ("reception_cost_per_inhabitant_sek",
             "Kostnad för flyktingmottagandet före externa intäkter, kronor per invånare",
             "SCB; N40007"),
            ("economic_assistance_per_inhabitant_sek",
             "Utbetalt ekonomiskt bistånd (alla hushåll), kronor per invånare",
             "Socialstyrelsen; U31001"),
            ("assistance_share_of_income_pct",
             "Försörjningsstöd som andel av flyktingars nettoinkomst, procent",
             "SCB, STATIV; N00702"),
        ):
            if frame[col].notna().any():
                self.figure(f"outcome_trend_{col}", outcome_figures.trend_lines(
                    frame, col, title, f"{src} ({sources})",
                    region_name=f"{self.region.name}",
                    ylabel="procent" if col.endswith("_pct") else "kronor per invånare"))

    def _cost_gaps_text(self, frame: pd.DataFrame) -> str:
        """The years in which the region's kronor per inhabitant is a gap, and who lacks it."""
        col = "economic_assistance_per_inhabitant_sek"
        munis = frame[frame["level"] == "kommun"]
        parts = []
        for year, g in munis.groupby("year"):
            lacking = sorted(html.escape(n) for n in
                             g.loc[g[col].isna(), "municipality_name"].astype(str))
            if lacking and len(lacking) < len(g):
                parts.append(f"{year} ({join_sv(lacking)})")
        if not parts:
            return (f"Alla kommuner i {html.escape(self.region.name)} har uppgift om utbetalt "
                    "ekonomiskt bistånd samtliga år. ")
        when = "det året" if len(parts) == 1 else "de åren"
        return ("Regionens utbetalda ekonomiska bistånd per invånare visas inte för år då "
                f"någon kommun saknar uppgift: {join_sv(parts)}. Ett värde räknat på bara de "
                "övriga kommunerna kunde se ut som en verklig förändring, fast det bara beror "
                f"på att kommuner fattas; linjen i diagrammet har därför ett avbrott {when}. ")

    def _sweden_break_text(self, frame: pd.DataFrame) -> str:
        """Flag a year-on-year jump in Sweden's N00702 that looks like a change in the
        series (the value at least doubles or halves); nothing is imputed."""
        col = "assistance_share_of_income_pct"
        sweden = frame[frame["level"] == "riket"].set_index("year")[col].astype("float64")
        breaks = []
        for year in sweden.index[1:]:
            before, after = sweden.get(year - 1), sweden.get(year)
            if pd.notna(before) and pd.notna(after) and before > 0 and \
                    (after / before >= 2 or after / before <= 0.5):
                breaks.append(f"från {_pct(before)} {year - 1} till {_pct(after)} {year}")
        if not breaks:
            return ""
        return ("Rikets andel försörjningsstöd av flyktingarnas nettoinkomst hoppar "
                f"{join_sv(breaks)}. Ett så stort språng på ett år tyder snarare på att "
                "serien har ändrats (till exempel i hur gruppen eller inkomsten avgränsas) än "
                "på en verklig förändring; åren före och efter bör inte jämföras direkt. "
                "Värdena visas som Kolada har dem.")

    # -- 7.4 reception against outcome -----------------------------------------------------
    def reception_outcome(self) -> None:
        """Every municipality: received 2015–2017 per 1,000 (95 % interval) against N00700
        in the last year (``tables/reception_vs_employment.csv``), and the region's members
        as bars with whiskers; members with a wide interval are named."""
        if "N00700" in self._missing({"x": outcomes.EMPLOYMENT["refugees_employed_pct"]}):
            self._say_missing(["N00700"], "Jämförelsen hoppas över.")
            return
        last = self.edition.last_year
        frame = outcomes.reception_vs_employment(self.ds, self.members, last)
        self.table("reception_vs_employment", frame, show=False)
        fig = outcome_figures.reception_scatter(
            frame, f"Mottagna 2015–2017 och andel flyktingar i arbete {last}, alla kommuner",
            SOURCE_KOLADA + " (Migrationsverket, SCB; N01986, N01951, N00700)",
            x_label="mottagna 2015–2017 per 1\u00a0000 invånare (31/12 2014)",
            y_label=f"förvärvsarbetande flyktingar 20–64 år {last}, procent",
            region_name=self.region.name)
        self.figure(f"outcome_reception_vs_employment_{last}", fig)
        members = frame[frame["in_region"]]
        fig = outcome_figures.bars_with_whiskers(
            members, "municipality_name", "received_wave_per_1000",
            f"Mottagna 2015–2017 per 1\u00a0000 invånare i {self.region.name} med 95 % intervall",
            SOURCE_KOLADA + " (Migrationsverket, SCB; N01986, N01951)",
            xlabel="per 1\u00a0000 invånare")
        self.figure("outcome_received_wave_per_1000", fig)
        shown = members[["municipality_name", "received_wave", "population_before_wave",
                         "received_wave_per_1000", "received_wave_per_1000_ci_low",
                         "received_wave_per_1000_ci_high"]].sort_values(
            "received_wave_per_1000", ascending=False)
        for c in shown.columns[3:]:
            shown[c] = shown[c].round(1)
        _html(html_table(_nowrap_names(shown), f"Mottagna 2015–2017 per 1\u00a0000 invånare i "
                         f"{self.region.name} med 95 % Poissonintervall (– = något år saknas)"))
        _html(self.table_footer("reception_vs_employment"))
        wide = members[interval_uncertain(members, "received_wave_per_1000",
                                          RATE_RELATIVE_WIDTH, relative=True)]
        data = frame.dropna(subset=["received_wave_per_1000", "refugees_employed_pct"])
        corr = data["received_wave_per_1000"].corr(data["refugees_employed_pct"],
                                                    method="spearman")
        self.values.update({
            "wave_uncertain": (join_sv(sorted(wide["municipality_name"])) if len(wide)
                               else "ingen kommun i regionen"),
            "wave_threshold": number_sv(RATE_RELATIVE_WIDTH * 100, 0) + "\u00a0%",
            "wave_n": number_sv(len(data), 0),
            "wave_spearman": _num(corr, 2),
        })

    # -- 7.5 the cost scenario -------------------------------------------------------------
    def scenario(self, **given) -> None:
        """Resolve the parameters (``None`` = the default for this region and edition), show
        them with unit and source, and write ``tables/scenario_parameters.csv``,
        ``tables/scenario_inputs.csv`` and ``tables/scenario_cost.csv`` with a chart."""
        unknown = sorted(set(given) - set(SCENARIO_PARAMETERS))
        if unknown:
            raise TypeError(f"unknown scenario parameter(s) {', '.join(unknown)}; "
                            f"known: {', '.join(SCENARIO_PARAMETERS)}")
        year = self.edition.last_year
        defaults = outcomes.scenario_defaults(self.ds, self.members, year)
        params, overridden = outcomes.resolve_parameters(defaults, given)
        self.params, self.overridden = params, overridden
        table = outcomes.parameter_table(defaults, params, overridden)
        self.table("scenario_parameters", table, show=False)
        # the names (for -p) are listed in <code> under the scenario; the CSV has them too
        shown = table[["parameter_label", "parameter_value", "parameter_unit", "source"]].copy()
        shown["parameter_value"] = [self._param_text(n, v) for n, v in zip(
            table["parameter"], table["parameter_value"], strict=True)]
        _html(html_table(shown, "Scenariots antaganden (– = saknas i datan; parameternamnen "
                         "står i rutan Räkna om sist i kapitlet)"))
        _html(self.table_footer("scenario_parameters"))
        inputs = outcomes.scenario_inputs(self.ds, self.members, year)
        self.table("scenario_inputs", inputs, show=False)
        _html(self.table_footer("scenario_inputs",
                                lead="Ladda ner scenariots underlag per kommun"))
        cost = outcomes.scenario_cost_table(self.ds, self.members, self.region, params,
                                            overridden, year)
        self.scenario_frame = cost
        self.table("scenario_cost", cost, show=False)
        region = cost[cost["level"] == "region"]
        shown = region[["year", "scenario_households_low", "scenario_households_central",
                        "scenario_households_high", "scenario_cost_low_sek",
                        "scenario_cost_central_sek", "scenario_cost_high_sek"]].copy()
        cost_cols = ["scenario_cost_low_sek", "scenario_cost_central_sek",
                     "scenario_cost_high_sek"]
        for c in shown.columns[1:4]:
            shown[c] = shown[c].round(0)
        _html(html_table(_mkr_cell(shown, cost_cols), f"Scenario för {self.region.name}: hushåll "
                         "med försörjningsstöd och kostnad per år i miljoner kronor, lågt fall, "
                         "huvudfall och högt fall (summa över kommunerna; tabellfilen har hela "
                         "kronor)", labels=self._mkr_labels(),
                         formats=dict.fromkeys(cost_cols, MKR_FORMAT)))
        _html(self.table_footer("scenario_cost"))
        fig = outcome_figures.scenario_bars(
            region, None, f"Scenario: försörjningsstöd efter etableringen, {self.region.name}",
            "Beräkning i kfsk-research; " + SOURCE_KOLADA + " (N00964, N02994, N31806)")
        self.figure("scenario_cost", fig)
        first, lastp = region.iloc[0], region.iloc[-1]
        wide = inputs[interval_uncertain(inputs, "exits_work_share", SHARE_WIDTH)]
        self.values.update({
            "scenario_first_year": str(int(first["year"])),
            "scenario_last_year": str(int(lastp["year"])),
            "scenario_central_first": _mkr(first["scenario_cost_central_sek"]),
            "scenario_central_last": _mkr(lastp["scenario_cost_central_sek"]),
            "scenario_low_last": _mkr(lastp["scenario_cost_low_sek"]),
            "scenario_high_last": _mkr(lastp["scenario_cost_high_sek"]),
            "scenario_households_last": number_sv(lastp["scenario_households_central"], 0),
            "scenario_missing": self._missing_leavers_text(cost),
            "scenario_employed": _pct(params.employed_share * 100),
            "scenario_leavers": number_sv(params.leavers, 0),
            "scenario_horizon": number_word(params.horizon_years),
            "scenario_imputed": self._imputed_text(cost),
            "exits_work_uncertain": (join_sv(sorted(wide["municipality_name"])) if len(wide)
                                     else "ingen kommun"),
            "exits_work_threshold": number_sv(SHARE_WIDTH * 100, 0) + " procentenheter",
        })
        self._exits_summary(inputs)

    @staticmethod
    def _mkr_labels() -> dict[str, str]:
        return {"scenario_cost_low_sek": "Scenario: försörjningsstöd per år, lågt fall (mnkr)",
                "scenario_cost_central_sek": "Scenario: försörjningsstöd per år, huvudfall (mnkr)",
                "scenario_cost_high_sek": "Scenario: försörjningsstöd per år, högt fall (mnkr)",
                "economic_assistance_change_sek":
                    "Förändring av utbetalt bistånd sedan utgångsåret (mnkr)"}

    def _missing_leavers_text(self, cost: pd.DataFrame) -> str:
        munis = cost[(cost["level"] == "kommun") & (cost["projection_year"] == 1)]
        lacking = self._member_names(munis.loc[munis["leavers"].isna(), "municipality_id"])
        if not lacking:
            return "Alla kommuner har uppgift om antal som lämnat (N00964)."
        return (f"{join_sv(lacking)} saknar uppgift om antal som lämnat (N00964) och ingår "
                "inte i regionens summa.")

    def _imputed_text(self, cost: pd.DataFrame) -> str:
        codes = cost.loc[cost["monthly_payment_imputed"].eq(True), "municipality_id"].unique()
        if not len(codes):
            return "Alla kommuner har ett eget månadsbelopp (N31806)."
        return (f"{join_sv(self._member_names(codes))} saknar eget månadsbelopp (N31806) och "
                "räknas med regionens kommunsnitt.")

    def _param_text(self, name: str, value: float) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if name in ("employed_share", "assistance_share", "spread"):
            return number_sv(value, 3)
        if name == "monthly_payment":
            return number_sv(value, 0)
        if name == "leavers":
            return number_sv(value, 0) + (" (summa; per kommun i beräkningen)"
                                          if not self.overridden[name] else "")
        return number_sv(value)

    def _exits_summary(self, inputs: pd.DataFrame) -> None:
        exits = inputs["exits"]
        ok = inputs["exits_work_share"].notna() & exits.notna()
        work = (inputs.loc[ok, "exits_work_share"] * exits[ok]).sum() / exits[ok].sum() \
            if ok.any() else math.nan
        ok2 = inputs["exits_programme_share"].notna() & exits.notna()
        prog = (inputs.loc[ok2, "exits_programme_share"] * exits[ok2]).sum() / exits[ok2].sum() \
            if ok2.any() else math.nan
        self.values.update({"exits_work_after_90": _pct(work * 100),
                            "exits_programme_after_90": _pct(prog * 100)})

    def scenario_documentation(self) -> None:
        """Each parameter's unit and reasoning, as a list under the scenario."""
        items = [f"- **{html.escape(label)}** ({html.escape(unit)}). {html.escape(reason)}"
                 for unit, label, reason in PARAMETER_DOCS.values()]
        _markdown("\n".join(items))

    def rerun_box(self) -> None:
        """The chapter's one technical box: how to re-run the scenario with other
        assumptions (commands and parameter names in <code>)."""
        e, r = self.edition.edition, self.region.region_id
        params = "".join(f"<li>{html.escape(label)} ({html.escape(unit)}): "
                         f"<code>{html.escape(name)}</code></li>"
                         for name, (unit, label, _) in PARAMETER_DOCS.items())
        _html('<div class="kfsk-notice"><strong>Räkna om.</strong> Scenariot i avsnitt 7.5 '
              "räknas om med andra antaganden genom att ange parametrar när kapitlet byggs, "
              "med decimalpunkt i kommandot:"
              f"<pre><code>kfsk build --edition {e} --region {html.escape(r)} "
              "-p employed_share 0.5\n"
              f"papermill notebooks/07_utfall.ipynb ut.ipynb -p edition {e} "
              f"-p region {html.escape(r)} -p employed_share 0.5</code></pre>"
              f"Parametrarna:<ul>{params}</ul>"
              "Ett utelämnat värde ger standardvärdet för regionen och utgåvan.</div>")

    def sources(self) -> None:
        """The common source list, plus the original producers of the KPIs that are not
        Arbetsförmedlingen's, Migrationsverket's or SCB's."""
        super().sources()
        read = self.__dict__.get("_read", set())
        extra = []
        if {"kolada/N31806.csv", "kolada/U31001.csv"} & read:
            extra.append("Socialstyrelsen (statistik om ekonomiskt bistånd: N31806, U31001)")
        if {"kolada/N00485.csv", "kolada/N00486.csv"} & read:
            extra.append("SKR och RKA (modellen för förväntat värde: N00485, N00486)")
        if extra:
            _markdown("Ursprungliga producenter av kapitlets övriga nyckeltal: "
                      + join_sv(extra) + ".")

    # -- 7.6 the scenario against what happened --------------------------------------------
    def scenario_check(self) -> None:
        """``tables/scenario_vs_outcome.csv``: the projection beside the realised change in
        ekonomiskt bistånd and N00702 for the projection years in the data."""
        year = self.edition.last_year
        table = outcomes.scenario_vs_outcome(self.ds, self.members, self.region,
                                             self.scenario_frame, year)
        self.table("scenario_vs_outcome", table, show=False)
        proj_years = sorted(self.scenario_frame["year"].unique())
        known = sorted(table["year"].unique()) if not table.empty else []
        unknown = [y for y in proj_years if y not in known]
        if not known:
            _markdown(f"**Utfallet är ännu inte känt.** Scenariots år "
                      f"{proj_years[0]}–{proj_years[-1]} ligger efter de senaste uppgifterna i "
                      "underlaget (Kolada till och med 2022), så jämförelsen kan inte göras i "
                      "den här utgåvan. Tabellfilen för jämförelsen är tom men har samma "
                      "kolumner som i utgåvor där utfallet finns.")
            _html(self.table_footer("scenario_vs_outcome"))
            return
        region = table[table["level"] == "region"]
        cols = ["year", "scenario_cost_low_sek", "scenario_cost_central_sek",
                "scenario_cost_high_sek", "economic_assistance_change_sek",
                "assistance_share_of_income_change_pp", "n_municipalities"]
        shown = _mkr_cell(region[cols], cols[1:5])
        shown["assistance_share_of_income_change_pp"] = \
            shown["assistance_share_of_income_change_pp"].astype("float64").round(2)
        n_fixed = int(region["n_municipalities"].iloc[0])
        _html(html_table(shown, f"Scenario och utfall i {self.region.name}: miljoner kronor per "
                         f"år jämfört med {year}, summerat över samma "
                         f"{count_sv(n_fixed, 'kommun', 'kommuner')} alla år (de som har "
                         "uppgift alla jämförda år; – = uppgift saknas)",
                         labels=self._mkr_labels(), formats=dict.fromkeys(cols[1:5], MKR_FORMAT)))
        _html(self.table_footer("scenario_vs_outcome"))
        left_out = sorted(set(self.members) - set(
            table.loc[(table["level"] == "kommun") & table["economic_assistance_change_sek"]
                      .notna() & table["scenario_cost_central_sek"].notna(),
                      "municipality_id"].value_counts().loc[lambda c: c == len(known)].index))
        bars = self.scenario_frame[self.scenario_frame["level"] == "region"].set_index("year")
        matched = region.set_index("year")  # known years: the members compared
        for c in ("scenario_cost_low_sek", "scenario_cost_central_sek", "scenario_cost_high_sek"):
            bars.loc[matched.index, c] = matched[c]
        fig = outcome_figures.scenario_bars(
            bars.reset_index(), region,
            f"Scenario och utfall: försörjningsstöd jämfört med {year}, {self.region.name}",
            "Beräkning i kfsk-research; " + SOURCE_KOLADA + " (N00964, N02994, N31806, U31001, "
            "N01951)")
        self.figure("scenario_vs_outcome", fig)
        last = region.iloc[-1]
        central = last["scenario_cost_central_sek"]
        realised = last["economic_assistance_change_sek"]
        inside = last["scenario_cost_low_sek"] <= realised <= last["scenario_cost_high_sek"]
        ratio = realised / central if central else math.nan
        if realised <= 0:
            verdict = ("Utbetalt bistånd minskade i stället, så scenariots ökning syns inte "
                       "i utfallet.")
        elif inside:
            verdict = "Utfallet ligger inom scenariots spann mellan lågt och högt fall."
        elif realised > last["scenario_cost_high_sek"]:
            verdict = ("Den totala ökningen av utbetalt ekonomiskt bistånd var "
                       f"{number_sv(ratio, 1)} gånger huvudfallets belopp och större än även "
                       "det höga fallet. Det visar inte att scenariot underskattade "
                       "kostnaden för dem som lämnade etableringen: biståndet gäller alla "
                       "hushåll, och en del av ökningen gäller andra hushåll än flyktingarnas.")
        else:
            verdict = ("Den totala förändringen av utbetalt ekonomiskt bistånd var "
                       f"{number_sv(ratio * 100, 0)}\u00a0% av huvudfallets belopp, mindre än "
                       "även det låga fallet. Eftersom biståndet gäller alla hushåll kan "
                       "minskningar hos andra hushåll dölja en ökning hos flyktinghushållen.")
        members = table[(table["level"] == "kommun") & (table["year"] == last["year"])].dropna(
            subset=["economic_assistance_change_sek", "scenario_cost_central_sek"])
        within = ((members["economic_assistance_change_sek"] >= members["scenario_cost_low_sek"])
                  & (members["economic_assistance_change_sek"]
                     <= members["scenario_cost_high_sek"])).sum()
        text = (f"År {int(last['year'])} räknade huvudfallet med {_mkr(central)} mer i "
                f"försörjningsstöd än {year} (spann {_mkr(last['scenario_cost_low_sek'])} till "
                f"{_mkr(last['scenario_cost_high_sek'])}). Utbetalt ekonomiskt bistånd i de "
                f"{number_word(n_fixed)} kommuner som har uppgift alla jämförda år "
                f"ändrades med {_mkr(realised)}. "
                + (f"{join_sv(sorted(self._member_names(left_out)))} saknar uppgift något av åren "
                   "och är utelämnade alla år, så att jämförelsen gäller samma kommuner "
                   "varje år. " if left_out else "")
                + f"{verdict} Försörjningsstödets andel av "
                "flyktingars nettoinkomst (N00702, kommunsnitt) ändrades med "
                f"{_pp(last['assistance_share_of_income_change_pp'])}. Per kommun hamnade "
                "utfallet inom spannet "
                + (f"i {number_word(int(within))} av {number_word(len(members))} kommuner."
                   if within else f"i ingen av de {number_word(len(members))} kommunerna."))
        text += self._leavers_realised(known)
        if unknown:
            text += (f" För {join_sv([str(y) for y in unknown])} är utfallet ännu inte känt "
                     "(underlaget slutar 2022).")
        _markdown(text)

    def _leavers_realised(self, years: list[int]) -> str:
        """How many actually left the programme in the projection years (N00964), beside
        the scenario's assumption: one reason why the outcome differs."""
        rows = self.ds.kpi("N00964")
        rows = rows[rows["municipality_id"].isin(self.members) & rows["year"].isin(years)]
        counts = rows.groupby("year")["value"].agg(["sum", "count"])
        complete = [y for y in years if y in counts.index
                    and counts.loc[y, "count"] == len(self.members)]
        if not complete:
            return ""
        actual = join_sv([f"{number_sv(counts.loc[y, 'sum'], 0)} ({y})" for y in complete])
        return (f" Scenariot antog att {number_sv(self.params.leavers, 0)} personer lämnar "
                f"etableringen varje år; enligt N00964 lämnade {actual}. Scenariot går att "
                "räkna om med ett annat antal (se rutan Räkna om sist i kapitlet).")
