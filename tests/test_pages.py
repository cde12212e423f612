"""Every HTML page of the 18 reports reads right (issue 13, item 6).

The pages are those of ``kfsk build --edition all --region skane blekinge
goteborgsregionen``, built once per pytest run by the session fixture ``batch``
(``conftest.py``). For development only, ``KFSK_PAGES_ROOT=<output root>`` points the
module at an existing build instead (nothing is rebuilt then).

Each test runs once per report (``2018-skane`` … ``2023-goteborgsregionen``, plus ``top``
for the top index where it applies) and lists every offence with its page and the text,
so that a failure says what to fix. Expected values are computed here from the report's
own CSV files (``tables/*.csv``), never by calling the package.

What the checks mean (the contract the pages are held to):

- *Visible text* is the text a reader sees: every text node outside ``<style>``,
  ``<script>``, ``<code>`` and ``<pre>`` (the ``<title>`` included), grouped per block
  element (``p``, ``li``, ``td``, ``h2`` …).
- *Running text* is visible text outside tables (``<table>``) and navigation (``<nav>``).
- A table's CSV is the one it names: an attribute of the table (or of an enclosing
  element) whose value ends in ``.csv`` or a ``data-table``/``data-csv`` id, or a link
  to ``tables/<id>.csv`` inside its caption or in the block right after it. A table that
  names none is held to the largest CSV its chapter wrote (``manifest.json``), or, on
  other pages, the largest CSV of the report.
- An image (``<img>``, or an inline ``<svg role="img">`` map) needs Swedish alt text
  (``alt`` / ``aria-label``: two words or more, no file name, no identifier, no English),
  a title (``title`` attribute, ``<figcaption>`` of its ``<figure>``, an
  ``aria-labelledby`` target, or an SVG ``<title>`` child), and a source line: "Källa"
  in its ``<figure>``/container or in the next two text blocks after it.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers import SNAPSHOT_DIR

EDITIONS = (2018, 2019, 2020, 2021, 2022, 2023)
REGIONS = ("skane", "blekinge", "goteborgsregionen")
REPORTS = [f"{e}/{r}" for e in EDITIONS for r in REGIONS]
# The counties a one-county region is (for its rank among the counties).
REGION_COUNTY = {"skane": "12", "blekinge": "10"}
MAX_LISTED = 25  # offences listed in one failure message (the count is always given)


def _ids(report: str) -> str:
    return report.replace("/", "-")


# ----------------------------------------------------------------------------------------
# Where the pages are
# ----------------------------------------------------------------------------------------


def report_pages(root: Path, report: str) -> list[Path]:
    """Every HTML page of one report (executed notebooks are not pages)."""
    folder = root / report
    return sorted(p for p in folder.rglob("*.html")
                  if "notebooks" not in p.relative_to(folder).parts)


# ----------------------------------------------------------------------------------------
# A small DOM from the standard library's parser
# ----------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
HIDDEN = {"style", "script", "template"}
VERBATIM = {"code", "pre", "kbd", "samp"}
BLOCK = {"address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
         "details", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
         "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "section", "summary",
         "table", "tbody", "thead", "tfoot", "tr", "td", "th", "title", "ul", "body", "html",
         "head", "svg", "br"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This node and its descendants in document order (optionally one tag)."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def inside(self, *tags: str) -> bool:
        return any(a.tag in tags for a in self.ancestors())

    def text(self, *, skip: frozenset[str] = frozenset(HIDDEN)) -> str:
        """The text below this node, whitespace collapsed (no-break spaces kept)."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag not in skip:
                    if child.tag in BLOCK:
                        parts.append(" ")
                    walk(child)
                    if child.tag in BLOCK:
                        parts.append(" ")
        walk(self)
        return _collapse("".join(parts))

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\r\n\f]+", " ", text).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Block:
    """The visible text of one block element (its inline descendants, no nested blocks)."""

    node: Node
    text: str

    @property
    def in_table(self) -> bool:
        return self.node.tag in {"td", "th", "caption", "tr", "table"} or self.node.inside(
            "table")

    @property
    def running(self) -> bool:
        """Running text: not in a table, not navigation, not a map's drawing or legend."""
        in_map = self.node.tag == "svg" or self.node.inside("svg") or any(
            "map-legend" in (a.attrs.get("class") or "") for a in
            [self.node, *self.node.ancestors()])
        return (not self.in_table and self.node.tag != "nav" and not self.node.inside("nav")
                and not in_map)


@dataclass
class Page:
    path: Path
    rel: str  # relative to the output root
    root: Node
    blocks: list[Block]

    @functools.cached_property
    def ids(self) -> set[str]:
        return {n.attrs[a] for n in self.root.iter() for a in ("id", "name") if a in n.attrs}


def _blocks(root: Node) -> list[Block]:
    out: list[Block] = []

    def walk(node: Node, parts: list[str]) -> None:
        for child in node.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag in HIDDEN:
                continue
            elif child.tag in VERBATIM:
                parts.append(" ")
            elif child.tag in BLOCK:
                own: list[str] = []
                walk(child, own)
                text = _collapse("".join(own))
                if text:
                    out.append(Block(child, text))
                parts.append(" ")
            else:
                walk(child, parts)
    walk(root, [])
    return out


@functools.cache
def parse(path: Path, root: Path) -> Page:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return Page(path, path.relative_to(root).as_posix(), builder.root, _blocks(builder.root))


def pages_of(root: Path, report: str) -> list[Page]:
    return [parse(p, root) for p in report_pages(root, report)]


def all_pages(root: Path, report: str) -> list[Page]:
    """The report's pages, or the top index for ``report == "top"``."""
    if report == "top":
        return [parse(root / "index.html", root)]
    return pages_of(root, report)


def fail_with(offences: list[str], what: str) -> None:
    """Fail listing the offences (at most MAX_LISTED of them) with their count."""
    if offences:
        shown = "\n  ".join(offences[:MAX_LISTED])
        more = (f"\n  … and {len(offences) - MAX_LISTED} more" if len(offences) > MAX_LISTED
                else "")
        pytest.fail(f"{len(offences)} × {what}:\n  {shown}{more}", pytrace=False)


def snippet(text: str, start: int, end: int, width: int = 60) -> str:
    return ("…" if start > width else "") + text[max(0, start - width):end + width] + (
        "…" if end + width < len(text) else "")


# ----------------------------------------------------------------------------------------
# CSV files, read by hand
# ----------------------------------------------------------------------------------------


@functools.cache
def read_csv(path: Path) -> tuple[dict[str, str], ...]:
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def number(text: str) -> float | None:
    """A CSV cell as a float (empty = missing)."""
    return float(text) if text not in ("", "nan", "NaN") else None


def sv_number(text: str) -> float:
    """``12 345,6`` (Swedish, no-break or thin spaces) → 12345.6."""
    return float(re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".").replace("−", "-"))


def sv_round(value: float, decimals: int) -> str:
    """How the page should print ``value`` with ``decimals`` (half away from zero)."""
    q = 10 ** decimals
    rounded = math.floor(abs(value) * q + 0.5) / q * (1 if value >= 0 else -1)
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


# ----------------------------------------------------------------------------------------
# 1. Tables: no more body rows than their CSV
# ----------------------------------------------------------------------------------------


def body_rows(table: Node) -> list[Node]:
    """Rows of ``table``'s body (``tbody``, or every row outside ``thead``), not of nested
    tables."""
    rows = []
    for tr in table.iter("tr"):
        owner = next(a for a in tr.ancestors() if a.tag == "table")
        if owner is table and not tr.inside("thead", "tfoot"):
            rows.append(tr)
    return rows


