"""Download Kolada key figures (API v3) into the offline snapshot layout.

``fetch_kolada`` asks ``GET {base}/data/kpi/{KPI}/year/{years}`` for every KPI
(all municipalities, counties ``00LL`` and Riket ``0000``), follows the pages the
API links to, and ``GET {base}/kpi/{ids}`` for the catalogue rows. It then writes

- ``kolada/<KPI>.csv`` (``kpi,municipality_id,period,gender,value``), merged with
  the file already there: rows of the fetched years are replaced, other years kept;
- ``kolada/kpis.csv`` (``kpi,title,description,unit_hint,has_gender``), rows of the
  fetched KPIs replaced, other rows kept;
- ``kolada/provenance.json``, one entry per fetched KPI;
- ``SHA256SUMS`` in the data directory, lines of the written files updated.

Nothing is written before every request has succeeded; the files are then staged
in a temporary directory inside the data directory and moved into place with
``os.replace`` (the previous versions are restored if a move fails).
Response shape, paging and the choice of plain ``requests``: docs/fetch-notes.md.
"""

from __future__ import annotations

import csv
import email.utils
import hashlib
import io
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urljoin

import requests
from tqdm import tqdm

from kfsk_research.errors import DataError, KfskError

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
ENV_BASE_URL = "KFSK_KOLADA_URL"

LICENSE = "CC BY 4.0"
ATTRIBUTION = "Källa: Kolada (RKA)"
USER_AGENT = "kfsk-research (kfsk fetch; reproducible rebuild of a Kommunförbundet Skåne report)"

DATA_HEADER = ("kpi", "municipality_id", "period", "gender", "value")
CATALOGUE_HEADER = ("kpi", "title", "description", "unit_hint", "has_gender")
KOLADA_DIR = "kolada"
CATALOGUE_FILE = f"{KOLADA_DIR}/kpis.csv"
PROVENANCE_FILE = f"{KOLADA_DIR}/provenance.json"
CHECKSUM_FILE = "SHA256SUMS"

LOOKBACK_YEARS = 4
"""Years fetched by default before the first edition's data years (2011 for 2015–2017):
municipality profiles show five years and rates divide by the population of the year
before."""
YEARS_PER_REQUEST = 25
"""Most years in one request (clients of v3 split longer lists; see fetch-notes)."""
IDS_PER_REQUEST = 25
"""Most KPI ids in one catalogue request."""
PER_PAGE = 5000
"""Rows asked for per page (Kolada's documented maximum)."""
MAX_PAGES = 1000
"""Pages followed for one request before the paging is considered broken."""

GENDERS = ("T", "K", "M")
UNKNOWN_UNIT = "unknown"
_KPI_ID = re.compile(r"[A-Z]\d{5}")
_AREA_ID = re.compile(r"\d{4}")
_ERRNO = re.compile(r"\[Errno -?\d+\][^'\")]*")
_SOURCE_NOTE = re.compile(r"\s*\.?\s*Källa:.*$", re.DOTALL)
_UNIT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("binary_yes1_no0", re.compile(r"\(Ja=1, Nej=0\)$")),
    ("per_1000_inhabitants", re.compile(r"antal/1000 inv(ånare)?$")),
    ("sek_per_inhabitant", re.compile(r"\bkr/inv(ånare)?$")),
    ("percent", re.compile(r"\bandel \(%\)$")),
    ("sek", re.compile(r"\bkr$")),
    ("count", re.compile(r"\bantal( i [^,/]+)?$")),
)

_NOT_RETRIED = (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema)

# Indirection so tests can record back-off waits instead of sleeping.
_sleep: Callable[[float], None] = time.sleep
_clock: Callable[[], float] = time.monotonic


class FetchError(KfskError):
    """A download from Kolada failed; the message names the URL and the cause."""


# --------------------------------------------------------------------------- report


class ValueChange(NamedTuple):
    """One value that differs from the file already in the data directory."""

    kpi: str
    municipality_id: str
    year: int
    gender: str
    old: float
    new: float


