"""Offline tests of ``kfsk_research.fetch`` against a scripted local Kolada v3 server.

No test contacts the real API: every request goes to ``tests/kolada_server.py`` on
127.0.0.1 (or to a closed local port). Time-outs, back-off and caps are injected
small so the file runs in a few seconds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from datetime import date
from pathlib import Path

import pytest

from kfsk_research import fetch
from kfsk_research.errors import DataError, KfskError
from kfsk_research.fetch import (
    DEFAULT_BASE_URL,
    FetchError,
    ValueChange,
    fetch_kolada,
    unit_hint,
)

try:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from kolada_server import (
        KoladaServer,
        Reply,
        Row,
        closed_port,
        data_entries,
        kpi_body,
        page_body,
        paged_data,
    )
except ModuleNotFoundError:  # tests/ became a package
    from tests.kolada_server import (
        KoladaServer,
        Reply,
        Row,
        closed_port,
        data_entries,
        kpi_body,
        page_body,
        paged_data,
    )

SHARED_DATA = Path(__file__).parents[1] / "data"

FAST = {"connect_timeout": 1.0, "read_timeout": 2.0, "max_retries": 2, "backoff": 0.01,
        "max_retry_after": 0.05, "progress": False}
HEADER = "kpi,municipality_id,period,gender,value\n"
META = {"N01986": ("Kommunmottagna i flyktingmottagandet med uppehållstillstånd, antal",
                   "Antal personer.", True),
        "N40007": ("Kostnad flyktingmottagande, kr/inv", "Kronor per invånare.", False)}


@pytest.fixture(autouse=True)
def _no_proxy_no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests must not go through a proxy; no base URL from the environment."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy", fetch.ENV_BASE_URL):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def server():
    with KoladaServer() as srv:
        yield srv


def data_path(kpi: str, years: list[int]) -> str:
    return f"/v3/data/kpi/{kpi}/year/{','.join(map(str, years))}"


def serve_catalogue(server: KoladaServer, kpis: list[str],
                    meta: dict[str, tuple[str, str, bool]] | None = None) -> None:
    meta = meta or META
    ids = sorted(kpis)
    server.route(f"/v3/kpi/{','.join(ids)}",
                 Reply(200, kpi_body((k, *meta[k]) for k in ids if k in meta)))


def serve_rows(server: KoladaServer, kpi: str, years: list[int], rows: list[Row],
               per_page: int = 1000, link_key: str = "next_page") -> None:
    for path, reply in paged_data(server.root, data_path(kpi, years), rows, per_page,
                                  link_key=link_key).items():
        server.route(path, reply)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path → content), hidden ones included."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def snapshot_rows(kpi: str, years: set[int] | None = None) -> list[list[str]]:
    with (SHARED_DATA / "kolada" / f"{kpi}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return [r for r in rows if years is None or int(r[2]) in years]


def as_served(rows: list[list[str]]) -> list[Row]:
    return [(r[0], r[1], int(r[2]), r[3], float(r[4])) for r in rows]


def csv_lines(rows: list[list[str]]) -> str:
    return HEADER + "".join(",".join(r) + "\n" for r in rows)


# --------------------------------------------------------------------------- settings


def test_base_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fetch.base_url() == DEFAULT_BASE_URL == "https://api.kolada.se/v3"
    monkeypatch.setenv(fetch.ENV_BASE_URL, "http://mirror.example/v3/")
    assert fetch.base_url() == "http://mirror.example/v3"
    assert fetch.base_url("http://other.example/v3") == "http://other.example/v3"


def test_fetch_error_is_a_kfsk_error() -> None:
    assert issubclass(FetchError, KfskError)


@pytest.mark.parametrize(("title", "hint"), [
    ("Utrikes födda, andel (%)", "percent"),
    ("Lämnat etableringsuppdraget, andel (%). Källa: SCB.", "percent"),
    ("Invånare totalt, antal", "count"),
    ("Asylsökande, antal i övrigt boende", "count"),
    ("Asylsökande, antal/1000 inv", "per_1000_inhabitants"),
    ("Ensamkommande barn som har god man, antal/1000 invånare", "per_1000_inhabitants"),
    ("Kostnad flyktingmottagande, kr/inv", "sek_per_inhabitant"),
    ("Genomsnittlig månadsutbetalning till flyktinghushåll (enl SoS), kr", "sek"),
    ("Kommunen tar emot anvisade nyanlända, (Ja=1, Nej=0)", "binary_yes1_no0"),
    ("Något helt annat, index", "unknown"),
])
def test_unit_hint_rules(title: str, hint: str) -> None:
    assert unit_hint(title) == hint


def test_unit_hint_reproduces_snapshot_catalogue() -> None:
    with (SHARED_DATA / "kolada" / "kpis.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 43
    assert {r["kpi"]: unit_hint(r["title"]) for r in rows} == {
        r["kpi"]: r["unit_hint"] for r in rows}


def test_retry_after_parsing() -> None:
    assert fetch.retry_after_seconds("1") == 1.0
    assert fetch.retry_after_seconds(None) is None
    assert fetch.retry_after_seconds("soon") is None
    assert fetch.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


@pytest.mark.parametrize(("kpis", "years"), [([], [2017]), (["N1986"], [2017]),
                                              (["N01986"], []), (["N01986"], [17])])
def test_invalid_arguments(tmp_path: Path, kpis: list[str], years: list[int]) -> None:
    with pytest.raises(FetchError):
        fetch_kolada(kpis, years, tmp_path, base_url="http://127.0.0.1:9/v3", **FAST)
    assert list(tmp_path.iterdir()) == []


def test_base_url_must_be_http(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="must start with http"):
        fetch_kolada(["N01986"], [2017], tmp_path, base_url="api.kolada.se/v3", **FAST)


# --------------------------------------------------------------------------- the snapshot


def test_served_snapshot_rows_are_written_byte_for_byte(server: KoladaServer,
                                                        tmp_path: Path) -> None:
    """N01986 (2015–2018) and all of N00960, served paged, come back as the snapshot has them."""
    years_986 = [2015, 2016, 2017, 2018]
    rows_986 = snapshot_rows("N01986", set(years_986))
    rows_960 = snapshot_rows("N00960")
    years_960 = sorted({int(r[2]) for r in rows_960})
    serve_rows(server, "N01986", years_986, as_served(rows_986), per_page=400)
    serve_rows(server, "N00960", years_960, as_served(rows_960), per_page=500)
    with (SHARED_DATA / "kolada" / "kpis.csv").open(encoding="utf-8", newline="") as fh:
        catalogue = {r["kpi"]: r for r in csv.DictReader(fh)}
    meta = {k: (catalogue[k]["title"], catalogue[k]["description"],
                catalogue[k]["has_gender"] == "True") for k in ("N01986", "N00960")}
    data_dir = tmp_path / "data"

    # one call per KPI: the two KPIs are fetched for different years
    serve_catalogue(server, ["N01986"], meta)
    fetch_kolada(["N01986"], years_986, data_dir, base_url=server.root, **FAST)
    serve_catalogue(server, ["N00960"], meta)
    report = fetch_kolada(["n00960"], years_960, data_dir, base_url=server.root, **FAST)

    written_986 = (data_dir / "kolada" / "N01986.csv").read_bytes()
    assert written_986 == csv_lines(rows_986).encode("utf-8")
    snapshot_960 = (SHARED_DATA / "kolada" / "N00960.csv").read_bytes()
    assert (data_dir / "kolada" / "N00960.csv").read_bytes() == snapshot_960
    assert report.rows == {"N00960": len(rows_960)}
    assert report.added == len(rows_960) and report.changed == [] and report.removed == 0
    assert len(server.paths("/v3/data/kpi/N00960")) > 5  # several pages were followed

    snapshot_lines = (SHARED_DATA / "kolada" / "kpis.csv").read_text(encoding="utf-8")
    wanted = [line for line in snapshot_lines.splitlines(keepends=True)
              if line.startswith(("kpi,", "N00960,", "N01986,"))]
    assert (data_dir / "kolada" / "kpis.csv").read_text(encoding="utf-8") == "".join(wanted)

    sums = (data_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    snapshot_sums = (SHARED_DATA / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert next(s for s in snapshot_sums if s.endswith("  kolada/N00960.csv")) in sums
    assert [s.split("  ")[1] for s in sums] == [
        "kolada/N00960.csv", "kolada/N01986.csv", "kolada/kpis.csv", "kolada/provenance.json"]
    for line in sums:
        digest, rel = line.split("  ")
        assert hashlib.sha256((data_dir / rel).read_bytes()).hexdigest() == digest


def test_written_file_loads_with_the_kolada_loader(server: KoladaServer, tmp_path: Path) -> None:
    kolada = pytest.importorskip("kfsk_research.sources.kolada")
    rows = snapshot_rows("N01986", {2017, 2018})
    serve_rows(server, "N01986", [2017, 2018], as_served(rows))
    serve_catalogue(server, ["N01986"])
    fetch_kolada(["N01986"], [2017, 2018], tmp_path, base_url=server.root, **FAST)
    df = kolada.load_kolada("N01986", tmp_path)
    assert len(df) == len(rows)
    malmo = df[(df["municipality_id"] == "1280") & (df["year"] == 2018) & (df["gender"] == "T")]
    assert malmo["value"].tolist() == [1479.0]


# --------------------------------------------------------------------------- shape and merge


def test_gender_split_values_and_null_dropped(server: KoladaServer, tmp_path: Path) -> None:
    rows: list[Row] = [
        ("N01986", "1280", 2017, "T", 2445.0), ("N01986", "1280", 2017, "K", 1000),
        ("N01986", "1280", 2017, "M", 1445.0), ("N01986", "0000", 2017, "T", 12.3),
        ("N01986", "0012", 2017, "T", None), ("N01986", "G12345", 2017, "T", 5.0),
    ]
    serve_rows(server, "N01986", [2017], rows)
    serve_catalogue(server, ["N01986"])
    report = fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)
    text = (tmp_path / "kolada" / "N01986.csv").read_bytes()
    assert text == (HEADER + "N01986,0000,2017,T,12.3\n" "N01986,1280,2017,K,1000.0\n"
                    "N01986,1280,2017,M,1445.0\n" "N01986,1280,2017,T,2445.0\n").encode()
    assert b"\r" not in text and not text.startswith(b"\xef\xbb\xbf")
    assert report.kpis[0].skipped_areas == 1
    catalogue = (tmp_path / "kolada" / "kpis.csv").read_text(encoding="utf-8")
    assert catalogue == ("kpi,title,description,unit_hint,has_gender\n"
                         'N01986,"Kommunmottagna i flyktingmottagandet med uppehållstillstånd, '
                         'antal",Antal personer.,count,True\n')
    provenance = json.loads((tmp_path / "kolada" / "provenance.json").read_text("utf-8"))
    entry = provenance["N01986"]
    assert entry["license"] == "CC BY 4.0" and entry["attribution"] == "Källa: Kolada (RKA)"
    assert entry["years"] == [2017] and entry["rows"] == 4
    assert entry["url"].startswith(server.root + "/data/kpi/N01986/year/2017")
    assert entry["fetched_at"].endswith("Z")


@pytest.mark.parametrize("link_key", ["next_page", "next_url"])
def test_follows_next_page_links(server: KoladaServer, tmp_path: Path, link_key: str) -> None:
    rows: list[Row] = [("N40007", f"12{i:02d}", 2020, "T", float(i)) for i in range(60, 90)]
    serve_rows(server, "N40007", [2020], rows, per_page=7, link_key=link_key)
    serve_catalogue(server, ["N40007"])
    report = fetch_kolada(["N40007"], [2020], tmp_path, base_url=server.root, **FAST)
    assert report.rows == {"N40007": 30}
    assert len(server.paths("/v3/data/")) == 5
    assert "?page=5&per_page=7" in server.paths("/v3/data/")[-1]
    written = (tmp_path / "kolada" / "N40007.csv").read_text(encoding="utf-8")
    assert written.count("\n") == 31
    assert "N40007,1261,2020,T,61.0\n" in written
    assert (tmp_path / "kolada" / "kpis.csv").read_text("utf-8").endswith(
        ",sek_per_inhabitant,False\n")


def test_long_year_lists_are_split(server: KoladaServer, tmp_path: Path) -> None:
    years = list(range(1994, 2023))
    server.route(data_path("N40007", years[:25]),
                 Reply(200, page_body(data_entries([("N40007", "1280", 1994, "T", 1.0)]))))
    server.route(data_path("N40007", years[25:]),
                 Reply(200, page_body(data_entries([("N40007", "1280", 2022, "T", 2.0)]))))
    serve_catalogue(server, ["N40007"])
    report = fetch_kolada(["N40007"], years, tmp_path, base_url=server.root, **FAST)
    assert report.rows == {"N40007": 2}
    assert [p.split("?")[0] for p in server.paths("/v3/data/")] == [
        data_path("N40007", years[:25]), data_path("N40007", years[25:])]


def existing_snapshot(root: Path) -> None:
    """A small data dir as the snapshot writes it: N01986 2016–2018, catalogue, SHA256SUMS."""
    kolada = root / "kolada"
    kolada.mkdir(parents=True)
    (kolada / "N01986.csv").write_bytes((
        HEADER
        + "N01986,0000,2016,T,68761.0\nN01986,0000,2017,T,30000.0\n"
        + "N01986,1280,2016,T,2000.0\nN01986,1280,2017,K,1000.0\n"
        + "N01986,1280,2017,T,2445.0\nN01986,1281,2017,T,700.0\n"
        + "N01986,1280,2018,T,1479.0\n").encode())
    (kolada / "kpis.csv").write_bytes(
        b"kpi,title,description,unit_hint,has_gender\n"
        b"N01986,old title,old,count,False\n"
        b"N99999,\"Other KPI, antal\",kept,count,False\n")
    (root / "README.md").write_bytes(b"snapshot\n")
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root)}\n"
                   for p in sorted([root / "README.md", *kolada.iterdir()]))
    (root / "SHA256SUMS").write_text(sums, encoding="utf-8")


def test_merge_replaces_fetched_years_and_reports_changes(server: KoladaServer,
                                                          tmp_path: Path) -> None:
    existing_snapshot(tmp_path)
    before_sums = (tmp_path / "SHA256SUMS").read_text("utf-8").splitlines()
    rows: list[Row] = [
        ("N01986", "0000", 2017, "T", 30000.0),  # unchanged
        ("N01986", "1280", 2017, "T", 2446.0),   # changed
        ("N01986", "1280", 2017, "M", 1446.0),   # added
        ("N01986", "1280", 2017, "K", None),     # 1000.0 withdrawn -> removed
        # 1281 2017 missing -> removed
    ]
    serve_rows(server, "N01986", [2017], rows)
    serve_catalogue(server, ["N01986"])
    report = fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)

    assert (tmp_path / "kolada" / "N01986.csv").read_text("utf-8") == (
        HEADER
        + "N01986,0000,2016,T,68761.0\nN01986,0000,2017,T,30000.0\n"
        + "N01986,1280,2016,T,2000.0\nN01986,1280,2017,M,1446.0\n"
        + "N01986,1280,2017,T,2446.0\nN01986,1280,2018,T,1479.0\n")
    assert report.changed == [ValueChange("N01986", "1280", 2017, "T", 2445.0, 2446.0)]
    assert report.changed[0] == ("N01986", "1280", 2017, "T", 2445.0, 2446.0)
    assert (report.added, report.removed) == (1, 2)
    assert report.rows == {"N01986": 6}
    summary = report.summary()
    assert "N01986: 3 values fetched, 6 rows" in summary
    assert "1 changed, 1 added, 2 removed" in summary
    assert "changed N01986 1280 2017 T: 2445.0 -> 2446.0" in summary

    catalogue = (tmp_path / "kolada" / "kpis.csv").read_text("utf-8").splitlines()
    assert catalogue[1].startswith('N01986,"Kommunmottagna') and catalogue[1].endswith(",True")
    assert catalogue[2] == 'N99999,"Other KPI, antal",kept,count,False'

    sums = (tmp_path / "SHA256SUMS").read_text("utf-8").splitlines()
    assert before_sums[0].endswith("  README.md") and before_sums[0] in sums
    assert [s.split("  ")[1] for s in sums] == sorted(s.split("  ")[1] for s in sums)
    for line in sums:
        digest, rel = line.split("  ")
        assert hashlib.sha256((tmp_path / rel).read_bytes()).hexdigest() == digest
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kfsk-fetch-")]


def test_unknown_kpi_is_an_error(server: KoladaServer, tmp_path: Path) -> None:
    serve_rows(server, "N00001", [2017], [])
    serve_catalogue(server, ["N00001"])
    with pytest.raises(FetchError, match="N00001 is not in Kolada's catalogue"):
        fetch_kolada(["N00001"], [2017], tmp_path, base_url=server.root, **FAST)
    assert list(tmp_path.iterdir()) == []


def test_corrupt_existing_file_is_a_data_error(server: KoladaServer, tmp_path: Path) -> None:
    (tmp_path / "kolada").mkdir()
    (tmp_path / "kolada" / "N01986.csv").write_text("kpi;municipality_id\n", encoding="utf-8")
    serve_rows(server, "N01986", [2017], [("N01986", "1280", 2017, "T", 1.0)])
    serve_catalogue(server, ["N01986"])
    with pytest.raises(DataError, match=r"kolada/N01986.csv, row 1: unexpected header"):
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)


# --------------------------------------------------------------------------- failures


def ok_body(kpi: str = "N01986", year: int = 2017) -> dict:
    return page_body(data_entries([(kpi, "1280", year, "T", 1.0)]))


def test_500_then_success_is_retried(server: KoladaServer, tmp_path: Path) -> None:
    server.route(data_path("N01986", [2017]), Reply(500, "oops"), Reply(200, ok_body()))
    serve_catalogue(server, ["N01986"])
    report = fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)
    assert report.rows == {"N01986": 1}
    assert len(server.paths("/v3/data/")) == 2


def test_429_waits_for_retry_after_but_capped(server: KoladaServer, tmp_path: Path) -> None:
    server.route(data_path("N01986", [2017]),
                 Reply(429, {"detail": "slow down"}, {"Retry-After": "1"}), Reply(200, ok_body()))
    serve_catalogue(server, ["N01986"])
    fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root,
                 **{**FAST, "max_retry_after": 0.3, "backoff": 5.0})
    first, second = [r.at for r in server.requests if r.path.startswith("/v3/data/")]
    assert 0.25 <= second - first < 0.9  # capped at 0.3 s, not the 1 s asked nor 5 s back-off


def test_429_retry_after_is_honoured_below_the_cap(server: KoladaServer, tmp_path: Path) -> None:
    server.route(data_path("N01986", [2017]),
                 Reply(429, {}, {"Retry-After": "1"}), Reply(200, ok_body()))
    serve_catalogue(server, ["N01986"])
    fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root,
                 **{**FAST, "max_retry_after": 30.0})
    first, second = [r.at for r in server.requests if r.path.startswith("/v3/data/")]
    assert 0.95 <= second - first < 2.0


def test_retries_are_capped(server: KoladaServer, tmp_path: Path) -> None:
    server.route(data_path("N01986", [2017]), Reply(503, "busy"))
    with pytest.raises(FetchError) as info:
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)
    message = str(info.value)
    assert f"{server.root}/data/kpi/N01986/year/2017" in message
    assert "HTTP 503" in message and "3 attempt" in message and "\n" not in message
    assert len(server.paths("/v3/data/")) == 3  # max_retries=2 -> 3 attempts
    assert list(tmp_path.iterdir()) == []


def test_client_errors_are_not_retried(server: KoladaServer, tmp_path: Path) -> None:
    server.route(data_path("N01986", [2017]), Reply(400, {"error": "bad"}))
    with pytest.raises(FetchError, match="HTTP 400"):
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)
    assert len(server.paths("/v3/data/")) == 1


@pytest.mark.parametrize(("body", "cause"), [
    ("<html>Service page</html>", "not JSON"),
    ([1, 2], "JSON list"),
    ({"rows": []}, "no 'values' list"),
    ({"values": [{"kpi": "N01986", "municipality": "1280", "period": 2017}]}, "no 'values'"),
    ({"values": [{"kpi": "N01986", "municipality": "1280", "period": 2017,
                  "values": [{"gender": "X", "value": 1.0}]}]}, "gender 'X'"),
    ({"values": [{"kpi": "N01986", "municipality": "1280", "period": 2017,
                  "values": [{"gender": "T", "value": "12"}]}]}, "not a number"),
    ({"values": [{"kpi": "N01986", "municipality": "1280", "period": 2016,
                  "values": [{"gender": "T", "value": 1.0}]}]}, "period 2016 was not asked"),
    ({"values": [{"kpi": "N00960", "municipality": "1280", "period": 2017,
                  "values": [{"gender": "T", "value": 1.0}]}]}, "expected N01986"),
    ({"values": [], "next_page": 7}, "'next_page' is int"),
])
def test_malformed_body_names_the_url(server: KoladaServer, tmp_path: Path, body: object,
                                      cause: str) -> None:
    server.route(data_path("N01986", [2017]), Reply(200, body))
    with pytest.raises(FetchError) as info:
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)
    assert f"{server.root}/data/kpi/N01986/year/2017" in str(info.value)
    assert cause in str(info.value)
    assert len(server.paths("/v3/data/")) == 1  # a malformed body is not retried


def test_paging_loop_is_detected(server: KoladaServer, tmp_path: Path) -> None:
    path = data_path("N01986", [2017])
    server.route(path, Reply(200, page_body([], f"{server.root.rsplit('/v3', 1)[0]}{path}")))
    with pytest.raises(FetchError, match="paging does not end"):
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)


def test_read_timeout(server: KoladaServer, tmp_path: Path) -> None:
    server.route(data_path("N01986", [2017]), Reply(200, ok_body(), delay=1.0))
    start = time.monotonic()
    with pytest.raises(FetchError, match="read timed out") as info:
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root,
                     **{**FAST, "read_timeout": 0.3, "max_retries": 1})
    assert time.monotonic() - start < 1.0
    assert "2 attempt" in str(info.value)
    assert len(server.paths("/v3/data/")) == 2


def test_total_deadline(server: KoladaServer, tmp_path: Path) -> None:
    server.route(data_path("N01986", [2017]), Reply(503, "busy", delay=0.2))
    start = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root,
                     **{**FAST, "max_retries": 50, "backoff": 0.1, "total_deadline": 0.5})
    assert time.monotonic() - start < 1.0


def test_unreachable_server_fails_fast(tmp_path: Path) -> None:
    root = f"http://127.0.0.1:{closed_port()}/v3"
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"connection failed \(\[Errno \d+\]") as info:
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=root, **FAST)
    assert time.monotonic() - start < 2.0
    assert f"{root}/data/kpi/N01986/year/2017" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server_with_defaults_is_bounded(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With default settings: 4 attempts of at most 5 s plus 1+2+4 s back-off < 30 s."""
    waits: list[float] = []
    monkeypatch.setattr(fetch, "_sleep", waits.append)
    root = f"http://127.0.0.1:{closed_port()}/v3"
    with pytest.raises(FetchError, match="gave up after 4 attempt"):
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=root, progress=False)
    assert waits == [1.0, 2.0, 4.0]
    assert 4 * 5.0 + sum(waits) <= 30.0