def _named_csv(table: Node, page: Page) -> str | None:
    """The ``tables/<id>.csv`` a table names (see the module docstring), relative to the
    report folder, or None."""
    for node in [table, *table.ancestors()]:
        for key, value in node.attrs.items():
            if value.endswith(".csv"):
                return "tables/" + value.rsplit("/", 1)[-1]
            if key in ("data-table", "data-csv", "data-table-id") and value:
                return f"tables/{value.removesuffix('.csv')}.csv"
        if node.tag in ("figure", "section") or "kfsk-table-wrap" in node.classes():
            break
    candidates = [c for c in table.children if isinstance(c, Node) and c.tag == "caption"]
    siblings = table.parent.children if table.parent else []
    index = next((i for i, c in enumerate(siblings) if c is table), None)
    if index is not None:  # a data line right after the table (a heading is the next part's)
        after = [c for c in siblings[index + 1:] if isinstance(c, Node)][:1]
        candidates += [c for c in after if not re.fullmatch(r"h[1-6]", c.tag)]
    for node in candidates:
        for a in node.iter("a"):
            href = a.attrs.get("href", "")
            if href.endswith(".csv"):
                return "tables/" + href.rsplit("/", 1)[-1]
    return None


def _documented_csv(table: Node) -> str | None:
    """The CSV whose columns a documentation table lists (first header «kolumn», the CSV
    linked from the heading right before it), or None."""
    heads = [th.text().lower() for th in table.iter("th")]
    if not heads or heads[0] not in ("kolumn", "column", "kolumnnamn"):
        return None
    siblings = table.parent.children if table.parent else []
    index = next(i for i, c in enumerate(siblings) if c is table)
    before = [c for c in siblings[:index] if isinstance(c, Node)][-1:]
    for node in before:
        for a in node.iter("a"):
            if a.attrs.get("href", "").endswith(".csv"):
                return "tables/" + a.attrs["href"].rsplit("/", 1)[-1]
    return None


def _csv_rows(report_dir: Path, rel: str) -> int | None:
    path = report_dir / rel
    return len(read_csv(path)) if path.is_file() else None


@functools.cache
def _manifest(report_dir: Path) -> dict:
    return json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("report", REPORTS, ids=_ids)
def test_no_table_has_more_rows_than_its_csv(pages_root: Path, report: str) -> None:
    report_dir = pages_root / report
    manifest = _manifest(report_dir)
    all_csv = {p.relative_to(report_dir).as_posix(): len(read_csv(p))
               for p in (report_dir / "tables").glob("*.csv")}
    offences = []
    for page in pages_of(pages_root, report):
        chapter = page.path.stem if page.path.parent.name == "chapters" else None
        if chapter:
            files = manifest["chapters"][chapter]["files"]
            own = {f: all_csv[f] for f in files if f in all_csv}
        else:
            own = all_csv
        for table in page.root.iter("table"):
            rows = len(body_rows(table))
            caption = next((c.text() for c in table.children
                            if isinstance(c, Node) and c.tag == "caption"), "")
            label = f"{page.rel}: table «{caption[:70]}»"
            named = _named_csv(table, page)
            documented = _documented_csv(table)
            if documented:  # the index's column documentation: one row per column
                path = report_dir / documented
                columns = len(next(csv.reader(path.open(encoding="utf-8")))) \
                    if path.is_file() else None
                if columns is None:
                    offences.append(f"{label} documents {documented}, which does not exist")
                elif rows > columns:
                    offences.append(f"{label} documents {rows} columns of {documented}, "
                                    f"which has {columns}")
            elif named:
                limit = _csv_rows(report_dir, named)
                if limit is None:
                    offences.append(f"{label} names {named}, which the report does not have")
                elif rows > limit:
                    offences.append(f"{label} has {rows} body rows, its {named} {limit}")
            elif own:
                largest, limit = max(own.items(), key=lambda kv: kv[1])
                if rows > limit:
                    offences.append(f"{label} has {rows} body rows, more than the largest CSV "
                                    f"{'the chapter' if chapter else 'the report'} wrote "
                                    f"({largest}: {limit})")
    fail_with(offences, f"tables with more rows than their data ({report})")


def _header_years(table: Node) -> list[str]:
    return [th.text() for th in table.iter("th") if re.fullmatch(r"(19|20)\d\d", th.text())]


@pytest.mark.slow
@pytest.mark.parametrize("report", REPORTS, ids=_ids)
def test_reception_table_has_one_row_per_municipality(pages_root: Path, report: str) -> None:
    """Chapter 2's table of received per 1,000 (rows link to the profiles): wide (a column
    per year) at most one row per municipality plus region and Sweden rows; long at most
    one row per municipality and year (plus the same per year)."""
    report_dir = pages_root / report
    rows = read_csv(report_dir / "tables" / "reception_municipality.csv")
    members = {r["municipality_id"] for r in rows}
    years = {r["year"] for r in rows}
    page = parse(report_dir / "chapters" / "02_etablering.html", pages_root)
    found = []
    for table in page.root.iter("table"):
        links = [a.attrs.get("href", "") for a in table.iter("a")]
        if not any(h.startswith("../municipalities/") for h in links):
            continue
        heads = " ".join(th.text().lower() for th in table.iter("th"))
        caption = table.text().lower()[:200]
        if "1 000" not in caption.replace("\u00a0", " ") and "1000" not in heads:
            continue
        n = len(body_rows(table))
        wide = bool(_header_years(table))
        limit = len(members) + 2 if wide else (len(members) + 2) * len(years)
        found.append(n)
        if n > limit:
            pytest.fail(f"{page.rel}: the received-per-1 000 table has {n} body rows for "
                        f"{len(members)} municipalities and {len(years)} years "
                        f"({'wide' if wide else 'long'}; at most {limit})", pytrace=False)
    assert found, f"{page.rel}: no table of received per 1 000 linking the profiles"


# ----------------------------------------------------------------------------------------
# 2. Visible text: no identifiers, no None/nan, no braces, no lone dash for a number
# ----------------------------------------------------------------------------------------

SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
MISSING_REPR = re.compile(r"\b(None|nan|NaN|NaT|inf)\b|<NA>")
BRACES = re.compile(r"[{}]")
# A dash standing where a number belongs: after a verb or preposition that introduces a
# number, or before a unit or a counted noun ("var – %", "saknar – kommuner").
LONE_DASH = re.compile(
    r"(?:\b(?:var|är|blev|hade|med|saknar|av|till|på|totalt|uppgick till|ökade till|"
    r"minskade till)\s+–(?=\s|$|[.,;:)])"
    r"|(?:^|[\s(])–\s*(?:%|‰|procent\b|per\b|kommun(?:er)?\b|personer\b|län\b|invånare\b|"
    r"mottagna\b|respondenter\b|st\b|kr\b))")


def _visible_offences(page: Page, pattern: re.Pattern[str], what: str) -> list[str]:
    out = []
    for block in page.blocks:
        for m in pattern.finditer(block.text):
            out.append(f"{page.rel} <{block.node.tag}>: {what} «{m.group(0)}» in "
                       f"«{snippet(block.text, m.start(), m.end())}»")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("report", [*REPORTS, "top"], ids=_ids)
def test_no_identifiers_in_visible_text(pages_root: Path, report: str) -> None:
    offences = []
    for page in all_pages(pages_root, report):
        offences += _visible_offences(page, SNAKE, "identifier")
    fail_with(offences, f"snake_case identifiers outside <code> ({report})")


@pytest.mark.slow
@pytest.mark.parametrize("report", [*REPORTS, "top"], ids=_ids)
def test_no_missing_value_reprs_or_braces(pages_root: Path, report: str) -> None:
    offences = []
    for page in all_pages(pages_root, report):
        offences += _visible_offences(page, MISSING_REPR, "missing-value repr")
        offences += _visible_offences(page, BRACES, "brace")
    fail_with(offences, f"None/nan/braces in visible text ({report})")


def dash_offences(page: Page) -> list[str]:
    out = []
    for block in page.blocks:
        if block.node.tag in ("td", "th") and block.text == "–":
            continue  # the documented gap marker of a table cell
        for m in LONE_DASH.finditer(block.text):
            out.append(f"{page.rel} <{block.node.tag}>: «{m.group(0).strip()}» in "
                       f"«{snippet(block.text, m.start(), m.end())}»")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("report", [*REPORTS, "top"], ids=_ids)