@dataclass
class KpiResult:
    """What was fetched and written for one KPI."""

    kpi: str
    rows_fetched: int
    """Rows (values) downloaded for the fetched years."""
    rows_written: int
    """Rows in the written ``kolada/<KPI>.csv`` (all years)."""
    added: int
    """Keys (area, year, gender) that the previous file did not have."""
    removed: int
    """Keys of the fetched years that the previous file had and Kolada no longer has."""
    changed: list[ValueChange] = field(default_factory=list)
    skipped_areas: int = 0
    """Values dropped because the area id was not 4 digits (e.g. municipality groups)."""


@dataclass
class FetchReport:
    """Result of :func:`fetch_kolada`: per-KPI row counts and the differences found."""

    data_dir: Path
    base_url: str
    years: list[int]
    kpis: list[KpiResult]
    files: list[str]
    """Paths written, relative to ``data_dir``."""

    @property
    def rows(self) -> dict[str, int]:
        """Rows written per KPI file (all years in the file)."""
        return {r.kpi: r.rows_written for r in self.kpis}

    @property
    def changed(self) -> list[ValueChange]:
        """Every value that changed, as ``(kpi, municipality_id, year, gender, old, new)``."""
        return [c for r in self.kpis for c in r.changed]

    @property
    def added(self) -> int:
        """Values new compared with the previous files."""
        return sum(r.added for r in self.kpis)

    @property
    def removed(self) -> int:
        """Values of the fetched years that Kolada no longer publishes."""
        return sum(r.removed for r in self.kpis)

    def summary(self, max_changes: int = 10) -> str:
        """A few lines for the CLI: per KPI rows and differences, then the first changes."""
        lines = [
            f"Fetched {len(self.kpis)} KPI(s) for {format_years(self.years)} from "
            f"{self.base_url} into {self.data_dir}"
        ]
        for r in self.kpis:
            text = (f"  {r.kpi}: {r.rows_fetched} values fetched, {r.rows_written} rows in "
                    f"{KOLADA_DIR}/{r.kpi}.csv; {len(r.changed)} changed, {r.added} added, "
                    f"{r.removed} removed")
            if r.skipped_areas:
                text += f"; {r.skipped_areas} group values skipped"
            lines.append(text)
        changes = self.changed
        for c in changes[:max_changes]:
            lines.append(f"  changed {c.kpi} {c.municipality_id} {c.year} {c.gender}: "
                         f"{c.old!r} -> {c.new!r}")
        if len(changes) > max_changes:
            lines.append(f"  ... and {len(changes) - max_changes} more changed values")
        lines.append(f"Wrote {len(self.files)} files; {ATTRIBUTION}, {LICENSE}.")
        return "\n".join(lines)


# --------------------------------------------------------------------------- settings


def base_url(explicit: str | None = None) -> str:
    """Kolada API root: ``explicit``, else ``$KFSK_KOLADA_URL``, else the public v3 URL."""
    for candidate in (explicit, os.environ.get(ENV_BASE_URL)):
        if candidate:
            return candidate.rstrip("/")
    return DEFAULT_BASE_URL


_resolve_base_url = base_url  # fetch_kolada's parameter of the same name shadows it


@dataclass(frozen=True)
class HttpPolicy:
    """Time-outs (seconds), retries and back-off for every request of one fetch."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_retries: int = 3
    max_retry_after: float = 30.0
    backoff: float = 1.0
    deadline: float | None = None
    """Value of ``_clock()`` after which no request is started or waited for."""

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None when there is none)."""
        return None if self.deadline is None else self.deadline - _clock()

    def backoff_seconds(self, attempt: int) -> float:
        """Exponential back-off before retry ``attempt + 1``: backoff · 2^attempt seconds."""
        return self.backoff * (2 ** attempt)


# --------------------------------------------------------------------------- HTTP


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _timeouts(policy: HttpPolicy, url: str) -> tuple[float, float]:
    """(connect, read) time-outs in seconds, shortened to the time left before the deadline."""
    left = policy.remaining()
    if left is None:
        return policy.connect_timeout, policy.read_timeout
    if left <= 0:
        raise FetchError(f"{url}: total deadline exceeded before the request")
    return min(policy.connect_timeout, left), min(policy.read_timeout, left)


