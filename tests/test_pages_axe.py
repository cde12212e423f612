"""Accessibility checked, not assumed: axe-core on every page type (issue 15).

axe-core, bundled by the PyPI package ``axe-selenium-python`` (2.1.6: axe-core 3.1.1 in
``axe.min.js``; ``KFSK_AXE_JS=<path to a newer axe.min.js>`` runs another), is injected by
the driver into headless Chromium on each kind of page of two reports — Skåne 2018 and
Blekinge 2023 — and on the top ``index.html``: the report index, ``summary.html``,
``report.html``, every chapter page, ``changes.html``, the first municipality profile and
(Skåne 2018) ``check.html``. Any violation of impact "serious" or "critical" fails,
listed with its rule, impact, page, view and each failing node's selector, HTML and axe's
explanation, so that the message says what to fix. Milder findings ("moderate", "minor",
e.g. ``heading-order``) are not failures.

axe-core 3.1.1 predates its rule ``scrollable-region-focusable`` (serious, from 3.5): a
region that scrolls sideways but that a keyboard cannot reach. The test checks that
itself (``SCROLLABLE_UNFOCUSABLE``; it agrees with axe-core 4.12 on these pages).

Views: ``wide`` (1280 px), ``narrow`` (400 px, where wide tables and figures scroll) and
``dark`` (1280 px with ``prefers-color-scheme: dark`` emulated through CDP
``Emulation.setEmulatedMedia``, for pages that have a dark stylesheet), so that the dark
colours are held to the same contrast rules.

The pages stay script-free: their files hold no ``<script>`` (axe exists only in the
browser), and nothing the browser requests while a page loads and axe runs leaves
127.0.0.1. ``test_checker_finds_known_faults`` shows the checks can fail, on a hand-made
page with known faults.

The pages are those of the session build (``batch``, ``conftest.py``); for development,
``KFSK_PAGES_ROOT=<output root>`` points the module at an existing build (e.g. from
``kfsk build --edition 2018 --region skane --output-dir …`` and ``--edition 2023
--region blekinge``); a report missing from that root is skipped.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from test_browser import chrome_paths, chromium, leaves_localhost, requested_urls, serve

pytestmark = [pytest.mark.slow, pytest.mark.browser]

__all__ = ["chrome_paths"]  # the fixture, shared with test_browser

REPORTS = ("2018/skane", "2023/blekinge")
FAILING_IMPACTS = ("critical", "serious")
# Page kinds of a report; "chapters/*" is every chapter page the report has, "municipalities/*"
# the first profile. check.html (the 2018 report recomputed) belongs to 2018/skane only.
REPORT_PAGES = ("index.html", "summary.html", "report.html", "changes.html", "chapters/*",
                "municipalities/*")
PAGES = ["index.html", "2018/skane/check.html",
         *(f"{r}/{p}" for r in REPORTS for p in REPORT_PAGES)]
# How a page is shown: window width (px) and emulated colour scheme.
VIEWS = {"wide": (1280, "light"), "narrow": (400, "light"), "dark": (1280, "dark")}
DARK_CSS = re.compile(r"prefers-color-scheme\s*:\s*dark")
# A region that scrolls (content wider or taller than its box, overflow auto/scroll) but that
# a keyboard cannot reach: neither it nor anything in it takes focus. axe-core has this rule
# (scrollable-region-focusable, serious) only from 3.5 on; the bundled 3.1.1 lacks it.
SCROLLABLE_UNFOCUSABLE = """
const focusable = 'a[href],button,input,select,textarea,[tabindex]:not([tabindex="-1"])';
return Array.from(document.querySelectorAll('body *')).filter(el => {
  const s = getComputedStyle(el);
  const scrolls = (/(auto|scroll)/.test(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
    || (/(auto|scroll)/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 1);
  return scrolls && !el.matches(focusable) && !el.querySelector(focusable);
}).map(el => [el.tagName.toLowerCase() + (el.className ? '.' + String(el.className)
  .trim().split(/\\s+/).join('.') : ''), el.outerHTML.slice(0, 2000)]);
"""


def _id(rel: str) -> str:
    return rel.replace("/", "-").removesuffix(".html").replace("*", "all")


@pytest.fixture(scope="module")
def server(pages_root: Path) -> Iterator[str]:
    """Base URL (ending in /) of the output root served on 127.0.0.1."""
    with serve(pages_root) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chrome_paths: tuple[str, str], tmp_path_factory: pytest.TempPathFactory):
    """Headless Chromium with the performance log on (to see every request)."""
    with chromium(chrome_paths, tmp_path_factory.mktemp("chromium-profile-axe"),
                  ("performance",)) as driver:
        driver.set_script_timeout(180)  # colour contrast on a long chapter takes a while
        yield driver


def page_files(root: Path, rel: str) -> list[Path]:
    """The page files of ``rel`` (``chapters/*``: every chapter page; ``municipalities/*``:
    the first profile); skipped when its report is not in a development root."""
    report = next((r for r in REPORTS if rel.startswith(f"{r}/")), None)
    if report and not (root / report / "index.html").is_file():
        if os.environ.get("KFSK_PAGES_ROOT"):
            pytest.skip(f"{report} is not built in KFSK_PAGES_ROOT")
        pytest.fail(f"{report} is missing from the session build")
    if not rel.endswith("/*"):
        return [root / rel]
    found = sorted((root / rel[:-2]).glob("*.html"))
    assert found, f"no page in {rel[:-2]}"
    return found if rel.endswith("chapters/*") else found[:1]


def axe_script() -> str:
    """The axe-core script: ``$KFSK_AXE_JS`` (a newer ``axe.min.js``) or the one
    axe-selenium-python bundles."""
    from axe_selenium_python.axe import _DEFAULT_SCRIPT

    return os.environ.get("KFSK_AXE_JS") or _DEFAULT_SCRIPT


def show(driver, url: str, view: str) -> list[str]:
    """Load ``url`` in ``view`` (width, colour scheme); every URL the browser requested."""
    width, scheme = VIEWS[view]
    driver.set_window_size(width, 1600)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    driver.get_log("performance")
    driver.get(url)
    assert driver.execute_script(
        "return matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    return requested_urls(driver)


def axe_violations(driver) -> list[dict]:
    """axe-core's violations on the page shown, injected by the driver (the page itself
    has no script)."""
    from axe_selenium_python import Axe

    axe = Axe(driver, script_url=axe_script())
    axe.inject()
    results = axe.run(options=json.dumps({"resultTypes": ["violations"]}))
    return results["violations"]


def _short(snippet: str) -> str:
    """HTML for a failure message: inline data (base64 images) cut to ``data:…``."""
    return re.sub(r'data:[^"\'\s)]{20,}', "data:…", snippet)[:300]


def describe(violations: list[dict], page: str, view: str) -> list[str]:
    """One block per failing node: rule id and impact, page, selector, HTML and axe's own
    explanation (e.g. the contrast ratio found and the one needed)."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            why = "; ".join(c["message"] for key in ("any", "all", "none")
                            for c in node.get(key, []))
            lines.append(
                f"[{v['impact']}] {v['id']} ({v['help']}) on {page} ({view})\n"
                f"    target: {', '.join(map(str, node['target']))}\n"
                f"    html:   {_short(node['html'])}\n"
                f"    why:    {why[:400]}")
    return lines


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("rel", PAGES, ids=_id)
def test_no_serious_accessibility_violation(browser, server: str, pages_root: Path, rel: str,
                                            view: str) -> None:
    offences: list[str] = []
    checked = 0
    for path in page_files(pages_root, rel):
        assert path.is_file(), f"{path.relative_to(pages_root)} was not built"
        page = path.relative_to(pages_root).as_posix()
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), f"{page} holds a <script>"
        if view == "dark" and not DARK_CSS.search(text):
            continue
        checked += 1
        requests = show(browser, urljoin(server, page), view)
        failing = [v for v in axe_violations(browser) if v["impact"] in FAILING_IMPACTS]
        offences += describe(failing, page, view)
        offences += [f"[serious] scrollable-region-focusable (a keyboard cannot scroll it) "
                     f"on {page} ({view})\n    target: {target}\n    html:   {_short(snippet)}"
                     for target, snippet in browser.execute_script(SCROLLABLE_UNFOCUSABLE)]
        outside = [u for u in requests + requested_urls(browser) if leaves_localhost(u)]
        assert not outside, f"{page}: requests leave 127.0.0.1: {outside}"
    if not checked:
        pytest.skip("no dark stylesheet (prefers-color-scheme: dark) on these pages")
    assert not offences, (f"{len(offences)} serious/critical accessibility violation(s):\n"
                          + "\n".join(offences))


# A page with one known fault per rule (and a scroller a keyboard can reach, which passes).
FAULTY_PAGE = """<!DOCTYPE html><html><head><title>Fel</title></head><body><main>
<h1>Fel</h1>
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\
YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">
<p style="color:#aaa;background:#fff">ljusgrå text på vitt</p>
<a href="x.html"></a>
<div id="trapped" style="overflow-x:auto;width:100px"><p style="width:400px">bred</p></div>
<div id="reachable" tabindex="0" style="overflow-x:auto;width:100px"><p style="width:400px">
bred</p></div>
</main></body></html>"""


def test_checker_finds_known_faults(browser) -> None:
    """The machinery can fail: axe (as injected here) reports the missing alt text, the
    low contrast, the missing ``lang`` and the empty link of a hand-made page, and the
    scroll check names the unreachable scroller but not the focusable one."""
    from urllib.parse import quote

    browser.set_window_size(1280, 1600)
    browser.get("data:text/html;charset=utf-8," + quote(FAULTY_PAGE))
    found = {v["id"]: v["impact"] for v in axe_violations(browser)}
    assert found.get("image-alt") == "critical"
    assert found.get("color-contrast") == "serious"
    assert found.get("html-has-lang") == "serious"
    assert found.get("link-name") == "serious"
    scrollers = browser.execute_script(SCROLLABLE_UNFOCUSABLE)
    assert [html[:18] for _, html in scrollers] == ['<div id="trapped" ']
