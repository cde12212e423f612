"""``report.html`` (the whole report on one page), ``kfsk build --pdf`` and dark mode.

- A small staging folder written here (a summary and chapters 01, 03, 05 and 10, with
  colliding heading ids, a repeated SVG pattern id, links of every kind, and a chapter page
  without an ``<h1>`` as a stub chapter writes it) checks the merge by hand: which chapters,
  in which order, under which heading, every link rewritten, every id unique.
- Every report of the session build (``batch``) has a ``report.html`` whose ``<h1>``s are
  the summary's and each chapter page's, in chapter order; its relative links reach files,
  its in-page links reach ids, and its ids are unique.
- ``kfsk build --pdf`` on a copy of the batch's 2018/skane reuses every chapter and writes
  ``report.pdf`` (read with pypdf: text, page numbers, each chapter's heading at the top of
  a page). Without Chromium on PATH it stops with one line (exit 2) before anything runs.
- Pages in Chromium with ``prefers-color-scheme: dark`` (CDP) are dark with light text, and
  the print stylesheet (``media: print``) starts each chapter on a new page and hides
  navigation and download lines.

Without Chromium (or, for the page tests, chromedriver) the browser tests are skipped with
a reason, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

from kfsk_research import build as build_module
from kfsk_research import cli
from kfsk_research.errors import BuildError
from kfsk_research.pages import page
from kfsk_research.printable import MissingBrowserError, find_browser, printable_html, write_pdf

NO_BROWSER = ("error: kfsk build --pdf needs Chromium: apt-get install chromium (or put "
              "chromium or google-chrome on PATH)")
ENV_VARS = ("KFSK_DATA_DIR", "KFSK_OUTPUT_DIR", "KFSK_CONFIG", "KFSK_DATASET_CACHE")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_ID = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")
_LINK = re.compile(r"""\s(?:href|src|xlink:href)="([^"]*)\"""")
_PAGE_NUMBER = re.compile(r"Sida (\d+) av (\d+)")


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"cannot run in CI: {reason}")
    pytest.skip(reason)


def _text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags and the ``¶`` anchor links dropped."""
    fragment = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _h1s(document: str) -> list[str]:
    return [_text(m) for m in _H1.findall(document)]


def _ids(document: str) -> list[str]:
    return [a or b for a, b in _ID.findall(document)]


def _own_heading(path: Path) -> str:
    """A chapter page's ``<h1>``, else (a stub chapter without one) the text of its
    navigation link to itself (``01 Bakgrund``)."""
    document = path.read_text(encoding="utf-8")
    found = _h1s(document)
    if found:
        return found[0]
    link = re.search(rf'<a href="{re.escape(path.name)}">([^<]*)</a>', document)
    assert link, path
    return _text(link.group(1))


def _chapter_files(report: Path) -> list[Path]:
    """``chapters/*.html`` by chapter number (the two digits before ``_``)."""
    return sorted((report / "chapters").glob("*.html"), key=lambda p: int(p.name[:2]))


# --------------------------------------------------------------------------------------
# The merge, on a staging folder written by hand
# --------------------------------------------------------------------------------------

CHAPTER_NAV = [("Innehåll", "../index.html"), ("02 Beta", "02_b.html")]
STUB_NAV = [("Innehåll", "../index.html"), ("05 Goda exempel och lärdomar",
                                             "05_goda_exempel.html")]
HATCH_SVG = ('<svg class="kfsk-svgmap"><defs><pattern id="hatch"><path d="M0 0v6"/></pattern>'
             '</defs><path fill="url(#hatch)" d="M0 0h9"/></svg>')