def _failure_cause(exc: requests.RequestException) -> str:
    """Short description of a transport error."""
    if isinstance(exc, requests.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.ReadTimeout):
        return "read timed out"
    text = str(exc)
    if isinstance(exc, requests.ConnectionError):
        errno = _ERRNO.search(text)
        return f"connection failed ({errno.group(0) if errno else text[:200]})"
    return f"{type(exc).__name__}: {text[:200]}"


def _parse_json(response: requests.Response, url: str) -> dict[str, Any]:
    """The response body as a JSON object, or FetchError naming the URL."""
    try:
        body = response.json()
    except ValueError:
        snippet = response.text[:80].replace("\n", " ")
        raise FetchError(f"{url}: response is not JSON (starts {snippet!r})") from None
    if not isinstance(body, dict):
        raise FetchError(f"{url}: response is a JSON {type(body).__name__}, expected an object")
    return body


def get_json(session: requests.Session, url: str, policy: HttpPolicy) -> dict[str, Any]:
    """GET ``url`` and return its JSON object, retrying transient failures.

    Retried (at most ``policy.max_retries`` times, waiting backoff · 2^attempt seconds):
    connection errors and time-outs, HTTP 5xx, and HTTP 429 (waiting ``Retry-After``
    seconds when given, capped at ``policy.max_retry_after``). Other statuses fail at once.
    """
    attempts = policy.max_retries + 1
    for attempt in range(attempts):
        connect, read = _timeouts(policy, url)
        wait: float | None = None
        try:
            response = session.get(url, timeout=(connect, read))
        except _NOT_RETRIED as exc:
            raise FetchError(f"{url}: invalid URL ({exc})") from None
        except requests.RequestException as exc:
            cause = _failure_cause(exc)
        else:
            status = response.status_code
            if status == 200:
                return _parse_json(response, url)
            cause = f"HTTP {status} {response.reason or ''}".rstrip()
            if status != 429 and status < 500:
                raise FetchError(f"{url}: {cause}")
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None:
                wait = min(asked, policy.max_retry_after)
        if attempt == attempts - 1:
            break
        if wait is None:
            wait = min(policy.backoff_seconds(attempt), policy.max_retry_after)
        left = policy.remaining()
        if left is not None and wait >= left:
            raise FetchError(f"{url}: {cause}; total deadline exceeded before retrying")
        _sleep(wait)
    raise FetchError(f"{url}: {cause} (gave up after {attempts} attempt(s))")


def get_pages(session: requests.Session, url: str, policy: HttpPolicy) -> Iterator[
        tuple[str, dict[str, Any]]]:
    """Yield ``(url, body)`` for ``url`` and every page linked by ``next_page``/``next_url``."""
    seen: set[str] = set()
    current: str | None = url
    while current:
        if current in seen or len(seen) >= MAX_PAGES:
            raise FetchError(f"{current}: paging does not end (page visited twice or more "
                             f"than {MAX_PAGES} pages)")
        seen.add(current)
        body = get_json(session, current, policy)
        yield current, body
        link = next_link(body, current)
        current = urljoin(current, link) if link else None


def next_link(body: dict[str, Any], url: str) -> str | None:
    """The next page's URL from a Kolada body (``next_page``, or ``next_url``), if any."""
    for key in ("next_page", "next_url"):
        link = body.get(key)
        if link in (None, ""):
            continue
        if not isinstance(link, str):
            raise FetchError(f"{url}: '{key}' is {type(link).__name__}, expected a URL or null")
        return link
    return None


def _values_list(body: dict[str, Any], url: str) -> list[Any]:
    values = body.get("values")
    if not isinstance(values, list):
        keys = ", ".join(sorted(body)) or "none"
        raise FetchError(f"{url}: no 'values' list in the response (keys: {keys})")
    return values


# --------------------------------------------------------------------------- parsing

Key = tuple[str, int, str]
"""(municipality_id, year, gender)."""


@dataclass
class KpiData:
    """Values downloaded for one KPI: ``{(municipality_id, year, gender): value}``."""

    kpi: str
    values: dict[Key, float] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    skipped_areas: int = 0