def test_no_dash_where_a_number_belongs(pages_root: Path, report: str) -> None:
    offences = [o for page in all_pages(pages_root, report) for o in dash_offences(page)]
    fail_with(offences, f"dashes standing for a number in text ({report})")


# ----------------------------------------------------------------------------------------
# 3. Counts agree with their nouns; one to twelve in words in running text
# ----------------------------------------------------------------------------------------

# singular, plural (nouns whose plural differs from the singular)
NOUNS = {
    "kommun": "kommuner", "person": "personer", "respondent": "respondenter",
    "kvinna": "kvinnor", "man": "män", "kommungrupp": "kommungrupper", "rad": "rader",
    "gång": "gånger", "fil": "filer", "figur": "figurer", "tabell": "tabeller",
    "karta": "kartor", "kolumn": "kolumner", "utgåva": "utgåvor", "svarande": "svarande",
    "deltagare": "deltagare", "nyanländ": "nyanlända", "region": "regioner",
}
_SINGULAR = "|".join(s for s, p in NOUNS.items() if s != p)
_PLURAL = "|".join(p for s, p in NOUNS.items() if s != p)
# a whole number not glued to a previous group of digits or a decimal part
_NUM = r"(?<![\d,.])(?<!\d[ \u00a0\u202f])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?![,.]\d)"
# (a compound such as "66 kommun-år" counts its last part)
ONE_WITH_PLURAL = re.compile(
    rf"(?<![\d,.])(?<!\d[ \u00a0\u202f])\b(1|en|ett)\s+({_PLURAL})\b(?!-)")
MANY_WITH_SINGULAR = re.compile(rf"{_NUM}\s+({_SINGULAR})\b(?!-)")
SMALL_DIGITS = re.compile(
    rf"(?<![\d,.–\-/])(?<!\d[ \u00a0\u202f])\b([1-9]|1[0-2])(?![,.]\d)\s+"
    rf"({_SINGULAR}|{_PLURAL}|län|år|kapitel)\b")
# "kapitel 2 …", "s. 7 …": a number that names a thing, not a count
NAMING_WORD = re.compile(r"(?:kapitel|avsnitt|figur|figurerna|tabell|sidan|s\.|nr|nummer|"
                         r"år|plats|steg|punkt)\s*$", re.I)


def agreement_offences(page: Page) -> list[str]:
    out = []
    for block in page.blocks:
        text = block.text
        for m in ONE_WITH_PLURAL.finditer(text):
            out.append(f"{page.rel}: «{m.group(0)}» (one with a plural) in "
                       f"«{snippet(text, m.start(), m.end())}»")
        for m in MANY_WITH_SINGULAR.finditer(text):
            if sv_number(m.group(1)) != 1:
                out.append(f"{page.rel}: «{m.group(0)}» (several with a singular) in "
                           f"«{snippet(text, m.start(), m.end())}»")
    return out


def small_count_offences(page: Page) -> list[str]:
    out = []
    for block in page.blocks:
        if not block.running or re.fullmatch(r"h[1-6]|title", block.node.tag):
            continue
        for m in SMALL_DIGITS.finditer(block.text):
            if NAMING_WORD.search(block.text[:m.start()]):
                continue
            out.append(f"{page.rel}: «{m.group(0)}» in "
                       f"«{snippet(block.text, m.start(), m.end())}»")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("report", [*REPORTS, "top"], ids=_ids)
def test_counts_agree_with_their_nouns(pages_root: Path, report: str) -> None:
    offences = [o for page in all_pages(pages_root, report) for o in agreement_offences(page)]
    fail_with(offences, f"counts that disagree with their noun ({report})")


@pytest.mark.slow
@pytest.mark.parametrize("report", REPORTS, ids=_ids)
def test_small_counts_in_running_text_are_words(pages_root: Path, report: str) -> None:
    """Språkrådet (issue 13, item 2): one to twelve in words where they count things in
    running text ("fem kommuner", not "5 kommuner"); tables keep digits."""
    offences = [o for page in pages_of(pages_root, report) for o in small_count_offences(page)]
    fail_with(offences, f"counts of one to twelve in digits in running text ({report})")


# ----------------------------------------------------------------------------------------
# 4. Images and maps: Swedish alt text, a title, a source line
# ----------------------------------------------------------------------------------------

ENGLISH = re.compile(r"\b(the|of|and|with|received|municipalit(?:y|ies)|count(?:y|ies)|share|"
                     r"map|figure|chart|image|plot|population|per capita)\b", re.I)
FILE_NAME = re.compile(r"\.(png|svg|jpe?g|gif|csv|html?)\b|/", re.I)


def _alt_problem(alt: str) -> str | None:
    alt = _collapse(alt)
    if not alt:
        return "no alt text"
    if FILE_NAME.search(alt) or SNAKE.search(alt):
        return f"alt text is a file name or identifier: «{alt}»"
    if len(alt.split()) < 2:
        return f"alt text is a single word: «{alt}»"
    if ENGLISH.search(alt):
        return f"alt text is not Swedish: «{alt}»"
    return None


def _following_text(page: Page, node: Node, blocks: int = 2) -> str:
    """The text of the first ``blocks`` text blocks after ``node`` in document order."""
    order = {id(n): i for i, n in enumerate(page.root.iter())}
    last = max((order[id(n)] for n in node.iter()), default=order[id(node)])
    after = [b for b in page.blocks if order[id(b.node)] > last]
    after.sort(key=lambda b: order[id(b.node)])
    return " ".join(b.text for b in after[:blocks])


def _container(node: Node) -> Node | None:
    for a in node.ancestors():
        if a.tag == "figure" or a.classes() & {"output_area", "kfsk-map", "kfsk-figure"}:
            return a
    return None


def _title_of(node: Node, page: Page) -> str:
    if node.attrs.get("title", "").strip():
        return node.attrs["title"].strip()
    figure = next((a for a in node.ancestors() if a.tag == "figure"), None)
    if figure is not None:
        caption = next(iter(figure.iter("figcaption")), None)
        if caption is not None and caption.text():
            return caption.text()
    labelled = node.attrs.get("aria-labelledby", "")
    if labelled:
        for n in page.root.iter():
            if n.attrs.get("id") in labelled.split() and n.text():
                return n.text()
    if node.tag == "svg":
        title = next((c for c in node.children if isinstance(c, Node) and c.tag == "title"),
                     None)
        if title is not None and title.text():
            return title.text()
    return ""


def _images(page: Page) -> Iterator[tuple[Node, str]]:
    for node in page.root.iter():
        if node.tag == "img":
            yield node, node.attrs.get("alt", "")
        elif node.tag == "svg" and not node.inside("svg"):
            yield node, node.attrs.get("aria-label", "")


def image_offences(page: Page) -> list[str]:
    out = []
    for number_, (node, alt) in enumerate(_images(page), start=1):
        label = f"{page.rel} {node.tag} #{number_}"
        # an inline map is an image, or a labelled group when it holds links (inside
        # role="img" its links would be hidden from assistive technology)
        if node.tag == "svg" and not (node.attrs.get("role") == "img" or (
                node.attrs.get("role") == "group" and node.attrs.get("aria-label"))):
            out.append(f"{label}: inline map neither role=\"img\" nor a labelled group")
        problem = _alt_problem(alt)
        if problem:
            out.append(f"{label}: {problem}")
        if not _title_of(node, page):
            out.append(f"{label} «{alt[:50]}»: no title (title attribute, <figcaption> or "
                       "SVG <title>)")
        container = _container(node)
        near = (container.text() if container is not None else "") + " " + \
            _following_text(page, container if container is not None else node)
        if "Källa" not in near and "Källor" not in near:
            out.append(f"{label} «{alt[:50]}»: no source line («Källa: …») beside it")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("report", REPORTS, ids=_ids)
