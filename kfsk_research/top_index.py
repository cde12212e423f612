"""The pages above the reports: ``<root>/index.html``, written from the reports present.

Nothing a report writes depends on which other reports exist; only these pages do, and
``kfsk index`` (or an unsharded ``kfsk build``) writes them from what is in the folder.
"""

from __future__ import annotations

import html
from pathlib import Path

from kfsk_research.editions import Config
from kfsk_research.formatting import count_sv

CHECK_REPORT = ("2018", "skane")
TITLE = "Tillgång eller belastning? – alla utgåvor"


def built_reports(root: Path) -> dict[str, list[int]]:
    """Region id → editions (ascending) with a finished ``<root>/<edition>/<region>/
    index.html``; staging and failed folders are not reports."""
    found: dict[str, list[int]] = {}
    for index in sorted(root.glob("[0-9][0-9][0-9][0-9]/*/index.html")):
        folder = index.parent
        if folder.name.startswith(".") or folder.name.endswith(".failed"):
            continue
        found.setdefault(folder.name, []).append(int(folder.parent.name))
    return {rid: sorted(eds) for rid, eds in sorted(found.items())}


def _region_name(rid: str, config: Config) -> str:
    return config.regions[rid].name if rid in config.regions else rid


def county_links(reports: dict[str, list[int]], config: Config) -> dict[str, tuple[str, str]]:
    """County code → (href of its newest report, label) for regions that are exactly one
    county and have a report."""
    out = {}
    for rid, eds in reports.items():
        region = config.regions.get(rid)
        if region is None or len(region.counties) != 1 or region.municipalities:
            continue
        out[region.counties[0]] = (f"{eds[-1]}/{rid}/index.html", f"utgåva {eds[-1]}")
    return out


def county_names(config: Config) -> dict[str, str]:
    """County code → display name, from the config's one-county regions."""
    return {r.counties[0]: r.name for r in config.regions.values()
            if len(r.counties) == 1 and not r.municipalities}


def _county_map(links: dict[str, tuple[str, str]], config: Config) -> str:
    """The inline SVG county map, or a sentence saying why it is missing."""
    try:
        from kfsk_research.svgmap import county_map_svg

        return county_map_svg(links, county_names(config))
    except Exception as exc:
        return f"<p>Kartan över länen kunde inte ritas ({html.escape(str(exc))}).</p>"


def _table(reports: dict[str, list[int]], config: Config) -> str:
    editions = sorted({e for eds in reports.values() for e in eds})
    order = sorted(reports, key=lambda rid: (rid != "riket", _region_name(rid, config)))
    head = "".join(f'<th scope="col">{e}</th>' for e in editions)
    rows = []
    for rid in order:
        cells = "".join(
            f'<td><a href="{e}/{rid}/index.html">utgåva {e}</a></td>' if e in reports[rid]
            else "<td>inte byggd</td>" for e in editions)
        rows.append(f'<tr><th scope="row">{html.escape(_region_name(rid, config))}</th>'
                    f"{cells}</tr>")
    return ('<div class="table-wrap" tabindex="0" role="region" aria-label="Byggda rapporter '
            'per region och utgåva"><table><caption>Byggda rapporter per region och '
            f'utgåva</caption><thead><tr><th scope="col">Region</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def top_index_html(root: Path, config: Config) -> str:
    """The body of ``<root>/index.html``: a county map, then every report present."""
    reports = built_reports(root)
    n = sum(len(eds) for eds in reports.values())
    check = root / CHECK_REPORT[0] / CHECK_REPORT[1] / "check.html"
    check_html = ("<h2>Kontroll mot originalrapporten</h2>"
                  + ('<p><a href="2018/skane/check.html">Kontroll mot rapporten 2018</a>: '
                     "originalrapportens tryckta tal omräknade från källorna (i rapporten "
                     "för Skåne, utgåva 2018).</p>" if check.is_file() else
                     "<p>Kontrollen av originalrapportens tryckta tal hör till rapporten för "
                     "Skåne, utgåva 2018, som inte är byggd här.</p>"))
    if not reports:
        listing = "<p>Inga rapporter är byggda i den här mappen.</p>"
    else:
        links = county_links(reports, config)
        map_html = _county_map(links, config)
        listing = (
            "<h2>Länen</h2><p>Kartan länkar varje län till dess senaste byggda utgåva; län "
            "utan byggd rapport är grå. Samma rapporter finns i tabellen nedan.</p>"
            + map_html + "<h2>Alla rapporter</h2>" + _table(reports, config))
    return (f"<h1>{TITLE}</h1><p>Rapporterna per region och utgåva (år) i den här mappen: "
            f"{count_sv(n, 'rapport', 'rapporter')} för "
            f"{count_sv(len(reports), 'region', 'regioner')}.</p>{listing}{check_html}")


def write_top_index(root: Path, config: Config) -> Path:
    """Write ``<root>/index.html`` (atomically) from the reports present under ``root``."""
    from kfsk_research.pages import page

    path = root / "index.html"
    tmp = path.with_name(".index.html.tmp")
    tmp.write_text(page(TITLE, top_index_html(root, config)), encoding="utf-8")
    tmp.replace(path)
    return path