def _number(value: Any) -> float | None:
    """A JSON number as float; None for null; raises ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"value {value!r} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"value {value!r} is not finite")
    return number


def _period(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"period {value!r} is not a year")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value):
        return int(value)
    raise ValueError(f"period {value!r} is not a year")


def add_data_page(data: KpiData, body: dict[str, Any], url: str, years: set[int]) -> None:
    """Add the values of one ``/data`` page to ``data`` (null values are dropped).

    Raises FetchError naming ``url`` for entries of another KPI or year, malformed
    entries and conflicting duplicates. Areas whose id is not 4 digits (municipality
    groups) are counted in ``skipped_areas`` and not kept.
    """
    for i, entry in enumerate(_values_list(body, url)):
        try:
            if not isinstance(entry, dict):
                raise ValueError("entry is not an object")
            kpi = entry.get("kpi")
            if not isinstance(kpi, str) or kpi.upper() != data.kpi:
                raise ValueError(f"kpi {kpi!r}, expected {data.kpi}")
            area = entry.get("municipality")
            if not isinstance(area, str):
                raise ValueError(f"municipality {area!r} is not a string")
            year = _period(entry.get("period"))
            if year not in years:
                raise ValueError(f"period {year} was not asked for")
            points = entry.get("values")
            if not isinstance(points, list):
                raise ValueError("no 'values' list")
            for point in points:
                if not isinstance(point, dict) or "value" not in point:
                    raise ValueError("a value is not an object with 'gender' and 'value'")
                gender = point.get("gender")
                if gender not in GENDERS:
                    raise ValueError(f"gender {gender!r} is not one of T, K, M")
                number = _number(point["value"])
                if number is None:
                    continue
                if not _AREA_ID.fullmatch(area):
                    data.skipped_areas += 1
                    continue
                key = (area, year, gender)
                if data.values.get(key, number) != number:
                    raise ValueError(f"two different values for {area} {year} {gender}")
                data.values[key] = number
        except ValueError as exc:
            raise FetchError(f"{url}: malformed entry {i} of 'values': {exc}") from None


def catalogue_row(entry: Any, url: str) -> dict[str, str]:
    """One ``kolada/kpis.csv`` row from an entry of ``/kpi/{ids}``."""
    if not isinstance(entry, dict):
        raise FetchError(f"{url}: a KPI entry is not an object")
    kpi, title = entry.get("id"), entry.get("title")
    description = entry.get("description") or ""
    gender = entry.get("is_divided_by_gender")
    if not isinstance(kpi, str) or not isinstance(title, str) or not isinstance(
            description, str) or not isinstance(gender, bool | int):
        raise FetchError(f"{url}: KPI entry {kpi!r} lacks a string 'id'/'title' or a boolean "
                         "'is_divided_by_gender'")
    return {"kpi": kpi.upper(), "title": title, "description": description,
            "unit_hint": unit_hint(title), "has_gender": str(bool(gender))}


def unit_hint(title: str) -> str:
    """Unit named at the end of a Kolada title (``percent``, ``count``, ``sek``, …).

    Rules as in the data README: "andel (%)" → percent, "antal" (also "antal i …")
    → count, "antal/1000 inv(ånare)" → per_1000_inhabitants, "kr/inv" →
    sek_per_inhabitant, "kr" → sek, "(Ja=1, Nej=0)" → binary_yes1_no0. A trailing
    source note ("…. Källa: SCB.") is ignored; anything else is ``unknown``.
    """
    text = _SOURCE_NOTE.sub("", title).strip().rstrip(".").strip()
    for hint, pattern in _UNIT_RULES:
        if pattern.search(text):
            return hint
    return UNKNOWN_UNIT


# --------------------------------------------------------------------------- download


def data_urls(root: str, kpi: str, years: Sequence[int]) -> list[str]:
    """First-page URLs of ``/data/kpi/{kpi}/year/{years}``, at most 25 years each."""
    chunks = [years[i:i + YEARS_PER_REQUEST] for i in range(0, len(years), YEARS_PER_REQUEST)]
    return [f"{root}/data/kpi/{kpi}/year/{','.join(map(str, chunk))}?per_page={PER_PAGE}"
            for chunk in chunks]


def download_kpi(session: requests.Session, root: str, kpi: str, years: Sequence[int],
                 policy: HttpPolicy, *, bar: tqdm | None = None) -> KpiData:
    """Every value of ``kpi`` for ``years`` (all areas), following the pages."""
    data = KpiData(kpi)
    wanted = set(years)
    for first in data_urls(root, kpi, years):
        for url, body in get_pages(session, first, policy):
            data.urls.append(url)
            add_data_page(data, body, url, wanted)
            if bar is not None:
                bar.set_postfix_str(f"{kpi} page {len(data.urls)}", refresh=False)
    return data


def download_catalogue(session: requests.Session, root: str, kpis: Sequence[str],
                       policy: HttpPolicy) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Catalogue rows of ``kpis`` found in ``/kpi/{ids}``, and the URLs asked."""
    rows: dict[str, dict[str, str]] = {}
    urls: list[str] = []
    for i in range(0, len(kpis), IDS_PER_REQUEST):
        first = f"{root}/kpi/{','.join(kpis[i:i + IDS_PER_REQUEST])}"
        for url, body in get_pages(session, first, policy):
            urls.append(url)
            for entry in _values_list(body, url):
                row = catalogue_row(entry, url)
                if row["kpi"] in kpis:
                    rows[row["kpi"]] = row
    return rows, urls