def test_images_and_maps_have_alt_title_and_source(pages_root: Path, report: str) -> None:
    offences = [o for page in pages_of(pages_root, report) for o in image_offences(page)]
    fail_with(offences, f"images or maps without Swedish alt text, title or source ({report})")


# ----------------------------------------------------------------------------------------
# 5. No English status words on a Swedish page
# ----------------------------------------------------------------------------------------

STATUS_WORDS = re.compile(r"\b(?:reproduced|within tolerance|differs|no source|consistent|"
                          r"inconsistent|unchanged|executed|failed)\b|\b(?:True|False)\b",
                          re.I)


def status_offences(page: Page) -> list[str]:
    out = []
    for block in page.blocks:
        for m in STATUS_WORDS.finditer(block.text):
            word = m.group(0)
            if word.lower() in ("true", "false") and word not in ("True", "False"):
                continue
            out.append(f"{page.rel} <{block.node.tag}>: «{word}» in "
                       f"«{snippet(block.text, m.start(), m.end(), 40)}»")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("report", [*REPORTS, "top"], ids=_ids)
def test_no_english_status_words(pages_root: Path, report: str) -> None:
    offences = [o for page in all_pages(pages_root, report) for o in status_offences(page)]
    fail_with(offences, f"English status words on Swedish pages ({report})")


# ----------------------------------------------------------------------------------------
# 6. Every local link resolves (file and anchor)
# ----------------------------------------------------------------------------------------

EXTERNAL = ("http:", "https:", "mailto:", "data:", "tel:", "javascript:")


def _link_targets(page: Page) -> Iterator[tuple[str, str]]:
    for node in page.root.iter():
        for attr in ("href", "src"):
            if attr in node.attrs and node.tag in ("a", "img", "link", "area", "source"):
                yield node.tag, node.attrs[attr]


def link_offences(page: Page, pages_root: Path) -> list[str]:
    root = pages_root.resolve()
    out = []
    for tag, href in _link_targets(page):
        if not href.strip():
            out.append(f"{page.rel}: <{tag}> with an empty link")
            continue
        if href.startswith(EXTERNAL):
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            out.append(f"{page.rel}: «{href}» is not a local link")
            continue
        target = (page.path.parent / unquote(parts.path)).resolve() if parts.path \
            else page.path.resolve()
        if root not in target.parents:
            out.append(f"{page.rel}: «{href}» leaves the output folder")
            continue
        if not target.is_file():
            out.append(f"{page.rel}: «{href}» → missing file "
                       f"{target.relative_to(root).as_posix()}")
            continue
        if parts.fragment and target.suffix == ".html":
            ids = parse(target, pages_root).ids
            if parts.fragment not in ids and unquote(parts.fragment) not in ids:
                out.append(f"{page.rel}: «{href}» → no id «{unquote(parts.fragment)}» in "
                           f"{target.relative_to(root).as_posix()}")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("report", [*REPORTS, "top"], ids=_ids)
def test_every_local_link_resolves(pages_root: Path, report: str) -> None:
    offences = [o for page in all_pages(pages_root, report)
                for o in link_offences(page, pages_root)]
    fail_with(offences, f"local links that do not resolve ({report})")


# ----------------------------------------------------------------------------------------
# 7. Ranking sentences agree with the tables they summarise
# ----------------------------------------------------------------------------------------

NUM = r"(\d{1,3}(?:[\s\u00a0\u202f]\d{3})*(?:,\d+)?)"
COUNT = r"(\d+|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv)"
WORDS = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7,
         "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12}
PER_1000 = r"per 1[\s\u00a0]000"
ORDINALS = {"första": 1, "andra": 2, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6,
            "sjunde": 7, "åttonde": 8, "nionde": 9, "tionde": 10, "elfte": 11, "tolfte": 12}
ORDINAL = "(?:" + "|".join(ORDINALS) + ")"
# "Högst (kommun)snitt 2022 hade Gotlands län(,| med) 3,2 per 1 000 invånare, av 17 län …"
COUNTY_TOP = re.compile(rf"Högst (?:kommun)?snitt (\d{{4}}) hade (.+?),? (?:med )?{NUM} "
                        rf"{PER_1000} invånare,? av (?:alla )?{COUNT} län")
# "Bland de 17 län som har uppgift för alla kommuner var kommunsnittet 2022 högst i Gotlands
# län, 3,2 per 1 000 invånare."
COUNTY_TOP_AMONG = re.compile(rf"Bland (?:de|alla) {COUNT} län(?: som har uppgift[^,]*?)? var "
                              rf"kommunsnittet (\d{{4}}) högst i (.+?), {NUM} {PER_1000}")
COUNTY_LOW = re.compile(rf"Lägst (?:kommun)?snitt (\d{{4}}) hade (.+?),? (?:med )?{NUM} "
                        rf"{PER_1000} invånare,? av (?:alla )?{COUNT} län")
# "Fyra län saknar värde och rangordnas inte: Värmlands län (en kommun utan uppgift), …"
COUNTY_UNRANKED = re.compile(rf"{COUNT} län saknar värde och rangordnas inte: (.+?)\.?$",
                             re.I)
# "Västerbottens län skulle ändå ligga högre än Gotlands län: snittet är minst 3,5 …"
COUNTY_LOWER = re.compile(rf"(.+?) skulle ändå ligga högre än (.+?): snittet är minst {NUM}")
# "Högst (andel|av fem kommuner (med uppgift)) hade Kungälv (2,2 per 1 000)(, lägst X (0,4))"
MUNI_TOP = re.compile(rf"Högst(?: (?:andel|mottagande|värde))?(?: år (\d{{4}}))?"
                      rf"(?: av (?:alla )?{COUNT} kommuner(?: med uppgift)?)? hade (.+?) "
                      rf"\({NUM} {PER_1000}\)(?:, lägst (.+?) \({NUM}(?: {PER_1000})?\))?")
COUNTY_RANK = re.compile(rf"plats {COUNT} av (?:alla )?{COUNT} län")
# "Skåne tog emot 10 512 personer (år) 2017, 7,9 per 1 000 invånare"
RECEIVED_TOTAL = re.compile(rf"tog emot {NUM} personer (?:år )?(\d{{4}}), {NUM} {PER_1000}")
# "Regionens mottagande 2022 kan inte summeras: två kommuner saknar uppgift (A och B);
# övriga tog emot 123 personer."
RECEIVED_GAP = re.compile(rf"mottagande (\d{{4}}) kan inte summeras: {COUNT} kommun(?:er)? saknar "
                          rf"uppgift \((.+?)\); övriga tog emot {NUM} personer")
# "Göteborgsregionen hade ett kommunsnitt på 3,5 per 1 000 invånare (13 kommuner), högre
# än rikets 2,8 (290 kommuner …)"
REGION_VS_SWEDEN = re.compile(rf"hade ett kommunsnitt på {NUM} {PER_1000} invånare "
                              rf"\({COUNT} kommuner[^)]*\), (högre än|lägre än|lika med) "
                              rf"rikets {NUM}")
# summary.html: "År 2017 tog kommunerna i Skåne emot 10 512 personer i flyktingmottagandet,
# 7,9 per 1 000 invånare, mot 6,8 i riket."
SUMMARY_TOTAL = re.compile(rf"År (\d{{4}}) tog kommunerna i (.+?) emot {NUM} personer i "
                           rf"flyktingmottagandet, {NUM} {PER_1000} invånare(?:, mot {NUM} i "
                           rf"riket)?")
# "Flest mottagna per 1 000 invånare 2017 av 33 kommuner med uppgift hade Östra Göinge
# (25,1) och minst Lomma (4,6)." (groups as MUNI_TOP: year, count, top, rate, low, rate)
SUMMARY_MUNI = re.compile(rf"Flest mottagna {PER_1000} invånare (\d{{4}}) av (?:alla )?"
                          rf"{COUNT} kommuner(?: med uppgift)? hade (.+?) \({NUM}\)"
                          rf"(?: och (?:minst|färst|lägst) (.+?) \({NUM}\))?")