def _write_staging(root: Path) -> Path:
    """A staging folder: summary, chapters 01, 03, 05 and 10 (no 02), as the build writes them
    (``page()`` with nav and footer; nbconvert's percent-encoded heading ids)."""
    chapters = root / "chapters"
    chapters.mkdir(parents=True)
    (root / "summary.html").write_text(page("Sammanfattning", (
        "<h1>Sammanfattning – Testland, utgåva 2018</h1><ul><li>Mottagandet ökade. "
        '<a href="chapters/03_c.html#Sek-%C3%A5">Läs mer: Sek å</a></li></ul>'
        '<p><a href="check.html">kontrollen</a></p>'), [("Innehåll", "index.html")]),
        encoding="utf-8")
    (chapters / "01_a.html").write_text(page("01 Alfa", (
        '<h1 id="Kapitel-1">Kapitel 1 – Alfa<a class="anchor-link" href="#Kapitel-1">¶</a></h1>'
        '<h2 id="Gemensam">Gemensam rubrik</h2>'
        '<p><a href="../tables/t.csv">CSV</a> <a href="03_c.html">kapitel 3</a> '
        '<a href="#Gemensam">upp</a></p>'
        f"{HATCH_SVG}{HATCH_SVG}"), CHAPTER_NAV), encoding="utf-8")
    (chapters / "03_c.html").write_text(page("03 Gamma", (
        '<h1 id="3.-Gamma">3. Gamma<a class="anchor-link" href="#3.-Gamma">¶</a></h1>'
        '<h2 id="Gemensam">Gemensam rubrik</h2><h2 id="Sek-%C3%A5">Sek å</h2>'
        '<img alt="figur" src="../figures/f.png"><p><a href="../municipalities/1280.html">'
        'Malmö</a> <a href="../../../index.html">alla utgåvor</a> '
        '<a href="https://www.kolada.se/">Kolada</a></p>'), CHAPTER_NAV), encoding="utf-8")
    # a chapter page without its own <h1> (the stub chapters of a user region)
    (chapters / "05_goda_exempel.html").write_text(page("05 Goda exempel", (
        "<p>Bara ett huvud.</p>"), STUB_NAV), encoding="utf-8")
    (chapters / "10_j.html").write_text(page("10 Jota", (
        "<h1>Kapitel 10 – Jota</h1><p>Sist.</p>"), CHAPTER_NAV), encoding="utf-8")
    return root


@pytest.fixture
def merged(tmp_path: Path) -> str:
    return printable_html(_write_staging(tmp_path / "staging"), "Testrapport")


def test_merged_page_has_summary_then_present_chapters_in_order(merged: str) -> None:
    assert _h1s(merged) == ["Testrapport", "Sammanfattning – Testland, utgåva 2018",
                            "Kapitel 1 – Alfa", "3. Gamma", "05 Goda exempel och lärdomar",
                            "Kapitel 10 – Jota"]
    assert "sju kapitel" not in merged
    assert "rapportens fyra kapitel" in merged  # 01, 03, 05 and 10: what the folder holds


def test_merged_page_keeps_main_content_only(merged: str) -> None:
    assert "<nav" not in merged  # the pages' navigation stays out (page() adds its own)
    assert "02_b.html" not in merged
    assert "<footer" not in merged
    assert merged.count('<section class="print-part') == 5


def test_merged_links_work_from_the_report_folder(merged: str) -> None:
    links = _LINK.findall(merged)
    for expected in ("tables/t.csv", "figures/f.png", "municipalities/1280.html",
                     "../../index.html", "check.html", "https://www.kolada.se/",
                     "#kapitel-03_c",  # chapter 1's link to chapter 3
                     "#kapitel-03_c--Sek-%C3%A5",  # the summary's link into chapter 3
                     "#kapitel-01_a--Gemensam", "#kapitel-01_a--Kapitel-1"):
        assert expected in links, (expected, links)
    assert not [h for h in links if h.startswith("../tables") or h.endswith("03_c.html")]


def test_merged_ids_are_unique_and_every_fragment_has_a_target(merged: str) -> None:
    ids = _ids(merged)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # both chapters had id="Gemensam"; both SVGs of chapter 1 had id="hatch"
    for expected in ("kapitel-01_a--Gemensam", "kapitel-03_c--Gemensam",
                     "kapitel-01_a--hatch", "kapitel-01_a--hatch-2", "sammanfattning",
                     "kapitel-01_a", "kapitel-03_c", "kapitel-10_j"):
        assert expected in ids, expected
    targets = set(ids)
    fragments = [h[1:] for h in _LINK.findall(merged) if h.startswith("#")]
    assert fragments
    assert [f for f in fragments if f not in targets] == []