# --------------------------------------------------------------------------- files


def format_value(value: float) -> str:
    """A value as the snapshot writes it: Python's shortest float text (``2445.0``, ``12.3``)."""
    return repr(float(value))


def format_years(years: Iterable[int]) -> str:
    """Years as compact ranges, e.g. ``2014–2016, 2018``."""
    ordered = sorted(set(years))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}–{ordered[j]}")
        i = j + 1
    return ", ".join(parts) or "no years"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV with LF line endings and minimal quoting (as the snapshot is written)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def read_csv_rows(path: Path, name: str, header: Sequence[str]) -> list[list[str]]:
    """Rows (without header) of an existing snapshot CSV; [] if the file does not exist."""
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(name, f"not valid UTF-8 ({exc.reason})") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0] != list(header):
        raise DataError(name, "unexpected header", row=1,
                        hint=f"expected {','.join(header)}; move the file away to refetch")
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError(name, f"{len(row)} fields, expected {len(header)}", row=i)
    return rows[1:]


def _existing_data(path: Path, name: str, kpi: str) -> list[tuple[str, int, str, str]]:
    """Rows of an existing KPI file as ``(municipality_id, year, gender, value text)``."""
    out = []
    for i, row in enumerate(read_csv_rows(path, name, DATA_HEADER), start=2):
        if row[0] != kpi:
            raise DataError(name, f"kpi '{row[0]}' in the file of {kpi}", row=i, column="kpi")
        if not re.fullmatch(r"\d{4}", row[2]):
            raise DataError(name, f"period '{row[2]}' is not a year", row=i, column="period")
        out.append((row[1], int(row[2]), row[3], row[4]))
    return out


def merge_kpi_file(path: Path, data: KpiData, years: set[int]) -> tuple[str, KpiResult]:
    """Text of the merged ``kolada/<KPI>.csv`` and the differences to the existing file."""
    name = f"{KOLADA_DIR}/{data.kpi}.csv"
    existing = _existing_data(path, name, data.kpi)
    kept = [r for r in existing if r[1] not in years]
    old: dict[Key, str] = {(r[0], r[1], r[2]): r[3] for r in existing if r[1] in years}
    changed = []
    for key in sorted(old.keys() & data.values.keys()):
        try:
            before = float(old[key])
        except ValueError:
            raise DataError(name, f"value '{old[key]}' is not a number", column="value") from None
        if before != data.values[key]:
            changed.append(ValueChange(data.kpi, *key, before, data.values[key]))
    rows = kept + [(*key, format_value(v)) for key, v in data.values.items()]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    text = csv_text(DATA_HEADER, ([data.kpi, a, str(y), g, v] for a, y, g, v in rows))
    result = KpiResult(
        kpi=data.kpi, rows_fetched=len(data.values), rows_written=len(rows),
        added=len(data.values.keys() - old.keys()), removed=len(old.keys() - data.values.keys()),
        changed=changed, skipped_areas=data.skipped_areas)
    return text, result