# "Med 16,5 mottagna senaste 24 månaderna per 1 000 invånare (kommunsnitt) var Skåne län
# 15:e av 21 län med uppgift 2017(; fyra län saknar uppgift (A, B och C))." — first and
# last as "högst av 21 län" and "lägst av 21 län"
SUMMARY_COUNTY_RANK = re.compile(
    rf"Med {NUM} mottagna senaste 24 månaderna {PER_1000} invånare \(kommunsnitt\) var "
    rf"(.+?) (\d+:[ae]|{ORDINAL}|högst|lägst) av (?:alla )?{COUNT} län(?: med uppgift)? (\d{{4}})"
    rf"(?:; (?:{COUNT} län saknar uppgift \((.+?)\)|(.+?) saknar uppgift))?")
# "Göteborgsregionen tog emot 10,0 personer senaste 24 månaderna per 1 000 invånare 2017
# (kommunsnitt), lägre än rikets 17,5."
SUMMARY_REGION = re.compile(rf"tog emot {NUM} personer senaste 24 månaderna {PER_1000} "
                            rf"invånare (\d{{4}}) \(kommunsnitt\), (högre än|lägre än|lika "
                            rf"med) rikets {NUM}")
# A sentence that ranks: "högst"/"lägst" (not "högst 1 %", "at most"), "flest", "15:e av",
# "plats N av", "rankas", "rangordnas" … (not "rangordnas inte", a rule or a gap, nor a
# scale's definition "1 = högst")
RANKING = re.compile(r"(?<!= )\b(?:[Hh]ögst|[Ll]ägst)\b(?!\s+\d)|(?<!= )\b(?:[Ff]lest|[Ff]ärst)\b|"
                     rf"\b(?:\d+:[ae]|{ORDINAL}) av\b|\bplats \S+ av\b|"
                     r"\b(?:rankas|rankad|rankades|rangordnas|rangordnades|placerar sig)\b"
                     r"(?! inte)")


def _count(text: str) -> int:
    return WORDS[text.lower()] if text.lower() in WORDS else int(text)


def _names(text: str) -> list[str]:
    """``A, B och C`` → the names (parenthesised remarks dropped)."""
    text = re.sub(r"\s*\([^)]*\)", "", text)
    return [n.strip() for n in re.split(r",\s*|\s+och\s+", text) if n.strip()]


def _county_rows(report_dir: Path, year: str) -> list[dict[str, str]]:
    return [r for r in read_csv(report_dir / "tables" / "reception_county.csv")
            if r["year"] == year]


def _county_values(report_dir: Path, year: str) -> tuple[dict[str, float], list[str]]:
    """County name → received_24m_per_1000 in ``year`` (with a value), and the names of
    counties without one, from ``tables/reception_county.csv``."""
    values = {r["county_name"]: number(r["received_24m_per_1000"])
              for r in _county_rows(report_dir, year)}
    return ({k: v for k, v in values.items() if v is not None},
            sorted(k for k, v in values.items() if v is None))


def _muni_rows(report_dir: Path, year: str) -> list[dict[str, str]]:
    return [r for r in read_csv(report_dir / "tables" / "reception_municipality.csv")
            if r["year"] == year]


def _same_name(printed: str, name: str) -> bool:
    return _collapse(printed) == name or _collapse(printed) == name.removesuffix(" län")


def _check_county_sentence(m: re.Match, report_dir: Path, text: str, top: bool) -> list[str]:
    year, name, rate, n = m.group(1), m.group(2), m.group(3), _count(m.group(4))
    values, missing = _county_values(report_dir, year)
    if not values:
        return [f"«{m.group(0)}»: reception_county.csv has no value for {year}"]
    best = (max if top else min)(values, key=values.get)
    out = []
    if not _same_name(name, best):
        out.append(f"«{m.group(0)}»: the {'highest' if top else 'lowest'} county in {year} "
                   f"is {best} ({sv_round(values[best], 1)}) by tables/reception_county.csv")
    if rate != sv_round(values[best], 1):
        out.append(f"«{m.group(0)}»: {best}'s rate is {sv_round(values[best], 1)}, printed "
                   f"{rate}")
    if n != len(values):
        out.append(f"«{m.group(0)}»: {len(values)} counties have a value in {year}, the "
                   f"sentence says {n}")
    unnamed = [c for c in missing if c.removesuffix(" län") not in text]
    if unnamed:
        out.append(f"«{m.group(0)}»: counties without a value are not named nearby: "
                   f"{', '.join(unnamed)}")
    return out


def _check_unranked(m: re.Match, report_dir: Path, year: str | None) -> list[str]:
    if year is None:
        return [f"«{m.group(0)}»: no year before this sentence"]
    _, missing = _county_values(report_dir, year)
    rows = {r["county_name"]: r for r in _county_rows(report_dir, year)}
    out = []
    if _count(m.group(1)) != len(missing):
        out.append(f"«{m.group(0)[:80]}»: {len(missing)} counties lack a value in {year}")
    named = _names(m.group(2))
    if sorted(named) != missing:
        out.append(f"«{m.group(0)[:80]}»: the counties without a value in {year} are "
                   f"{', '.join(missing)}")
    for item in re.findall(rf"([^,(]+?) \({COUNT} kommun(?:er)? utan uppgift\)", m.group(2)):
        county, k = item[0].removeprefix("och ").strip(), _count(item[1])
        row = rows.get(county)
        if row and int(row["municipalities_missing"]) != k:
            out.append(f"«{m.group(0)[:80]}»: {county} lacks {row['municipalities_missing']} "
                       f"municipalities, printed {k}")
    return out


def _check_lower_bound(m: re.Match, report_dir: Path, year: str | None) -> list[str]:
    if year is None:
        return [f"«{m.group(0)}»: no year before this sentence"]
    rows = {r["county_name"]: r for r in _county_rows(report_dir, year)}
    county, top, lower = m.group(1).strip(), m.group(2).strip(), m.group(3)
    row, top_row = rows.get(county), rows.get(top)
    if row is None or top_row is None:
        return [f"«{m.group(0)}»: {county} or {top} is not in reception_county.csv"]
    bound = number(row["received_24m_per_1000_lower"])
    top_value = number(top_row["received_24m_per_1000"])
    if bound is None or lower != sv_round(bound, 1):
        return [f"«{m.group(0)}»: the lower bound in the table is "
                f"{row['received_24m_per_1000_lower'] or 'empty'}"]
    if top_value is None or bound <= top_value:
        return [f"«{m.group(0)}»: {bound:.2f} is not above {top}'s {top_value}"]
    return []


def _check_muni_sentence(m: re.Match, report_dir: Path, year: str | None) -> list[str]:
    year = m.group(1) or year
    if year is None:
        return [f"«{m.group(0)}»: no year in the sentence or the one before it"]
    rows = _muni_rows(report_dir, year)
    values = {r["municipality_name"]: number(r["received_per_1000"]) for r in rows}
    have = {k: v for k, v in values.items() if v is not None}
    if not have:
        return [f"«{m.group(0)}»: reception_municipality.csv has no value for {year}"]
    out = []
    if m.group(2) and _count(m.group(2)) != len(have):
        out.append(f"«{m.group(0)}»: {len(have)} of {len(values)} municipalities have a value "
                   f"in {year}")
    for name, rate, top in ((m.group(3), m.group(4), True), (m.group(5), m.group(6), False)):
        if name is None:
            continue
        target = (max if top else min)(have.values())
        best = sorted(k for k, v in have.items() if v == target)
        if _collapse(name) not in best:
            out.append(f"«{m.group(0)}»: the {'highest' if top else 'lowest'} received per "
                       f"1 000 in {year} is {', '.join(best)} ({sv_round(target, 1)}) by "
                       "tables/reception_municipality.csv")
        if rate != sv_round(target, 1):
            out.append(f"«{m.group(0)}»: the {'highest' if top else 'lowest'} rate is "
                       f"{sv_round(target, 1)}, printed {rate}")
    return out


