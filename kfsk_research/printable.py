"""``report.html``: a report's summary and chapters on one page, for reading and printing;
``report.pdf``: that page printed by headless Chromium (``kfsk build --pdf``).

The page is put together from the finished pages in the report's staging folder
(``summary.html`` and ``chapters/*.html`` in chapter-number order, whichever chapters the
report has): each page's ``<main>`` under its own ``<h1>``, with links rewritten to work
from the report folder (``../tables/x.csv`` → ``tables/x.csv``; a link to another
included page → an in-page anchor) and every element id prefixed with its section's id,
so ids stay unique in the merged document (heading anchors, an SVG map's pattern ids).
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote

from kfsk_research.errors import BuildError, DataError
from kfsk_research.formatting import count_sv
from kfsk_research.pages import page

PRINTABLE = "report.html"
PDF = "report.pdf"
SUMMARY = "summary.html"
SUMMARY_SECTION = "sammanfattning"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT = 180  # seconds Chromium may take to print one report
INSTALL_HINT = ("kfsk build --pdf needs Chromium: apt-get install chromium "
                "(or put chromium or google-chrome on PATH)")


class MissingBrowserError(DataError):
    """``kfsk build --pdf`` found no Chromium on PATH (exit code of a missing input)."""

    def __init__(self) -> None:
        super().__init__("chromium", INSTALL_HINT)

    def __str__(self) -> str:
        return INSTALL_HINT


def find_browser() -> str | None:
    """Path of the first of :data:`BROWSERS` on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_browser() -> str:
    """Path of a Chromium to print with, or :class:`MissingBrowserError`."""
    found = find_browser()
    if not found:
        raise MissingBrowserError
    return found


# -- the merged page ---------------------------------------------------------------------------

# a start tag with its attributes (quoted values may hold ">")
_TAG = re.compile(r"""<[A-Za-z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|"""
                  r"""[^\s"'=<>`]+))?)*\s*/?>""")
