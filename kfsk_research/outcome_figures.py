"""Charts of chapter 7 (outcomes and costs): trends, reception against employment, bars
with 95 % whiskers and the cost scenario. Swedish labels, decimal comma, a source line
under each; gaps are left open (lines break, bars say "saknas")."""

from __future__ import annotations

import textwrap

import pandas as pd

from kfsk_research.figures import sv_formatter
from kfsk_research.formatting import number_sv

REGION_COLOUR = "#d6604d"
SWEDEN_COLOUR = "#222222"
MEMBER_COLOUR = "#bbbbbb"
OTHER_COLOUR = "#92c5de"


def _finish(fig, ax, title: str, source: str, ylabel: str = "", xlabel: str = "") -> None:
    from kfsk_research.figures import source_line

    ax.set_title("\n".join(textwrap.wrap(title, 75)), fontsize=11, loc="left")
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.01, "\n".join(textwrap.wrap(source_line(source), 130)), fontsize=7,
             color="#444444")
    fig.tight_layout(rect=(0, 0.05, 1, 1))


def trend_lines(frame: pd.DataFrame, value: str, title: str, source: str, *,
                ylabel: str = "", region_name: str = "Regionen", decimals: int = 0):
    """Members as thin grey lines, the region (``level == "region"``) and Sweden as bold
    lines, over ``year``. Missing years break the lines."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    members = frame[frame["level"] == "kommun"]
    first = True
    for _, part in members.groupby("municipality_id"):
        g = part.sort_values("year")
        ax.plot(g["year"], g[value].astype("float64"), color=MEMBER_COLOUR, linewidth=0.8,
                label="Kommunerna i regionen" if first else None)
        first = False
    region = frame[frame["level"] == "region"].set_index("year")[value]
    member_years = set(members.loc[members[value].notna(), "year"])
    if any(pd.isna(region.get(y)) for y in member_years):
        # a year the region lacks while members have values: a member is missing
        region_name += " (avbrott: någon kommun saknar uppgift)"
    for level, colour, style, label in (("region", REGION_COLOUR, "-", region_name),
                                        ("riket", SWEDEN_COLOUR, "--", "Riket")):
        g = frame[frame["level"] == level].sort_values("year")
        if g[value].notna().any():
            ax.plot(g["year"], g[value].astype("float64"), color=colour, linestyle=style,
                    linewidth=2.2, marker="o", markersize=3, label=label)
    years = sorted(frame["year"].unique())
    ax.set_xticks(years, [str(y) for y in years])
    ax.yaxis.set_major_formatter(sv_formatter(decimals))
    ax.legend(frameon=False, fontsize=8)
    _finish(fig, ax, title, source, ylabel)
    return fig


def reception_scatter(frame: pd.DataFrame, title: str, source: str, *, x_label: str,
                      y_label: str, region_name: str, max_names: int = 14):
    """Every municipality: received per 1,000 (x, with 95 % whiskers for the region's
    members) against the employment rate (y); the region's members highlighted."""
    import matplotlib.pyplot as plt

    data = frame.dropna(subset=["received_wave_per_1000", "refugees_employed_pct"])
    others = data[~data["in_region"]]
    members = data[data["in_region"]]
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    ax.scatter(others["received_wave_per_1000"], others["refugees_employed_pct"], s=10,
               color=OTHER_COLOUR, label="Övriga kommuner i Sverige")
    ax.errorbar(members["received_wave_per_1000"], members["refugees_employed_pct"],
                xerr=[members["received_wave_per_1000"] - members["received_wave_per_1000_ci_low"],
                      members["received_wave_per_1000_ci_high"]
                      - members["received_wave_per_1000"]],
                fmt="o", markersize=4, color=REGION_COLOUR, ecolor=REGION_COLOUR,
                elinewidth=0.8, capsize=2, label=f"{region_name} (linje: 95 % intervall)")
    named = members
    if len(members) > max_names:  # the extremes on either axis
        idx = set(members.nlargest(3, "received_wave_per_1000").index)
        idx |= set(members.nsmallest(2, "received_wave_per_1000").index)
        idx |= set(members.nlargest(2, "refugees_employed_pct").index)
        idx |= set(members.nsmallest(2, "refugees_employed_pct").index)
        named = members.loc[sorted(idx)]
    ax.xaxis.set_major_formatter(sv_formatter(0))
    ax.yaxis.set_major_formatter(sv_formatter(0))
    # the legend goes under the axes, outside the data
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.16), ncol=2)
    _finish(fig, ax, title, source, y_label, x_label)
    _place_labels(fig, ax, named, data)
    return fig