def _check_received_total(m: re.Match, report_dir: Path) -> list[str]:
    return _received_total_offences(m.group(0), m.group(1), m.group(2), m.group(3),
                                    report_dir)


def _received_total_offences(said: str, total: str, year: str, rate: str,
                             report_dir: Path) -> list[str]:
    """The region's received in ``year`` and its weighted rate, by hand from
    reception_municipality.csv."""
    rows = _muni_rows(report_dir, year)
    received = [number(r["received"]) for r in rows]
    population = [number(r["population_prev_year"]) for r in rows]
    if None in received or None in population:
        return [f"«{said}»: {sum(v is None for v in received)} municipalities lack a "
                f"received count in {year}, so no total can be stated"]
    out = []
    if sv_number(total) != round(sum(received)):
        out.append(f"«{said}»: the members received {sum(received):.0f} in {year}")
    expected = sum(received) / sum(population) * 1000
    if rate != sv_round(expected, 1):
        out.append(f"«{said}»: the region's rate is {sv_round(expected, 1)}")
    return out


def _check_received_gap(m: re.Match, report_dir: Path) -> list[str]:
    year, n, names, rest = m.group(1), _count(m.group(2)), _names(m.group(3)), m.group(4)
    rows = _muni_rows(report_dir, year)
    lacking = sorted(r["municipality_name"] for r in rows
                     if number(r["received_per_1000"]) is None)
    out = []
    if n != len(lacking) or sorted(names) != lacking:
        out.append(f"«{m.group(0)}»: lacking a rate in {year}: {', '.join(lacking) or 'none'}")
    others = sum(number(r["received"]) or 0 for r in rows
                 if number(r["received_per_1000"]) is not None)
    if sv_number(rest) != round(others):
        out.append(f"«{m.group(0)}»: the other members received {others:.0f}")
    return out


def _check_county_rank(m: re.Match, report_dir: Path, region: str, before: str) -> list[str]:
    """``before``: the block's text up to the rank (the year is the last one in it)."""
    county = REGION_COUNTY.get(region)
    year_match = re.findall(r"\b(20\d\d)\b", before)
    if county is None or not year_match:
        return [f"«{m.group(0)}»: cannot tell which county and year this rank is for"]
    year = year_match[-1]
    values = {r["county_id"]: number(r["received_24m_per_1000"])
              for r in _county_rows(report_dir, year)}
    ranked = {k: v for k, v in values.items() if v is not None}
    own = ranked.get(county)
    if own is None:
        return [f"«{m.group(0)}»: the region's county has no value in {year}"]
    rank = 1 + sum(v > own for v in ranked.values())
    out = []
    if _count(m.group(1)) != rank:
        out.append(f"«{m.group(0)}»: rank in {year} is {rank} by tables/reception_county.csv")
    if _count(m.group(2)) != len(ranked):
        out.append(f"«{m.group(0)}»: {len(ranked)} counties have a value in {year}")
    return out


def _check_region_vs_sweden(m: re.Match, report_dir: Path, year: str | None) -> list[str]:
    """The region's unweighted mean of its members' 24-month rates in ``year``, by hand
    from reception_municipality.csv (received in T and T-1 over the population 31/12
    T-1), against Sweden's value in the chapter's reception_24m_region.csv."""
    if year is None:
        return [f"«{m.group(0)}»: no year before this sentence"]
    return _region_vs_sweden_offences(m.group(0), m.group(1), _count(m.group(2)),
                                      m.group(3), m.group(4), report_dir, year)


def _region_vs_sweden_offences(said: str, rate: str, n: int | None, word: str, sweden: str,
                               report_dir: Path, year: str) -> list[str]:
    rows = read_csv(report_dir / "tables" / "reception_municipality.csv")
    received = {(r["municipality_id"], r["year"]): number(r["received"]) for r in rows}
    rates = []
    for r in rows:
        if r["year"] != year:
            continue
        now, before = received[(r["municipality_id"], year)], received.get(
            (r["municipality_id"], str(int(year) - 1)))
        population = number(r["population_prev_year"])
        if None not in (now, before, population) and population:
            rates.append((now + before) / population * 1000)
    out = []
    if n is not None and n != len(rates):
        out.append(f"«{said}»: {len(rates)} members have a 24-month rate in {year}")
    if not rates:
        return out
    mean = sum(rates) / len(rates)
    if rate != sv_round(mean, 1):
        out.append(f"«{said}»: the members' mean is {sv_round(mean, 1)} in {year}")
    swe = [r for r in read_csv(report_dir / "tables" / "reception_24m_region.csv")
           if r["area_id"] == "0000" and r["year"] == year]
    if len(swe) != 1:
        return [*out, f"«{said}»: reception_24m_region.csv has no row for Sweden {year}"]
    value = number(swe[0]["received_24m_per_1000_reported"])
    if value is None or sweden != sv_round(value, 1):
        out.append(f"«{said}»: Sweden's value in the table is {value}")
    else:
        a, b = sv_number(sv_round(mean, 1)), sv_number(sv_round(value, 1))
        expected = "högre än" if a > b else "lägre än" if a < b else "lika med"
        if word != expected:
            out.append(f"«{said}»: {sv_round(mean, 1)} is «{expected}» "
                       f"{sv_round(value, 1)}")
    return out


def _sweden_rate(year: str) -> float | None:
    """Sweden's received per 1,000 in ``year``, by hand from the snapshot's Kolada files
    (N01986 ``0000`` T over N01951 ``0000`` T-1)."""
    def value(kpi: str, y: str) -> float | None:
        with (SNAPSHOT_DIR / "kolada" / f"{kpi}.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if (row["municipality_id"], row["period"], row["gender"]) == ("0000", y, "T"):
                    return number(row["value"])
        return None
    received, population = value("N01986", year), value("N01951", str(int(year) - 1))
    return received / population * 1000 if received is not None and population else None


def _check_summary_total(m: re.Match, report_dir: Path) -> list[str]:
    year, total, rate, sweden = m.group(1), m.group(3), m.group(4), m.group(5)
    out = _received_total_offences(m.group(0), total, year, rate, report_dir)
    if sweden is not None:
        expected = _sweden_rate(year)
        if expected is None or sweden != sv_round(expected, 1):
            out.append(f"«{m.group(0)}»: Sweden received {expected} per 1 000 in {year} "
                       "(N01986 0000 over N01951 0000 the year before)")
    return out


def _check_summary_county_rank(m: re.Match, report_dir: Path, region: str) -> list[str]:
    value, county, rank, n, year = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
    values, missing = _county_values(report_dir, year)
    out = []
    own_id = REGION_COUNTY.get(region)
    rows = {r["county_id"]: r for r in _county_rows(report_dir, year)}
    if own_id is None or own_id not in rows or rows[own_id]["county_name"] != county:
        return [f"«{m.group(0)}»: {county} is not this region's county"]
    own = values.get(county)
    if own is None:
        return [f"«{m.group(0)}»: {county} has no value in {year}"]
    if value != sv_round(own, 1):
        out.append(f"«{m.group(0)}»: {county}'s value is {sv_round(own, 1)}")
    printed = (1 if rank == "högst" else len(values) if rank == "lägst"
               else ORDINALS[rank] if rank in ORDINALS else int(rank[:-2]))
    if printed != 1 + sum(v > own for v in values.values()):
        out.append(f"«{m.group(0)}»: the rank is {1 + sum(v > own for v in values.values())}")
    if _count(n) != len(values):
        out.append(f"«{m.group(0)}»: {len(values)} counties have a value in {year}")
    named = _names(m.group(7) or m.group(8) or "")
    if sorted(named) != missing:
        out.append(f"«{m.group(0)}»: the counties without a value in {year} are "
                   f"{', '.join(missing) or 'none'}")
    if m.group(6) and _count(m.group(6)) != len(missing):
        out.append(f"«{m.group(0)}»: {len(missing)} counties lack a value")
    return out


def _check_summary_region(m: re.Match, report_dir: Path) -> list[str]:
    rate, year, word, sweden = m.group(1), m.group(2), m.group(3), m.group(4)
    return _region_vs_sweden_offences(m.group(0), rate, None, word, sweden, report_dir, year)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])", text) if s]