def test_each_svg_pattern_reference_points_to_its_own_pattern(merged: str) -> None:
    assert re.findall(r"url\(#([^)]*)\)", merged) == ["kapitel-01_a--hatch",
                                                      "kapitel-01_a--hatch-2"]


def test_table_of_contents_lists_parts_and_chapter_sections(merged: str) -> None:
    toc = merged[merged.index('class="toc"'):merged.index("<section")]
    assert re.findall(r'<a href="([^"]*)">', toc) == [
        "#sammanfattning", "#kapitel-01_a", "#kapitel-01_a--Gemensam", "#kapitel-03_c",
        "#kapitel-03_c--Gemensam", "#kapitel-03_c--Sek-%C3%A5", "#kapitel-05_goda_exempel",
        "#kapitel-10_j"]
    assert ">Sek å</a>" in toc


def test_headings_from_data_stay_escaped(tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    (staging / "chapters").mkdir(parents=True)
    # a region name with markup, escaped by the chapter page as the build writes it
    (staging / "chapters" / "02_x.html").write_text(page("02", (
        '<h1 id="Malm%C3%B6&lt;b&gt;">Malmö&lt;script&gt;x&lt;/script&gt;</h1>'
        '<a href="#Malm%C3%B6&lt;b&gt;">upp</a>'), []), encoding="utf-8")
    merged = printable_html(staging, "Titel <b>")
    assert "rapportens enda kapitel på en sida" in merged
    assert "<script" not in merged and "<b>" not in merged
    assert "<h1>Titel &lt;b&gt;</h1>" in merged
    assert '">Malmö&lt;script&gt;x&lt;/script&gt;</a></li>' in merged  # the table of contents
    assert 'id="kapitel-02_x--Malm%C3%B6&lt;b&gt;"' in merged
    assert 'href="#kapitel-02_x--Malm%C3%B6&lt;b&gt;"' in merged


# --------------------------------------------------------------------------------------
# Chromium: finding it, and the print step with stand-in browsers
# --------------------------------------------------------------------------------------


def _executable(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_find_browser_prefers_chromium_and_knows_google_chrome(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    only_chrome = tmp_path / "a"
    chrome = _executable(only_chrome, "google-chrome", "exit 0")
    monkeypatch.setenv("PATH", str(only_chrome))
    assert find_browser() == str(chrome)
    both = tmp_path / "b"
    _executable(both, "google-chrome", "exit 0")
    chromium = _executable(both, "chromium", "exit 0")
    monkeypatch.setenv("PATH", str(both))
    assert find_browser() == str(chromium)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_browser() is None


def test_write_pdf_passes_a_fresh_profile_and_no_header_footer(tmp_path: Path) -> None:
    log = tmp_path / "args.txt"
    # a stand-in browser: records its arguments and whether the profile folder exists,
    # then writes the file named by --print-to-pdf=
    fake = _executable(tmp_path / "bin", "chromium", f"""
for a in "$@"; do echo "$a" >> {log}; done
for a in "$@"; do case "$a" in
  --user-data-dir=*) [ -d "${{a#--user-data-dir=}}" ] && echo profile-exists >> {log};;
  --print-to-pdf=*) printf '%%PDF-1.4 stand-in' > "${{a#--print-to-pdf=}}";;
esac; done""")
    source = tmp_path / "report.html"
    source.write_text("<p>x</p>", encoding="utf-8")
    out = write_pdf(source, tmp_path / "report.pdf", str(fake), timeout=30)
    assert out.read_bytes() == b"%PDF-1.4 stand-in"
    args = log.read_text(encoding="utf-8").splitlines()
    assert "--headless" in args and "--no-pdf-header-footer" in args
    assert f"--print-to-pdf={tmp_path / 'report.pdf'}" in args
    assert source.resolve().as_uri() in args
    assert "profile-exists" in args
    profile = next(a.split("=", 1)[1] for a in args if a.startswith("--user-data-dir="))
    assert not Path(profile).exists()  # removed after printing


def test_write_pdf_times_out_and_reports_failures(tmp_path: Path) -> None:
    source = tmp_path / "report.html"
    source.write_text("<p>x</p>", encoding="utf-8")
    slow = _executable(tmp_path / "slow", "chromium", "exec sleep 60")
    started = time.monotonic()
    with pytest.raises(BuildError, match=r"did not print report\.html to PDF within 1 s"):
        write_pdf(source, tmp_path / "report.pdf", str(slow), timeout=1)
    assert time.monotonic() - started < 15
    failing = _executable(tmp_path / "fail", "chromium", "echo 'cannot open display'; exit 3")
    with pytest.raises(BuildError, match=r"exit 3: cannot open display"):
        write_pdf(source, tmp_path / "report.pdf", str(failing), timeout=30)
    assert not (tmp_path / "report.pdf").exists()


# --------------------------------------------------------------------------------------
# No browser: one line, exit 2, nothing started or written
# --------------------------------------------------------------------------------------


def _build_argv(snapshot_dir: Path, out: Path, *extra: str) -> list[str]:
    return ["build", "--edition", "2018", "--region", "skane", "--data-dir",
            str(snapshot_dir), "--output-dir", str(out), "--jobs", "1", *extra]


def test_missing_browser_stops_before_anything_runs(
        tmp_path: Path, snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    def started(*args, **kwargs):
        raise AssertionError("the build went on without a browser")

    monkeypatch.setattr(cli, "_fetch_missing", started)
    monkeypatch.setattr(build_module, "load_batch_dataset", started)
    monkeypatch.setattr(build_module.KernelPool, "__init__", started)
    out = tmp_path / "out"
    code = cli.main(_build_argv(snapshot_dir, out, "--pdf"))
    captured = capsys.readouterr()
    assert code == cli.EXIT_DATA == 2
    assert captured.err.splitlines() == [NO_BROWSER]
    assert captured.out == ""
    assert not out.exists()
    # the library call stops the same way
    with pytest.raises(MissingBrowserError):
        build_module.build([2018], ["skane"], build_module.BuildOptions(
            data_dir=snapshot_dir, output_root=out, pdf=True))
    assert not out.exists()


def test_missing_browser_in_a_real_process(tmp_path: Path, snapshot_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    env["PATH"] = str(tmp_path / "empty-bin")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "kfsk_research.cli",
                           *_build_argv(snapshot_dir, out, "--pdf")], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [NO_BROWSER]
    assert proc.stdout == ""
    assert not out.exists()


# --------------------------------------------------------------------------------------
# Every report of the session build
# --------------------------------------------------------------------------------------


def _reports(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/*/index.html"))


def check_report_html(report: Path) -> None:
    """The assertions on one built report's ``report.html`` (see the module docstring)."""
    document = (report / "report.html").read_text(encoding="utf-8")
    summary = _h1s((report / "summary.html").read_text(encoding="utf-8"))
    chapters = [_own_heading(p) for p in _chapter_files(report)]
    assert chapters, report
    assert _h1s(document)[1:] == summary + chapters, report
    ids = _ids(document)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    targets = set(ids)
    missing_files, missing_ids = [], []
    for link in {html.unescape(h) for h in _LINK.findall(document)}:
        if link.startswith("#"):
            if link[1:] not in targets:
                missing_ids.append(link)
        elif (not re.match(r"^[a-z][a-z0-9+.-]*:", link)
              and not (report / unquote(link.split("#")[0])).is_file()):
            missing_files.append(link)
    assert missing_files == [], report
    assert missing_ids == [], report
    index = (report / "index.html").read_text(encoding="utf-8")
    assert '<a href="report.html">Hela rapporten på en sida (för utskrift)</a>' in index


@pytest.mark.slow
def test_every_report_has_a_printable_page(batch: Path) -> None:
    reports = _reports(batch)
    assert len(reports) >= 18
    for report in reports:
        check_report_html(report)


def _plain(text: str) -> str:
    """PDF or HTML text compared: ligatures unfolded (NFKC), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.slow
@pytest.mark.browser
def test_build_with_pdf_reuses_chapters_and_prints_every_chapter(
        batch: Path, tmp_path: Path, snapshot_dir: Path) -> None:
    if not find_browser():
        _skip_or_fail("no Chromium on PATH (chromium, chromium-browser or google-chrome; "
                      "Debian: apt-get install chromium)")
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (pip install -e "
                                "'.[dev]')")
    root = tmp_path / "out"
    report = root / "2018" / "skane"
    shutil.copytree(batch / "2018" / "skane", report)
    before = json.loads((report / "manifest.json").read_text())
    assert not (report / "report.pdf").exists()
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    proc = subprocess.run([sys.executable, "-m", "kfsk_research.cli",
                           *_build_argv(snapshot_dir, root, "--pdf")], env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr
    for chapter in before["chapters"]:  # pages only: no chapter runs again
        assert re.search(rf"2018/skane {chapter}\s+unchanged", proc.stdout), proc.stdout
    assert re.search(r"2018/skane report\.pdf\s+done", proc.stdout), proc.stdout
    pdf = report / "report.pdf"
    after = json.loads((report / "manifest.json").read_text())
    assert after["pages_key"] != before["pages_key"]
    assert after["outputs"]["report.pdf"] == hashlib.sha256(pdf.read_bytes()).hexdigest()

    reader = pypdf.PdfReader(pdf)
    texts = [_plain(p.extract_text()) for p in reader.pages]
    n = len(texts)
    assert n >= 10
    assert sum(len(t) for t in texts) > 20_000  # text, not pictures of text
    numbers = [_PAGE_NUMBER.search(t) for t in texts]
    assert [(int(m.group(1)), int(m.group(2))) if m else None for m in numbers] == [
        (i, n) for i in range(1, n + 1)]
    tops = [_PAGE_NUMBER.sub("", t, count=1).strip() for t in texts]
    headings = [_plain(_own_heading(p)) for p in _chapter_files(report)]
    summary = _plain(_h1s((report / "summary.html").read_text(encoding="utf-8"))[0])
    starts = []
    for heading in [summary, *headings]:
        found = [i for i, top in enumerate(tops) if top.startswith(heading)]
        assert found, (heading, [t[:80] for t in tops])
        starts.append(found[0])
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert "Innehåll" in texts[0]


# --------------------------------------------------------------------------------------
# Dark mode and the print stylesheet, in Chromium
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory):
    chromium = find_browser()
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        _skip_or_fail("chromium and chromedriver are needed (Debian: apt-get install "
                      "chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _skip_or_fail("selenium is not installed (pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking",
                "--window-size=1280,1600",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    try:
        yield browser
    finally:
        browser.quit()


def _chapter_page(folder: Path) -> Path:
    """A chapter page as the build exports it (``export_html``) from a notebook with
    Markdown, an HTML output with a figure and a table, and a plain-text output."""
    import nbformat

    from kfsk_research.build import export_html

    nb = nbformat.v4.new_notebook()
    figure = ('<figure class="kfsk-figure"><div class="fig-wrap"><img alt="figur" src="data:'
              "image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
              '/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="></div><figcaption>Figur 1. <a href="'
              '../figures/f.png">Figuren i full storlek (PNG)</a></figcaption></figure>'
              '<div class="table-wrap"><table class="kfsk-table"><thead><tr><th>Kommun</th>'
              "</tr></thead><tbody><tr><td>Malmö</td></tr></tbody></table></div>"
              '<p class="table-data"><span class="downloads">Ladda ner: <a href="../tables/'
              't.csv">data (CSV)</a></span><br><span class="source">Källa: Kolada</span></p>')
    code = nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": figure}),
        nbformat.v4.new_output("stream", name="stdout", text="utskrift\n")])
    nb.cells = [nbformat.v4.new_markdown_cell("# Kapitel 9 – Prov\n\nText med [en länk]"
                                              "(../index.html)."), code]
    source = folder / "prov.ipynb"
    nbformat.write(nb, source)
    out = folder / "chapters" / "09_prov.html"
    export_html(source, out, "09 Prov", False, [("Innehåll", "../index.html")])
    return out


def _luminance(css: str) -> float:
    """Relative luminance (0 black … 1 white) of ``rgb(r, g, b)``/``rgba(…)``."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


STYLES = """return [getComputedStyle(document.body).backgroundColor,
 getComputedStyle(document.body).color,
 getComputedStyle(document.querySelector('main a')).color,
 getComputedStyle(document.querySelector('th')).backgroundColor,
 getComputedStyle(document.querySelector('.fig-wrap img')).backgroundColor,
 getComputedStyle(document.querySelector('pre')).color,
 document.querySelector('meta[name=color-scheme]').content]"""


@pytest.mark.browser
def test_chapter_page_follows_a_dark_system_setting(driver, tmp_path: Path) -> None:
    url = _chapter_page(tmp_path).as_uri()
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": "dark"}]})
    driver.get(url)
    body, text, link, th, img, pre, meta = driver.execute_script(STYLES)
    assert meta == "light dark"
    assert _luminance(body) < 0.03, body
    assert _luminance(text) > 0.7, text
    assert _luminance(link) > 0.35, link  # links readable on the dark background
    assert _luminance(th) < 0.05, th
    assert _luminance(pre) > 0.7, pre  # the text output of a cell, not black on black
    assert img == "rgb(255, 255, 255)"  # figures keep a light box
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": "light"}]})
    driver.get(url)
    body, text, *_ = driver.execute_script(STYLES)
    assert _luminance(text) < 0.05, text  # #222 on the default white
    assert body in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), body


@pytest.mark.browser
def test_print_stylesheet_breaks_chapters_and_hides_navigation(driver, tmp_path: Path) -> None:
    staging = _write_staging(tmp_path / "staging")
    _chapter_page(staging)  # chapters/09_prov.html with a figure, a table and downloads
    document = staging / "report.html"
    document.write_text(page("Testrapport", printable_html(staging, "Testrapport"),
                             [("Innehåll", "index.html")]), encoding="utf-8")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": [
        {"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        driver.get(document.as_uri())
        breaks, nav, downloads, png_link, thead, source, body = driver.execute_script(
            """const s = e => getComputedStyle(document.querySelector(e));
            return [Array.from(document.querySelectorAll('.print-part'))
                      .map(e => getComputedStyle(e).breakBefore),
                    s('nav').display, s('.downloads').display,
                    s('figcaption a').display, s('thead').display,
                    s('.table-data .source').display, s('body').color];""")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert breaks == ["page"] * 6  # the summary and chapters 01, 03, 05, 09, 10
    assert (nav, downloads, png_link) == ("none", "none", "none")
    assert thead == "table-header-group"  # header rows repeat on each printed page
    assert source != "none"  # the citation stays on paper
    assert body == "rgb(0, 0, 0)"  # black text on paper, whatever the screen's setting


@pytest.mark.browser
def test_table_of_contents_links_reach_their_targets(driver, tmp_path: Path) -> None:
    staging = _write_staging(tmp_path / "staging")
    document = staging / "report.html"
    document.write_text(page("Testrapport", printable_html(staging, "Testrapport")),
                        encoding="utf-8")
    driver.get(document.as_uri())
    hrefs = driver.execute_script(
        "return Array.from(document.querySelectorAll('.toc a')).map(a => a.getAttribute('href'))")
    assert "#kapitel-03_c--Sek-%C3%A5" in hrefs  # an id nbconvert percent-encoded
    reached = []
    for href in hrefs:
        driver.execute_script("document.querySelector(`.toc a[href='${arguments[0]}']`).click()",
                              href)
        reached.append(driver.execute_script(
            "const t = document.querySelector(':target'); return t ? '#' + t.id : null"))
    assert reached == hrefs