def merge_catalogue(path: Path, fetched: dict[str, dict[str, str]],
                    kpis: Sequence[str], url: str) -> str:
    """Text of ``kolada/kpis.csv`` with the fetched KPIs' rows replaced, sorted by kpi."""
    rows = {r[0]: r for r in read_csv_rows(path, CATALOGUE_FILE, CATALOGUE_HEADER)}
    for kpi in kpis:
        if kpi in fetched:
            rows[kpi] = [fetched[kpi][c] for c in CATALOGUE_HEADER]
        elif kpi not in rows:
            raise FetchError(f"{url}: KPI {kpi} is not in Kolada's catalogue (and not in "
                             f"{CATALOGUE_FILE}); check the id")
    return csv_text(CATALOGUE_HEADER, (rows[k] for k in sorted(rows)))


def merge_provenance(path: Path, entries: dict[str, dict[str, Any]]) -> str:
    """Text of ``kolada/provenance.json`` with the fetched KPIs' entries replaced."""
    merged: dict[str, Any] = {}
    if path.is_file():
        try:
            merged = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise DataError(PROVENANCE_FILE, f"not valid JSON ({exc})") from None
        if not isinstance(merged, dict):
            raise DataError(PROVENANCE_FILE, "expected a JSON object keyed by KPI id")
    merged.update(entries)
    return json.dumps(merged, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def merge_checksums(path: Path, digests: dict[str, str]) -> str:
    """Text of ``SHA256SUMS`` (``<sha256>  <path>``, sorted by path) with ``digests`` updated."""
    lines: dict[str, str] = {}
    if path.is_file():
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            match = re.fullmatch(r"\\?([0-9a-fA-F]{64}) [ *](.+)", line)
            if not match:
                raise DataError(CHECKSUM_FILE, "not a '<sha256>  <path>' line", row=i)
            lines[match.group(2)] = match.group(1).lower()
    lines.update(digests)
    return "".join(f"{lines[p]}  {p}\n" for p in sorted(lines))


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _keep_copy(source: Path, backup: Path) -> None:
    """Keep the current version of ``source`` at ``backup`` (hard link, else a copy)."""
    try:
        os.link(source, backup)
    except OSError:
        shutil.copy2(source, backup)


def install_files(data_dir: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative path → bytes) into ``data_dir`` via a staging directory.

    Every file is written and fsynced in a temporary directory inside ``data_dir``,
    then moved into place with ``os.replace`` (``SHA256SUMS`` last). If a move fails,
    the files already moved are put back as they were and new ones removed.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".kfsk-fetch-", dir=data_dir))
    moved: list[tuple[Path, Path | None]] = []
    try:
        for i, content in enumerate(files.values()):
            staged = stage / f"{i}.new"
            with staged.open("wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        for i, rel in enumerate(files):
            target = data_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            backup: Path | None = None
            if target.exists():
                backup = stage / f"{i}.old"
                _keep_copy(target, backup)
            (stage / f"{i}.new").replace(target)  # os.replace
            moved.append((target, backup))
    except BaseException:
        for target, backup in reversed(moved):
            if backup is not None:
                backup.replace(target)
            else:
                target.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)


# --------------------------------------------------------------------------- main entry


def _clean_kpis(kpis: Iterable[str]) -> list[str]:
    ids = sorted({str(k).strip().upper() for k in kpis})
    bad = [k for k in ids if not _KPI_ID.fullmatch(k)]
    if bad:
        raise FetchError(f"invalid KPI id(s) {', '.join(bad)}: expected a letter and 5 digits, "
                         "e.g. N01986")
    if not ids:
        raise FetchError("no KPI to fetch: give at least one KPI id")
    return ids


def _clean_years(years: Iterable[int]) -> list[int]:
    clean = sorted({int(y) for y in years})
    bad = [y for y in clean if not 1900 <= y <= 2100]
    if bad:
        raise FetchError(f"invalid year(s) {bad}: expected four-digit years")
    if not clean:
        raise FetchError("no year to fetch: give at least one year")
    return clean


def default_years(first_data_year: int, today: date | None = None) -> list[int]:
    """The years ``kfsk fetch`` asks for without ``--years``: from ``LOOKBACK_YEARS``
    before the first edition's first data year through last year (today's year − 1).

    Editions follow the data, so this, not the configuration, decides which editions a
    refreshed data directory allows; a year Kolada has not published yet comes back empty
    and adds no edition.
    """
    last = (today or date.today()).year - 1
    return list(range(first_data_year - LOOKBACK_YEARS, last + 1))


