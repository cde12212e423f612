"""The built report in a real browser: headless Chromium over a local HTTP server.

``built_2018`` is served by ``http.server`` on 127.0.0.1 (a free port, in a thread).
Every page — the top index, the report index, each chapter, ``check.html``, the
changes page and Malmö's profile — must load without SEVERE console messages, show every
image (complete, ``naturalWidth`` > 0), link only to files that exist, and make no
request over the network except http(s) to 127.0.0.1. The browser's own pages
(``chrome://``, ``chrome-untrusted://`` such as the new-tab page, ``about:``) and inline
``data:`` URLs are not network requests; the browser starts on ``about:blank`` with its
new-tab page, background networking, component updates and sync switched off.
Screenshots of the index and chapter 02 go to the test's tmp_path.

Without Chromium or chromedriver the tests are skipped with a reason, except in CI
(``CI=true``), where that is a failure.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from helpers import descendants

from kfsk_research.chapters import CHAPTERS as CHAPTER_SPECS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
REPORT = "2018/skane"
CHAPTERS = [c.chapter_id for c in CHAPTER_SPECS]
PAGES = ["index.html", f"{REPORT}/index.html", f"{REPORT}/report.html", f"{REPORT}/check.html",
         f"{REPORT}/changes.html", f"{REPORT}/municipalities/1280.html",
         *[f"{REPORT}/chapters/{c}.html" for c in CHAPTERS]]
EXTERNAL_SCHEMES = ("http:", "https:", "mailto:", "#")
# Not network requests: inline data and the browser's own pages (start and new-tab pages).
INTERNAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-untrusted", "chrome-search",
                    "chrome-extension", "devtools"}
BROWSER_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check", "--homepage=about:blank",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
    "--disable-features=NtpOneGoogleBar,NtpRealbox,NtpModules,Translate,MediaRouter,"
    "OptimizationHints,InterestFeedContentSuggestions",
    "--window-size=1280,1600",
)
# Chromium asks every HTTP site for /favicon.ico; the report has none (not a page error).
FAVICON = "/favicon.ico - Failed to load resource"


def _binary(path: str, name: str) -> str | None:
    return path if Path(path).is_file() else shutil.which(name)


@pytest.fixture(scope="module")
def chrome_paths() -> tuple[str, str]:
    chromium = _binary(CHROMIUM, "chromium") or shutil.which("chromium-browser")
    driver = _binary(CHROMEDRIVER, "chromedriver")
    missing = [n for n, p in (("chromium", chromium), ("chromedriver", driver)) if not p]
    if missing:
        reason = (f"{' and '.join(missing)} not installed (expected {CHROMIUM} and "
                  f"{CHROMEDRIVER}; Debian: apt-get install chromium chromium-driver)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    try:
        import selenium  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("selenium is not installed (pip install -e '.[dev]')")
        pytest.skip("selenium is not installed (pip install -e '.[dev]')")
    return chromium, driver


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Base URL (ending in /) of ``folder`` served on 127.0.0.1 while the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium(chrome_paths: tuple[str, str], profile: Path, logs: tuple[str, ...]):
    """Headless Chromium (fresh profile, no background traffic) with the given logs on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, chromedriver = chrome_paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (*BROWSER_FLAGS, f"--user-data-dir={profile}", "about:blank"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", dict.fromkeys(logs, "ALL"))
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    driver.get("about:blank")
    try:
        yield driver
    finally:
        browsers = descendants(driver.service.process.pid)
        driver.quit()
        for pid in browsers:  # renderers that outlive quit() must not load later tests
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def server(built_2018: Path) -> Iterator[str]:
    """Base URL (ending in /) of ``built_2018`` served on 127.0.0.1."""
    with serve(built_2018) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chrome_paths: tuple[str, str], tmp_path_factory: pytest.TempPathFactory):
    with chromium(chrome_paths, tmp_path_factory.mktemp("chromium-profile"),
                  ("browser", "performance")) as driver:
        yield driver


def _status(url: str) -> int:
    """HTTP status of ``url`` on the local server (HEAD)."""
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@functools.cache
def _cached_status(url: str) -> int:
    return _status(url)


def _load(driver, url: str) -> None:
    driver.get_log("browser")  # drop messages of earlier pages
    driver.get_log("performance")
    driver.get(url)
    deadline = time.monotonic() + 30
    while driver.execute_script("return document.readyState") != "complete":
        assert time.monotonic() < deadline, f"{url} did not finish loading"
        time.sleep(0.1)