def ranking_offences(page: Page, report_dir: Path, region: str) -> tuple[list[str], int]:
    """(offences, number of sentences checked) of chapter 2's ranking sentences."""
    offences, checked = [], 0
    for block in page.blocks:
        if not block.running:
            continue
        text = block.text
        previous_year = None
        for sentence in _sentences(text):
            years = re.findall(r"\b(20\d\d)\b", sentence)
            for pattern, top in ((COUNTY_TOP, True), (COUNTY_LOW, False)):
                for m in pattern.finditer(sentence):
                    checked += 1
                    offences += _check_county_sentence(m, report_dir, text, top)
            for m in COUNTY_TOP_AMONG.finditer(sentence):
                checked += 1
                groups = re.match(r"(.*)\|(.*)\|(.*)\|(.*)", "|".join(
                    [m.group(2), m.group(3), m.group(4), m.group(1)]))
                offences += [o.replace(f"«{groups.group(0)}»", f"«{m.group(0)}»") for o in
                             _check_county_sentence(groups, report_dir, text, True)]
            for m in COUNTY_UNRANKED.finditer(sentence):
                checked += 1
                offences += _check_unranked(m, report_dir, previous_year)
            for m in COUNTY_LOWER.finditer(sentence):
                checked += 1
                offences += _check_lower_bound(m, report_dir, previous_year)
            for m in MUNI_TOP.finditer(sentence):
                checked += 1
                offences += _check_muni_sentence(m, report_dir, years[-1] if years
                                                 else previous_year)
            for m in COUNTY_RANK.finditer(sentence):
                checked += 1
                offences += _check_county_rank(m, report_dir, region, text[
                    :text.index(sentence)] + sentence[:m.start()])
            for m in RECEIVED_TOTAL.finditer(sentence):
                checked += 1
                offences += _check_received_total(m, report_dir)
            for m in RECEIVED_GAP.finditer(sentence):
                checked += 1
                offences += _check_received_gap(m, report_dir)
            for m in REGION_VS_SWEDEN.finditer(sentence):
                checked += 1
                offences += _check_region_vs_sweden(m, report_dir, previous_year)
            for m in SUMMARY_TOTAL.finditer(sentence):
                checked += 1
                offences += _check_summary_total(m, report_dir)
            for m in SUMMARY_MUNI.finditer(sentence):
                checked += 1
                offences += _check_muni_sentence(m, report_dir, None)
            for m in SUMMARY_COUNTY_RANK.finditer(sentence):
                checked += 1
                offences += _check_summary_county_rank(m, report_dir, region)
            for m in SUMMARY_REGION.finditer(sentence):
                checked += 1
                offences += _check_summary_region(m, report_dir)
            if years:
                previous_year = years[-1]
    return [f"{page.rel}: {o}" for o in offences], checked


@pytest.mark.slow
@pytest.mark.parametrize("report", REPORTS, ids=_ids)
def test_ranking_sentences_agree_with_tables(pages_root: Path, report: str) -> None:
    """Chapter 2's county and municipality "Högst …" sentences, the counties left out, the
    region's county rank and its total received, recomputed by hand from the chapter's CSV
    files."""
    report_dir = pages_root / report
    page = parse(report_dir / "chapters" / "02_etablering.html", pages_root)
    offences, checked = ranking_offences(page, report_dir, report.split("/")[1])
    if (report_dir / "summary.html").is_file():
        summary = parse(report_dir / "summary.html", pages_root)
        offences += ranking_offences(summary, report_dir, report.split("/")[1])[0]
    fail_with(offences, f"ranking sentences that disagree with their table ({report})")
    assert checked, f"{page.rel}: no ranking sentence found (expected «Högst … snitt …»)"


KNOWN_RANKING = (COUNTY_TOP, COUNTY_TOP_AMONG, COUNTY_LOW, COUNTY_UNRANKED, MUNI_TOP,
                 COUNTY_RANK, SUMMARY_MUNI, SUMMARY_COUNTY_RANK)
# Chapter 7: «Andelen var högst i X (a %) och lägst i Y (b %).» over the members' share of
# refugees in work (tables/employment_refugees.csv, the edition's last data year).
EMPLOYED_EXTREMES = re.compile(
    r"Andelen var högst i (?P<top>[^()]+?) \((?P<top_v>[\d,]+)\s?%\) och lägst i "
    r"(?P<low>[^()]+?) \((?P<low_v>[\d,]+)\s?%\)")


@pytest.mark.slow
@pytest.mark.parametrize("report", REPORTS, ids=_ids)
def test_chapter7_employment_extremes_agree_with_table(pages_root: Path, report: str) -> None:
    """Chapter 7's highest and lowest share of refugees in work, recomputed from its CSV."""
    report_dir = pages_root / report
    rows = [r for r in read_csv(report_dir / "tables" / "employment_refugees.csv")
            if r["level"] == "kommun" and r["refugees_employed_pct"]]
    last = max(r["year"] for r in rows)
    rows = [r for r in rows if r["year"] == last]
    top = max(rows, key=lambda r: float(r["refugees_employed_pct"]))
    low = min(rows, key=lambda r: float(r["refugees_employed_pct"]))
    page = parse(report_dir / "chapters" / "07_utfall.html", pages_root)
    found = [m for b in page.blocks for m in EMPLOYED_EXTREMES.finditer(b.text)]
    assert len(found) == 1, f"{report}: expected one «Andelen var högst i …» sentence"
    m = found[0]
    assert (m["top"], m["low"]) == (top["municipality_name"], low["municipality_name"])
    assert m["top_v"] == sv_round(float(top["refugees_employed_pct"]), 1)
    assert m["low_v"] == sv_round(float(low["refugees_employed_pct"]), 1)


@pytest.mark.slow
@pytest.mark.parametrize("report", REPORTS, ids=_ids)
def test_every_ranking_sentence_is_checked(pages_root: Path, report: str) -> None:
    """Every sentence that ranks (högst/lägst/flest/plats N av/rangordnas, with a number) in
    running text is one that ``test_ranking_sentences_agree_with_tables`` recomputes; a new
    kind of ranking sentence needs a rule there."""
    offences = []
    for page in pages_of(pages_root, report):
        for block in page.blocks:
            if not block.running or re.fullmatch(r"h[1-6]|title", block.node.tag):
                continue
            for sentence in _sentences(block.text):
                if not RANKING.search(sentence) or not re.search(r"\d", sentence):
                    continue  # a claim ranks units by a value; a definition states none
                # report.html repeats the summary and the chapters, sentence by sentence
                if page.path.name in ("02_etablering.html", "summary.html",
                                      "report.html") and any(
                        p.search(sentence) for p in KNOWN_RANKING):
                    continue
                if page.path.name in ("07_utfall.html", "report.html") and \
                        EMPLOYED_EXTREMES.search(sentence):
                    continue
                offences.append(f"{page.rel}: «{sentence[:160]}»")
    fail_with(offences, f"ranking sentences no test recomputes ({report})")


# ----------------------------------------------------------------------------------------
# The checks themselves catch what they are for (fast; synthetic pages)
# ----------------------------------------------------------------------------------------