def parse_years(text: str) -> list[int]:
    """``"2015-2022"`` (or ``"2015–2022"``, or one year ``"2020"``) as the list of years;
    ValueError with a one-line reason otherwise."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4})\s*)?", text)
    if not m:
        raise ValueError(f"'{text}' is not a year range: give A-B, e.g. 2015-2022, or one year")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first > last:
        raise ValueError(f"'{text}': the first year {first} is after the last {last}")
    return list(range(first, last + 1))


def _session() -> requests.Session:
    session = requests.Session()
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session


def fetch_kolada(
    kpis: list[str],
    years: list[int],
    data_dir: Path,
    *,
    base_url: str | None = None,
    connect_timeout: float = 5.0,
    read_timeout: float = 30.0,
    max_retries: int = 3,
    max_retry_after: float = 30.0,
    backoff: float = 1.0,
    total_deadline: float | None = None,
    progress: bool = True,
) -> FetchReport:
    """Download ``kpis`` for ``years`` (all areas) from Kolada v3 and merge them into ``data_dir``.

    Time-outs and waits are in seconds: ``connect_timeout``/``read_timeout`` per request;
    up to ``max_retries`` retries per request after backoff · 2^attempt seconds (or a
    429's ``Retry-After``, capped at ``max_retry_after``); ``total_deadline`` bounds the
    whole download. With the defaults an unreachable server fails within about 30 s.

    Writes ``kolada/<KPI>.csv``, ``kolada/kpis.csv``, ``kolada/provenance.json`` and
    ``SHA256SUMS`` only after every request succeeded; on any failure the data
    directory is left as it was and :class:`FetchError` names the URL and the cause.
    """
    kpi_ids = _clean_kpis(kpis)
    year_list = _clean_years(years)
    root = _resolve_base_url(base_url)
    if not re.match(r"https?://[^/]", root):
        raise FetchError(f"base URL '{root}' must start with http:// or https:// "
                         f"(from --base-url or ${ENV_BASE_URL})")
    data_dir = Path(data_dir)
    policy = HttpPolicy(
        connect_timeout=connect_timeout, read_timeout=read_timeout,
        max_retries=max(0, int(max_retries)), max_retry_after=max_retry_after,
        backoff=backoff,
        deadline=None if total_deadline is None else _clock() + total_deadline)

    downloaded: list[KpiData] = []
    disable = not progress or not sys.stderr.isatty()
    with _session() as session, tqdm(kpi_ids, desc="Kolada", unit="KPI",
                                     disable=disable) as bar:
        for kpi in bar:
            downloaded.append(download_kpi(session, root, kpi, year_list, policy, bar=bar))
        catalogue, catalogue_urls = download_catalogue(session, root, kpi_ids, policy)
    fetched_at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    files: dict[str, bytes] = {}
    results: list[KpiResult] = []
    provenance: dict[str, dict[str, Any]] = {}
    wanted = set(year_list)
    for data in downloaded:
        rel = f"{KOLADA_DIR}/{data.kpi}.csv"
        text, result = merge_kpi_file(data_dir / rel, data, wanted)
        files[rel] = text.encode("utf-8")
        results.append(result)
        provenance[data.kpi] = {
            "url": data.urls[0], "pages": data.urls, "metadata_url": catalogue_urls[0],
            "fetched_at": fetched_at, "license": LICENSE, "attribution": ATTRIBUTION,
            "years": year_list, "rows": result.rows_fetched, "file_rows": result.rows_written,
        }
    files[CATALOGUE_FILE] = merge_catalogue(
        data_dir / CATALOGUE_FILE, catalogue, kpi_ids, catalogue_urls[0]).encode("utf-8")
    files[PROVENANCE_FILE] = merge_provenance(
        data_dir / PROVENANCE_FILE, provenance).encode("utf-8")
    digests = {rel: sha256_hex(content) for rel, content in files.items()}
    files[CHECKSUM_FILE] = merge_checksums(data_dir / CHECKSUM_FILE, digests).encode("utf-8")

    install_files(data_dir, files)
    return FetchReport(data_dir=data_dir, base_url=root, years=year_list, kpis=results,
                       files=list(files))