def _place_labels(fig, ax, named: pd.DataFrame, data: pd.DataFrame) -> None:
    """Name the points in ``named`` where a label fits: a few offsets are tried around
    each point and a label that would cover another label or a highlighted point is left
    out (the table beside the chart names every member)."""
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    points = to_px(data.loc[data["in_region"], ["received_wave_per_1000",
                                                 "refugees_employed_pct"]].to_numpy(float))
    placed = []
    offsets = ((4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"),
               (-4, -3, "right", "top"))
    for _, row in named.iterrows():
        xy = (row["received_wave_per_1000"], row["refugees_employed_pct"])
        own = to_px([xy])[0]
        for dx, dy, ha, va in offsets:
            ann = ax.annotate(row["municipality_name"], xy, fontsize=7, xytext=(dx, dy),
                              textcoords="offset points", ha=ha, va=va)
            box = ann.get_window_extent(renderer).expanded(1.05, 1.1)
            hits_point = any(box.contains(px, py) for px, py in points
                             if abs(px - own[0]) > 0.5 or abs(py - own[1]) > 0.5)
            if not hits_point and not any(box.overlaps(b) for b in placed):
                placed.append(box)
                break
            ann.remove()


def bars_with_whiskers(frame: pd.DataFrame, label: str, value: str, title: str,
                       source: str, *, xlabel: str = "", decimals: int = 1):
    """Horizontal bars of ``value`` sorted, with ``<value>_ci_low/high`` as whiskers;
    missing values are written "saknas"."""
    import matplotlib.pyplot as plt

    data = frame.sort_values(value, ascending=True, na_position="first")
    fig, ax = plt.subplots(figsize=(7.5, max(3.0, 0.28 * len(data) + 1.2)))
    vals = data[value].astype("float64")
    low = (vals - data[f"{value}_ci_low"].astype("float64")).fillna(0)
    high = (data[f"{value}_ci_high"].astype("float64") - vals).fillna(0)
    names = data[label].astype(str).tolist()
    ax.barh(names, vals.fillna(0), color=OTHER_COLOUR, xerr=[low, high],
            error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"})
    for i, v in enumerate(vals):
        text = "saknas" if pd.isna(v) else number_sv(v, decimals)
        x = 0 if pd.isna(v) else float(data[f"{value}_ci_high"].iloc[i])
        ax.annotate(text, (x, i), va="center", fontsize=7, xytext=(3, 0),
                    textcoords="offset points")
    ax.xaxis.set_major_formatter(sv_formatter(0))
    _finish(fig, ax, title, source, xlabel=xlabel)
    return fig


def scenario_bars(scenario: pd.DataFrame, outcome: pd.DataFrame | None, title: str,
                  source: str):
    """The region's projected yearly cost (central bar, low–high whisker) per year, in
    million kronor, with the realised change in ekonomiskt bistånd beside it where known."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    years = scenario["year"].tolist()
    central = scenario["scenario_cost_central_sek"].astype("float64") / 1e6
    low = scenario["scenario_cost_low_sek"].astype("float64") / 1e6
    high = scenario["scenario_cost_high_sek"].astype("float64") / 1e6
    has_outcome = outcome is not None and not outcome.empty
    width = 0.38 if has_outcome else 0.6
    pos = [i - (width / 2 if has_outcome else 0) for i in range(len(years))]
    ax.bar(pos, central, width=width, color=REGION_COLOUR,
           yerr=[central - low, high - central], capsize=3,
           error_kw={"elinewidth": 1.0, "ecolor": "#333333"},
           label="Scenario: huvudfall (linje: lågt–högt fall)")
    for p, v in zip(pos, central, strict=True):
        ax.annotate(number_sv(v, 0), (p - width / 2, v), ha="left", va="bottom", fontsize=7,
                    xytext=(1, 2), textcoords="offset points")
    if has_outcome:
        realised = outcome.set_index("year").reindex(years)[
            "economic_assistance_change_sek"].astype("float64") / 1e6
        rpos = [i + width / 2 for i in range(len(years))]
        ax.bar(rpos, realised.fillna(0), width=width, color="#4d4d4d",
               label="Utfall: förändring av utbetalt ekonomiskt bistånd (alla hushåll)")
        for p, v in zip(rpos, realised, strict=True):
            text = "ej känt" if pd.isna(v) else number_sv(v, 0)
            ax.annotate(text, (p, 0 if pd.isna(v) else v), ha="center", va="bottom",
                        fontsize=7, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.axhline(0, color="#888888", linewidth=0.6)
    ax.yaxis.set_major_formatter(sv_formatter(0))
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.set_ylim(top=ax.get_ylim()[1] * 1.2)
    _finish(fig, ax, title, source, "miljoner kronor per år")
    return fig