def test_failure_in_the_middle_leaves_files_byte_identical(server: KoladaServer,
                                                           tmp_path: Path) -> None:
    existing_snapshot(tmp_path)
    before = tree_bytes(tmp_path)
    serve_rows(server, "N01986", [2017], [("N01986", "1280", 2017, "T", 9.0)])  # succeeds
    server.route(data_path("N40007", [2017]), Reply(500, "down"))                # fails
    serve_catalogue(server, ["N01986", "N40007"])
    with pytest.raises(FetchError, match="N40007"):
        fetch_kolada(["N40007", "N01986"], [2017], tmp_path, base_url=server.root, **FAST)
    assert server.paths("/v3/data/kpi/N01986")  # the first KPI was downloaded
    assert tree_bytes(tmp_path) == before


def test_failure_while_moving_files_restores_the_old_ones(
        server: KoladaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    existing_snapshot(tmp_path)
    before = tree_bytes(tmp_path)
    serve_rows(server, "N01986", [2017], [("N01986", "1280", 2017, "T", 9.0)])
    serve_catalogue(server, ["N01986"])
    real_replace = os.replace
    calls = []

    def flaky_replace(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 3:  # N01986.csv and kpis.csv moved, provenance.json fails
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(OSError, match="disk full"):
        fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root, **FAST)
    assert tree_bytes(tmp_path) == before


def test_progress_bar_is_harmless_without_a_tty(server: KoladaServer, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    serve_rows(server, "N01986", [2017], [("N01986", "1280", 2017, "T", 1.0)])
    serve_catalogue(server, ["N01986"])
    fetch_kolada(["N01986"], [2017], tmp_path, base_url=server.root,
                 **{**FAST, "progress": True})
    assert "Kolada" not in capsys.readouterr().err


def test_summary_lists_years_and_attribution(server: KoladaServer, tmp_path: Path) -> None:
    years = [2014, 2015, 2016, 2018]
    serve_rows(server, "N01986", years, [("N01986", "1280", 2018, "T", 1.0)])
    serve_catalogue(server, ["N01986"])
    report = fetch_kolada(["N01986"], years, tmp_path, base_url=server.root, **FAST)
    summary = report.summary()
    assert "2014–2016, 2018" in summary and "Källa: Kolada (RKA)" in summary
    assert set(report.files) == {"kolada/N01986.csv", "kolada/kpis.csv",
                                 "kolada/provenance.json", "SHA256SUMS"}
    assert io.StringIO(summary).readline().startswith("Fetched 1 KPI(s)")


# --------------------------------------------------------------------------- which years


def test_default_years_run_through_last_year() -> None:
    # four years before the first data year (2015 - 4 = 2011) through today's year - 1
    assert fetch.default_years(2015, today=date(2026, 1, 15)) == list(range(2011, 2026))
    assert fetch.default_years(2015, today=date(2024, 12, 31)) == list(range(2011, 2024))


@pytest.mark.parametrize(("text", "years"), [
    ("2015-2022", [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022]),
    ("2015–2017", [2015, 2016, 2017]), (" 2020 ", [2020]), ("2019-2019", [2019])])
def test_parse_years(text: str, years: list[int]) -> None:
    assert fetch.parse_years(text) == years


@pytest.mark.parametrize(("text", "reason"), [
    ("2022-2015", "the first year 2022 is after the last 2015"),
    ("15-22", "is not a year range"), ("2015-", "is not a year range")])
def test_bad_years_option_is_one_line(text: str, reason: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from kfsk_research import cli

    with pytest.raises(SystemExit) as info:
        cli.main(["fetch", "--years", text])
    assert info.value.code == 2
    assert reason in capsys.readouterr().err


def test_cli_fetch_asks_for_the_years_option(server: KoladaServer, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from kfsk_research import cli

    years = [2015, 2016, 2017]
    serve_rows(server, "N01986", years, [("N01986", "1280", y, "T", 1.0) for y in years])
    serve_catalogue(server, ["N01986"])
    code = cli.main(["fetch", "--kpi", "N01986", "--years", "2015-2017", "--data-dir",
                     str(tmp_path), "--base-url", server.root])
    assert code == 0
    assert [p.split("?")[0] for p in server.paths("/v3/data/")] == [
        "/v3/data/kpi/N01986/year/2015,2016,2017"]
    # the other required files are missing, so no edition yet
    assert "editions the data allow: none yet" in capsys.readouterr().out


def test_cli_fetch_default_is_through_last_year(server: KoladaServer, tmp_path: Path) -> None:
    from kfsk_research import cli

    asked = list(range(2011, date.today().year))  # 2011 through last year
    serve_rows(server, "N01986", asked, [("N01986", "1280", 2016, "T", 1.0)])
    serve_catalogue(server, ["N01986"])
    code = cli.main(["fetch", "--kpi", "N01986", "--data-dir", str(tmp_path),
                     "--base-url", server.root])
    assert code == 0
    assert [p.split("?")[0] for p in server.paths("/v3/data/")] == [data_path("N01986", asked)]


def test_a_fetched_year_adds_an_edition(server: KoladaServer, snapshot_copy: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Editions follow what fetch brings: 2023 in every required KPI gives edition 2024."""
    from kfsk_research import cli

    required = ["N00960", "N00961", "N00962", "N00963", "N00964", "N00973", "N01951",
                "N01986"]
    with (SHARED_DATA / "kolada" / "kpis.csv").open(encoding="utf-8", newline="") as fh:
        meta = {r["kpi"]: (r["title"], r["description"], r["has_gender"] == "True")
                for r in csv.DictReader(fh) if r["kpi"] in required}
    for kpi in required:
        # SYNTHETIC: the snapshot's 2022 values served as 2023; made up for this test only
        made_up = [(r[0], r[1], 2023, r[3], float(r[4])) for r in snapshot_rows(kpi, {2022})]
        serve_rows(server, kpi, [2023], made_up, per_page=5000)
    serve_catalogue(server, required, meta)
    code = cli.main(["fetch", "--kpi", *required, "--years", "2023", "--data-dir",
                     str(snapshot_copy), "--base-url", server.root])
    assert code == 0
    assert "editions the data allow: 2018–2024" in capsys.readouterr().out