_ATTR = re.compile(r"""(\s)([^\s"'>/=]+)(\s*=\s*)("[^"]*"|'[^']*')""")
_URL_REF = re.compile(r"""url\(\s*(['"]?)#([^)'"\s]+)\1\s*\)""")
_TAG_OR_URL = re.compile(f"{_TAG.pattern}|{_URL_REF.pattern}")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_H2 = re.compile(r"<h2\b[^>]*\bid=\"([^\"]*)\"[^>]*>(.*?)</h2>", re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_ANY_TAG = re.compile(r"<[^>]+>")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
LINK_ATTRS = {"href", "src", "xlink:href"}
ID_LIST_ATTRS = {"for", "headers", "aria-labelledby", "aria-describedby", "aria-controls",
                 "aria-owns", "aria-activedescendant"}


def main_html(document: str) -> str:
    """The content of a page's ``<main>`` (without the page's head, nav and footer)."""
    start, end = document.find("<main>"), document.rfind("</main>")
    if start < 0 or end < start:
        raise ValueError("page has no <main> element")
    return document[start + len("<main>"):end].strip("\n")


def heading_text(fragment: str, pattern: re.Pattern = _H1) -> str:
    """Plain text of the first ``<h1>`` in ``fragment`` (without the ``¶`` anchor link)."""
    m = pattern.search(fragment)
    if not m:
        return ""
    inner = m.group(m.lastindex or 1)
    return " ".join(html.unescape(_ANY_TAG.sub("", _ANCHOR_LINK.sub("", inner))).split())


def chapter_pages(staging: Path) -> list[Path]:
    """The report's chapter pages ``chapters/*.html`` in chapter-number order."""
    def number(path: Path) -> tuple[int, str]:
        m = re.match(r"\d+", path.stem)
        return (int(m.group(0)) if m else 10**6, path.stem)

    return sorted((staging / "chapters").glob("*.html"), key=number)


def fallback_heading(rel: str) -> str:
    """The heading of a chapter page that has no ``<h1>``: its number and title as in the
    navigation (``01 Bakgrund``)."""
    from kfsk_research.chapters import chapter_spec

    stem = Path(rel).stem
    try:
        spec = chapter_spec(stem)
    except ValueError:
        return stem
    return f"{spec.number} {spec.title}"


def section_id(rel: str) -> str:
    """The in-page anchor of an included page: ``sammanfattning``, ``kapitel-02_etablering``."""
    return SUMMARY_SECTION if rel == SUMMARY else "kapitel-" + Path(rel).stem


def _id_positions(fragment: str) -> list[tuple[int, str]]:
    """(offset, id) of every ``id`` attribute in ``fragment``, in document order."""
    found = []
    for tag in _TAG.finditer(fragment):
        for a in _ATTR.finditer(tag.group(0)):
            if a.group(2).lower() == "id":
                found.append((tag.start(), html.unescape(a.group(4)[1:-1])))
    return found


class _Ids:
    """Old → new ids of one included page: ``<section>--<id>``; a repeated id (the same
    SVG pattern in two maps) gets ``-2``, ``-3``… A reference goes to the last definition
    before it (else the first), so each map keeps using its own pattern."""

    def __init__(self, prefix: str, fragment: str) -> None:
        self.prefix = prefix
        self.defs: dict[str, list[tuple[int, str]]] = {}
        for pos, old in _id_positions(fragment):
            versions = self.defs.setdefault(old, [])
            new = f"{prefix}--{old}" + (f"-{len(versions) + 1}" if versions else "")
            versions.append((pos, new))
        self.next_def: dict[str, int] = {}

    def define(self, old: str) -> str:
        """The new id of the next definition of ``old`` (called in document order)."""
        n = self.next_def.get(old, 0)
        self.next_def[old] = n + 1
        return self.defs[old][n][1]

    def find(self, frag: str, pos: int) -> str | None:
        """The new id a fragment ``frag`` at offset ``pos`` points to, or None."""
        for key in (frag, unquote(frag)):
            versions = self.defs.get(key)
            if versions:
                before = [new for at, new in versions if at <= pos]
                return before[-1] if before else versions[0][1]
        return None

    def ref(self, frag: str, pos: int) -> str:
        """The new id for a reference (an unknown id is prefixed too)."""
        return self.find(frag, pos) or f"{self.prefix}--{frag}"


def _fragment_href(new_id: str) -> str:
    """``#id`` with the id as written in the ``id`` attribute (nbconvert's heading ids are
    already percent-encoded, and a browser matches the fragment as written first)."""
    return "#" + new_id


class _Merger:
    """Rewrites the ``<main>`` of each included page for the merged document."""

    def __init__(self, parts: dict[str, str]) -> None:
        self.parts = parts  # rel path → main fragment
        self.ids = {rel: _Ids(section_id(rel), frag) for rel, frag in parts.items()}

    def link(self, value: str, rel: str, pos: int) -> str:
        """``value`` (an href or src of page ``rel``) as seen from the report folder."""
        if not value or _SCHEME.match(value) or value.startswith(("/", "//")):
            return value
        path, _, frag = value.partition("#")
        if not path:
            return _fragment_href(self.ids[rel].ref(frag, pos)) if frag else value
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
        if target in self.parts:
            if not frag:
                return "#" + section_id(target)
            found = self.ids[target].find(frag, 10**12)  # another page: its last definition
            return _fragment_href(found) if found else "#" + section_id(target)
        return target + (f"#{frag}" if frag else "")

    def rewrite(self, rel: str) -> str:
        """The main fragment of page ``rel`` with links and ids rewritten."""
        ids = self.ids[rel]

        def attribute(m: re.Match, pos: int) -> str:
            name, quoted = m.group(2).lower(), m.group(4)
            q, value = quoted[0], quoted[1:-1]
            if name == "id":
                value = html.escape(ids.define(html.unescape(value)), quote=True)
            elif name in LINK_ATTRS:
                value = html.escape(self.link(html.unescape(value), rel, pos), quote=True)
            elif name in ID_LIST_ATTRS:
                value = " ".join(html.escape(ids.ref(v, pos), quote=True)
                                 for v in html.unescape(value).split())
            else:
                value = _URL_REF.sub(lambda u: f"url({u.group(1)}#{ids.ref(u.group(2), pos)}"
                                               f"{u.group(1)})", value)
            return f"{m.group(1)}{m.group(2)}{m.group(3)}{q}{value}{q}"

        def token(m: re.Match) -> str:
            text = m.group(0)
            if text.startswith("<"):
                return _ATTR.sub(lambda a: attribute(a, m.start()), text)
            return _URL_REF.sub(lambda u: f"url({u.group(1)}#{ids.ref(u.group(2), m.start())}"
                                          f"{u.group(1)})", text)

        return _TAG_OR_URL.sub(token, self.parts[rel])


def _toc(entries: list[tuple[str, str, list[tuple[str, str]]]]) -> str:
    """The table of contents: each part, with its chapter's ``<h2>`` sections."""
    items = []
    for anchor, title, subs in entries:
        sub = "".join(f'<li><a href="{html.escape(_fragment_href(a))}">{html.escape(t)}'
                      "</a></li>" for a, t in subs)
        items.append(f'<li><a href="#{html.escape(anchor)}">{html.escape(title)}</a>'
                     + (f"<ol>{sub}</ol>" if sub else "") + "</li>")
    return (f'<div class="toc" id="innehall"><h2>Innehåll</h2><ol>{"".join(items)}</ol>'
            "</div>")


def printable_html(staging: Path, title: str) -> str:
    """The whole report on one page: title, table of contents, the summary and each chapter
    page of ``staging`` in chapter-number order (``title`` is escaped)."""
    rels = ([SUMMARY] if (staging / SUMMARY).is_file() else []) + [
        p.relative_to(staging).as_posix() for p in chapter_pages(staging)]
    parts = {rel: main_html((staging / rel).read_text(encoding="utf-8")) for rel in rels}
    merger = _Merger(parts)
    sections, entries = [], []
    for rel in rels:
        body = merger.rewrite(rel)
        anchor = section_id(rel)
        if not _H1.search(body):  # a page without its own heading gets the chapter's title
            body = f"<h1>{html.escape(fallback_heading(rel))}</h1>\n{body}"
        subs = [(m.group(1), heading_text(m.group(0), _H2))
                for m in _H2.finditer(body)] if rel != SUMMARY else []
        entries.append((anchor, heading_text(body),
                        [(html.unescape(a), t) for a, t in subs]))
        kind = "print-summary" if rel == SUMMARY else "print-chapter"
        sections.append(f'<section class="print-part {kind}" id="{html.escape(anchor)}">\n'
                        f"{body}\n</section>")
    chapters = len(rels) - (SUMMARY in parts)
    which = ("rapportens enda kapitel" if chapters == 1 else
             f"rapportens {count_sv(chapters, 'kapitel', 'kapitel', neuter=True)}")
    lead = (f"Sammanfattningen och {which} på en sida, för utskrift eller för att spara som "
            "PDF. Varje kapitel börjar på en ny sida vid utskrift.")
    return (f'<div class="print-title"><h1>{html.escape(title)}</h1><p>{lead}</p></div>'
            + _toc(entries) + "\n" + "\n".join(sections))


def write_printable(report) -> Path:
    """Write ``report.html`` into the report's staging folder (after its summary and
    chapter pages)."""
    e, r = report.edition, report.region
    title = f"Tillgång eller belastning? – {r.name}, utgåva {e.edition}"
    body = printable_html(report.staging, title)
    nav = [("Innehåll", "index.html"), ("Alla utgåvor", "../../index.html")]
    path = report.staging / PRINTABLE
    path.write_text(page(f"{title} – hela rapporten", body, nav), encoding="utf-8")
    return path


# -- the PDF -----------------------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--no-default-browser-check",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
                  "--generate-pdf-document-outline")


def write_pdf(page_path: Path, pdf_path: Path, browser: str | None = None,
              timeout: float = PDF_TIMEOUT) -> Path:
    """Print ``page_path`` to ``pdf_path`` with headless Chromium (a fresh profile in a
    temporary folder; page numbers from the page's ``@page`` rules, no browser header or
    footer, which would print the file's path). Raises :class:`BuildError` when Chromium
    fails or takes longer than ``timeout`` seconds."""
    browser = browser or require_browser()
    pdf_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kfsk-chromium-") as profile:
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={pdf_path}", page_path.resolve().as_uri()]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise BuildError(f"Chromium did not print {page_path.name} to PDF within "
                             f"{timeout:g} s ({browser})") from None
        except BaseException:  # Ctrl-C: no browser outlives the build
            proc.kill()
            proc.communicate()
            raise
    if proc.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        last = (output or b"").decode(errors="replace").strip().splitlines()
        raise BuildError(f"Chromium could not print {page_path.name} to PDF (exit "
                         f"{proc.returncode}{': ' + last[-1][:200] if last else ''})")
    return pdf_path