BAD_PAGE = """<!DOCTYPE html><html lang="sv"><head><title>Sida</title><style>a_b{}</style>
</head><body><nav><a href="index.html">Innehåll</a></nav><main>
<p>Av dem var – % i arbete. Som mest saknar 1 kommuner en uppgift; 2 kommun; en kommuner.
Totalt 66 kommun-år och 1 000 invånare; 0 kommuner saknar värde; 1 kommun.</p>
<p>Status: within tolerance och differs. Värdet None, nan och {value:x}.</p>
<p>Projektet pågick i 2 år och 5 kommuner deltog, se kapitel 2 och s. 7 kommuner.</p>
<table><caption>Tabell</caption><thead><tr><th>exits_work_or_studies_share</th></tr></thead>
<tbody><tr><td>–</td></tr><tr><td>True</td></tr></tbody></table>
<p>Kolumnen <code>municipalities_missing</code> är dokumenterad.</p>
<img alt="fig1_establishment.png" src="data:image/png;base64,AAAA">
<figure><img alt="Mottagna per 1 000 invånare" src="figures/x.png"><figcaption>Karta
över mottagandet. Källa: Kolada (RKA)</figcaption></figure>
<img alt="Map of received" src="saknas.png">
<a href="sida.html#finns">ok</a><a href="sida.html#saknas">bruten</a><a href="../../ut.html">
ut</a><a href="https://kolada.se">extern</a><a href="#finns">här</a>
<p id="finns">Högst 1 % skiljer.</p>
</main></body></html>"""


@pytest.fixture
def bad_page(tmp_path: Path) -> Page:
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "x.png").write_bytes(b"\x89PNG")
    path = tmp_path / "sida.html"
    path.write_text(BAD_PAGE, encoding="utf-8")
    return parse(path, tmp_path)


def _found(offences: list[str]) -> str:
    return "\n".join(offences)


def test_visible_text_skips_code_style_and_keeps_table_cells(bad_page: Page) -> None:
    identifiers = _found(_visible_offences(bad_page, SNAKE, "identifier"))
    assert "exits_work_or_studies_share" in identifiers
    assert "municipalities_missing" not in identifiers and "a_b" not in identifiers
    reprs = _found(_visible_offences(bad_page, MISSING_REPR, "repr")
                   + _visible_offences(bad_page, BRACES, "brace"))
    assert "«None»" in reprs and "«nan»" in reprs and "«{»" in reprs


def test_lone_dash_and_agreement_are_caught(bad_page: Page) -> None:
    dashes = dash_offences(bad_page)
    assert len(dashes) == 1 and "var –" in dashes[0]  # the table cell "–" is a gap marker
    agreement = _found(agreement_offences(bad_page))
    assert "«1 kommuner»" in agreement and "«2 kommun»" in agreement
    assert "«en kommuner»" in agreement
    assert "«66 kommun»" not in agreement and "«1 kommun»" not in agreement
    assert "«0 kommuner»" not in agreement


def test_small_counts_in_prose_are_caught(bad_page: Page) -> None:
    small = _found(small_count_offences(bad_page))
    assert "«2 år»" in small and "«5 kommuner»" in small
    assert "«1 kommuner»" in small  # also wrong in number
    assert "«7 kommuner»" not in small  # "s. 7" names a page


def test_status_words_are_caught(bad_page: Page) -> None:
    words = _found(status_offences(bad_page))
    assert "«within tolerance»" in words and "«differs»" in words and "«True»" in words


def test_images_need_swedish_alt_title_and_source(bad_page: Page) -> None:
    images = image_offences(bad_page)
    first = [o for o in images if "img #1" in o]
    assert any("file name" in o for o in first)
    assert not [o for o in images if "img #2" in o]  # figure, figcaption, Källa
    assert any("not Swedish" in o for o in images if "img #3" in o)


def test_links_need_a_file_and_an_anchor(bad_page: Page) -> None:
    links = _found(link_offences(bad_page, bad_page.path.parent))
    assert "«sida.html#saknas» → no id «saknas»" in links
    assert "«saknas.png» → missing file" in links
    assert "«../../ut.html» leaves the output folder" in links
    assert "sida.html#finns»" not in links and "«#finns»" not in links
    assert "kolada.se" not in links and "figures/x.png" not in links


def test_ranking_words_skip_at_most() -> None:
    assert not RANKING.search("Högst 1 % för antal")
    assert RANKING.search("Högst snitt 2017 hade Kalmar län")
    assert RANKING.search("Skåne kom på plats 15 av 21 län")
    assert RANKING.search("var Skåne län nionde av 21 län") and RANKING.search("15:e av 21")
    assert not RANKING.search("Rang (1 = flest mottagna)")
    m = SUMMARY_COUNTY_RANK.search("Med 3,1 mottagna senaste 24 månaderna per 1\u00a0000 "
                                   "invånare (kommunsnitt) var Blekinge län lägst av 20 län "
                                   "med uppgift 2020.")
    assert m and m.group(3) == "lägst" and m.group(5) == "2020"
    assert not RANKING.search("Ett län där någon kommun saknar uppgift rangordnas inte.")


def test_table_rows_and_swedish_numbers() -> None:
    builder = _TreeBuilder()
    builder.feed("<table><thead><tr><th>a</th></tr></thead><tbody><tr><td><table><tr><td>x"
                 "</td></tr></table></td></tr><tr><td>y</td></tr></tbody></table>")
    outer = next(builder.root.iter("table"))
    assert len(body_rows(outer)) == 2
    assert sv_round(31.08, 1) == "31,1" and sv_round(2.25, 1) == "2,3"
    assert sv_round(10512, 0) == "10\u00a0512" and sv_number("10\u00a0512,5") == 10512.5


COUNTY_CSV = """county_id,county_name,year,received_24m_per_1000,received_24m_per_1000_lower,\
municipalities_missing
10,Blekinge län,2022,2.5,2.5,0
09,Gotlands län,2022,3.2,3.2,0
24,Västerbottens län,2022,,3.5,1
12,Skåne län,2022,1.2,1.2,0
"""
MUNI_CSV = """municipality_id,municipality_name,year,received,population_prev_year,\
received_per_1000
1080,Karlskrona,2022,100,66000,1.515151515
1081,Ronneby,2022,,29000,
1082,Karlshamn,2022,50,32000,1.5625
"""


def test_ranking_sentences_are_recomputed(tmp_path: Path) -> None:
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "reception_county.csv").write_text(COUNTY_CSV, encoding="utf-8")
    (tmp_path / "tables" / "reception_municipality.csv").write_text(MUNI_CSV,
                                                                     encoding="utf-8")
    page_path = tmp_path / "02.html"
    page_path.write_text(
        "<p>Högst kommunsnitt 2022 hade Gotlands län, 3,2 per 1 000 invånare, av tre län med "
        "uppgift. Ett län saknar värde och rangordnas inte: Västerbottens län (en kommun utan "
        "uppgift). Västerbottens län skulle ändå ligga högre än Gotlands län: snittet är minst "
        "3,5 även om den saknade kommunen hade tagit emot noll. Blekinge län hade 2,5 per "
        "1 000 invånare och låg på plats 2 av tre län med uppgift (1 = högst).</p>"
        "<p>Regionens mottagande 2022 kan inte summeras: en kommun saknar uppgift (Ronneby); "
        "övriga tog emot 150 personer. Högst av två kommuner med uppgift hade Karlshamn "
        "(1,6 per 1 000), lägst Karlskrona (1,5).</p>", encoding="utf-8")
    good, checked = ranking_offences(parse(page_path, tmp_path), tmp_path, "blekinge")
    assert good == [] and checked == 6
    page_path = tmp_path / "02-bad.html"  # (pages are parsed once per path)
    page_path.write_text(
        "<p>Högst snitt 2022 hade Västerbottens län med 3,5 per 1 000 invånare, av 4 län. "
        "Blekinge län låg på plats 1 av 4 län.</p><p>Blekinge tog emot 150 personer 2022, "
        "1,2 per 1 000 invånare. Högst andel hade Karlskrona (1,5 per 1 000).</p>",
        encoding="utf-8")
    bad, _ = ranking_offences(parse(page_path, tmp_path), tmp_path, "blekinge")
    found = _found(bad)
    assert "the highest county in 2022 is Gotlands län (3,2)" in found
    assert "3 counties have a value in 2022, the sentence says 4" in found
    assert "rank in 2022 is 2" in found
    assert "1 municipalities lack a received count" in found
    assert "the highest received per 1 000 in 2022 is Karlshamn (1,6)" in found