def requested_urls(driver) -> list[str]:
    """URLs the page asked for, from Chromium's performance log (read and cleared)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.fixture(scope="module")
def visited(browser, server: str) -> dict[str, dict]:
    """Load every page once; what the browser saw, by relative path."""
    seen = {}
    for rel in PAGES:
        url = urljoin(server, rel)
        _load(browser, url)
        seen[rel] = {
            "url": url,
            "status": _status(url),
            "title": browser.title,
            "console": browser.get_log("browser"),
            "images": browser.execute_script(
                "return Array.from(document.images).map(i => "
                "[i.getAttribute('src').slice(0, 80), i.complete, i.naturalWidth]);"),
            "hrefs": browser.execute_script(
                "return Array.from(document.querySelectorAll('a[href]'))"
                ".map(a => a.getAttribute('href'));"),
            "requests": requested_urls(browser),
        }
    return seen


def _ids(rel: str) -> str:
    return rel.replace("/", "_").removesuffix(".html")


@pytest.mark.parametrize("rel", PAGES, ids=_ids)
def test_page_loads_without_console_errors(visited: dict[str, dict], rel: str) -> None:
    page = visited[rel]
    assert page["status"] == 200
    assert page["title"]
    severe = [e["message"] for e in page["console"]
              if e["level"] == "SEVERE" and FAVICON not in e["message"]]
    assert not severe, severe


@pytest.mark.parametrize("rel", PAGES, ids=_ids)
def test_every_image_is_shown(visited: dict[str, dict], rel: str) -> None:
    broken = [src for src, complete, width in visited[rel]["images"]
              if not complete or not width]
    assert not broken, broken


def test_chapters_with_figures_show_them(visited: dict[str, dict]) -> None:
    for chapter in ("02_etablering", "04_enkat"):
        images = visited[f"{REPORT}/chapters/{chapter}.html"]["images"]
        assert images, chapter
        assert all(w > 100 for _, _, w in images), (chapter, images)


@pytest.mark.parametrize("rel", PAGES, ids=_ids)
def test_internal_links_resolve(visited: dict[str, dict], rel: str) -> None:
    page = visited[rel]
    internal = [h for h in page["hrefs"] if not h.startswith(EXTERNAL_SCHEMES)]
    broken = []
    for href in internal:
        target = urldefrag(urljoin(page["url"], href)).url
        if urlsplit(target).hostname != "127.0.0.1":
            broken.append(f"{href} leaves the site")
        elif _cached_status(target) != 200:
            broken.append(f"{href} -> {_cached_status(target)}")
    assert not broken, broken


def test_index_links_every_chapter(visited: dict[str, dict]) -> None:
    hrefs = visited[f"{REPORT}/index.html"]["hrefs"]
    for chapter in CHAPTERS:
        assert f"chapters/{chapter}.html" in hrefs


@pytest.mark.parametrize("rel", PAGES, ids=_ids)
def test_no_request_leaves_localhost(visited: dict[str, dict], rel: str) -> None:
    outside = [u for u in visited[rel]["requests"] if leaves_localhost(u)]
    assert visited[rel]["requests"], "the performance log recorded no request"
    assert not outside, outside


def leaves_localhost(url: str) -> bool:
    """A request over the network to anything but 127.0.0.1 (http, https or any scheme
    that is not one of the browser's own)."""
    parts = urlsplit(url)
    if parts.scheme in INTERNAL_SCHEMES:
        return False
    return parts.scheme not in {"http", "https"} or parts.hostname != "127.0.0.1"


@pytest.mark.parametrize(("url", "leaves"), [
    ("http://127.0.0.1:8000/2018/skane/index.html", False),
    ("data:image/png;base64,AAAA", False),
    ("chrome-untrusted://new-tab-page/one-google-bar?paramsencoded=", False),
    ("chrome://new-tab-page/", False),
    ("about:blank", False),
    ("https://www.google.com/async/newtab_promos", True),
    ("http://localhost:8000/x", True),
    ("https://127.0.0.1.example.com/x", True),
    ("ws://example.org/socket", True),
])
def test_request_classification(url: str, leaves: bool) -> None:
    assert leaves_localhost(url) is leaves


def test_screenshots(browser, server: str, tmp_path: Path) -> None:
    shots = {"index.png": f"{REPORT}/index.html",
             "chapter_02.png": f"{REPORT}/chapters/02_etablering.html"}
    for name, rel in shots.items():
        _load(browser, urljoin(server, rel))
        path = tmp_path / name
        assert browser.save_screenshot(str(path))
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(data) > 10_000, f"{name} looks blank ({len(data)} bytes)"
