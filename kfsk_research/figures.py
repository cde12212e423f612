"""Charts (bars) with a source line under each; deterministic PNG output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

GENDER_LABELS = {"K": "Kvinnor", "M": "Män", "T": "Totalt"}
GENDER_COLOURS = {"K": "#b2182b", "M": "#2166ac", "T": "#666666"}
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}
SVG_HASHSALT = "kfsk-research"
DPI = 110


def save_png(fig, path: Path) -> Path:
    """Save ``fig`` as PNG without timestamps or software metadata, then close it."""
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, metadata=PNG_METADATA)
    plt.close(fig)
    return path


def save_svg(fig, path: Path) -> Path:
    """Save ``fig`` as SVG without a date and with fixed element ids (a fixed
    ``svg.hashsalt``), so two builds write the same bytes; the figure stays open."""
    import matplotlib

    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(path, format="svg", dpi=DPI, metadata=SVG_METADATA)
    return path


def source_line(*sources: str) -> str:
    """One source line: ``Källa: A; B`` from ``"Källa: A"``, ``"Källa: B"`` (each "Källa:"
    prefix dropped, duplicates removed, order kept)."""
    parts = []
    for s in sources:
        for raw in str(s).split("; Källa: "):
            piece = raw.removeprefix("Källa: ").strip()
            if piece and piece not in parts:
                parts.append(piece)
    return "Källa: " + "; ".join(parts)


def sv_formatter(decimals: int | None = None, percent: bool = False):
    """A tick formatter with decimal comma and no-break thousands (``0,5``, ``1 000``)."""
    from matplotlib.ticker import FuncFormatter

    from kfsk_research.formatting import number_sv

    def fmt(v, _pos):
        d = decimals if decimals is not None else (0 if float(v).is_integer() else 1)
        return number_sv(v, d) + ("\u00a0%" if percent else "")

    return FuncFormatter(fmt)


def _label(v: float, percent: bool = False, decimals: int | None = None) -> str:
    """A bar label: percent and counts as whole numbers, other values with one decimal
    unless whole (``decimals`` fixes it)."""
    from kfsk_research.formatting import number_sv

    if percent:
        return number_sv(v, 0) + "\u00a0%"
    if decimals is None:
        decimals = 0 if abs(float(v) - round(float(v))) < 1e-6 else 1
    return number_sv(v, decimals)


def _finish(fig, ax, title: str, source: str, ylabel: str = "", *, wrap: int = 60) -> None:
    import textwrap

    title = "\n".join(textwrap.wrap(title, wrap))
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.01, source_line(source), fontsize=7, color="#444444")
    fig.tight_layout(rect=(0, 0.04, 1, 1))


def grouped_bars(
    frame: pd.DataFrame, x: str, group: str, value: str, title: str, source: str,
    *, ylabel: str = "", percent: bool = False, labels: dict[str, str] | None = None,
    lower: str | None = None,
):
    """Bars of ``value`` by ``x`` (e.g. year) and ``group`` (e.g. gender); gaps are labelled
    "saknas" instead of drawn as zero. Where ``lower`` (a lower bound, e.g. the sum over
    reporting municipalities) exists for a gap, it is drawn hatched and labelled "minst"."""
    import matplotlib.pyplot as plt

    labels = labels or GENDER_LABELS
    xs = list(dict.fromkeys(frame[x]))
    groups = list(dict.fromkeys(frame[group]))
    width = 0.8 / max(len(groups), 1)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for j, g in enumerate(groups):
        part = frame[frame[group] == g].set_index(x).reindex(xs)
        pos = [i + (j - (len(groups) - 1) / 2) * width for i in range(len(xs))]
        vals = part[value].astype("float64") * (100 if percent else 1)
        ax.bar(pos, vals.fillna(0), width=width * 0.95, label=labels.get(g, str(g)),
               color=GENDER_COLOURS.get(g))
        bounds = (part[lower].astype("float64") if lower else pd.Series(float("nan"),
                                                                         index=part.index))
        gap = vals.isna() & bounds.notna()
        if gap.any():
            ax.bar([p for p, m in zip(pos, gap, strict=True) if m], bounds[gap],
                   width=width * 0.95, facecolor="white", edgecolor=GENDER_COLOURS.get(g),
                   hatch="///")
        for p, v, b in zip(pos, vals, bounds, strict=True):
            # horizontal labels only: a lower bound on two lines ("minst" over the number)
            if pd.isna(v) and not pd.isna(b):
                text, y = f"minst\n{_label(b, decimals=0)}", b
            else:
                text = "saknas" if pd.isna(v) else _label(v, percent, decimals=0)
                y = 0 if pd.isna(v) else v
            ax.annotate(text, (p, y), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7, linespacing=1.0)
    ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    handles, _ = ax.get_legend_handles_labels()
    if lower and frame[value].isna().any() and frame[lower].notna().any():
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor="white", edgecolor="#444444", hatch="///",
                             label="streckat: minst, summan för\nkommunerna som redovisar\n"
                                   "just det könet (minst en\nkommun saknar värde)"))
    # legend outside the plotting area: it never covers a bar or its label
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1.0))
    ax.set_ylim(top=ax.get_ylim()[1] * 1.15)
    ax.yaxis.set_major_formatter(sv_formatter(percent=percent))
    _finish(fig, ax, title, source, ylabel)
    return fig


def ranked_bars(
    frame: pd.DataFrame, label: str, value: str, title: str, source: str,
    *, highlight: set[str] | None = None, key: str | None = None, xlabel: str = "",
):
    """Horizontal bars sorted by ``value``; rows whose ``key`` is in ``highlight`` stand out."""
    import matplotlib.pyplot as plt

    data = frame.sort_values(value, ascending=True, na_position="first")
    fig, ax = plt.subplots(figsize=(7.5, max(3.0, 0.28 * len(data) + 1)))
    highlight = highlight or set()
    cols = ["#d6604d" if key and k in highlight else "#92c5de"
            for k in (data[key] if key else data[label])]
    vals = data[value].astype("float64")
    ax.barh(data[label].astype(str), vals.fillna(0), color=cols)
    present = vals.dropna()
    dec = 0 if ((present - present.round()).abs() < 1e-6).all() else 1  # one format per figure
    for i, v in enumerate(vals):
        text = "saknas" if pd.isna(v) else _label(v, decimals=dec)
        ax.annotate(text, (
            0 if pd.isna(v) else v, i), va="center", fontsize=7, xytext=(2, 0),
            textcoords="offset points")
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(sv_formatter())
    _finish(fig, ax, title, source)
    return fig


def paired_panels(
    frame: pd.DataFrame, panel: str, panels: dict[str, str], x: str, group: str, value: str,
    title: str, source: str, *, percent: bool = True, ylabel: str = "",
):
    """Small multiples: one panel per value of ``panel`` (titles from ``panels``), each
    with bars by ``x`` paired by ``group`` (gender colours); one shared y scale; gaps are
    labelled "saknas" instead of drawn as zero."""
    import textwrap

    import matplotlib.pyplot as plt

    xs = list(dict.fromkeys(frame[x]))
    groups = list(dict.fromkeys(frame[group]))
    scale = 100 if percent else 1
    top = float(frame[value].max(skipna=True) or 0) * scale
    fig, axes = plt.subplots(1, len(panels), figsize=(8.0, 3.6), sharey=True)
    axes = list(axes) if len(panels) > 1 else [axes]
    width = 0.8 / max(len(groups), 1)
    gaps = False
    for ax, (key, heading) in zip(axes, panels.items(), strict=True):
        part = frame[frame[panel] == key]
        for j, g in enumerate(groups):
            rows = part[part[group] == g].set_index(x).reindex(xs)
            pos = [i + (j - (len(groups) - 1) / 2) * width for i in range(len(xs))]
            vals = rows[value].astype("float64") * scale
            ax.bar(pos, vals.fillna(0), width=width * 0.95, color=GENDER_COLOURS.get(g),
                   label=GENDER_LABELS.get(g, str(g)))
            # narrow bars: values written upright above each bar (never side by side, where
            # "28 %" labels of neighbouring bars would run together); a gap is a dash on
            # the axis, explained once under the panels
            for p, v in zip(pos, vals, strict=True):
                if pd.isna(v):
                    ax.annotate("–", (p, 0), ha="center", va="bottom", fontsize=8,
                                color="#444444")
                    gaps = True
                else:
                    ax.annotate(_label(v, percent), (p, v), xytext=(0, 2),
                                textcoords="offset points", ha="center", va="bottom",
                                fontsize=6.5, rotation=90)
        ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        ax.set_title(heading, fontsize=9, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.yaxis.set_major_formatter(sv_formatter(percent=percent))
    axes[0].set_ylabel(ylabel)
    axes[0].set_ylim(0, max(top, 1) * 1.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", frameon=False, fontsize=8, ncols=2,
               bbox_to_anchor=(0.99, 0.99))
    fig.text(0.01, 0.985, "\n".join(textwrap.wrap(title, 62)), fontsize=11, va="top")
    fig.set_label(title)
    fig.text(0.01, 0.01, source_line(source), fontsize=7, color="#444444")
    if gaps:
        fig.text(0.99, 0.01, "– = saknas (minst en kommun utan uppgift)",
                 fontsize=7, color="#444444", ha="right")
    fig.tight_layout(rect=(0, 0.04, 1, 0.86))
    return fig
