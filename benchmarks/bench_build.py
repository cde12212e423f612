"""Build benchmark: `kfsk build` against the hand-written papermill + nbconvert loop.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_build.py --help``).
Every measure runs as a subprocess on the same data directory in the same run and is
timed with ``time.perf_counter``; the printed table gives min and median per measure,
the ratios against the targets, and the JSON file (``--out``) holds every raw timing.

Measures (see benchmarks/README.md):
  naive       papermill + ``jupyter nbconvert --to html`` per chapter, one after the other
  cold        ``kfsk build`` of one report into a fresh empty folder
  noop        the same ``kfsk build`` again on that folder (every chapter "unchanged")
  batch_cold  ``kfsk build --edition all --region all`` into a fresh empty folder
  import      ``python -c "import kfsk_research"`` wall time, plus ``-X importtime``
  load        load_dataset (every edition's inputs) + validate_inputs, in a fresh process
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from kfsk_research.chapters import CHAPTERS

N_CHAPTERS = len(CHAPTERS)

PROJECT_DIR = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = PROJECT_DIR / "notebooks"
BIN_DIR = Path(sys.executable).parent
PYTHON = sys.executable
KFSK = str(BIN_DIR / "kfsk")
PAPERMILL = str(BIN_DIR / "papermill")
JUPYTER = str(BIN_DIR / "jupyter")
DEFAULT_OUT = PROJECT_DIR / "benchmarks" / "results" / "bench_build.json"
ENV_CACHE = "KFSK_DATASET_CACHE"  # kfsk_research.dataset.ENV_CACHE (not imported: no pandas here)

# (ratio name, limit, description): value <= limit passes.
TARGETS = {
    "cold_over_naive": (0.5, "cold / naive (medians)"),
    "noop_seconds": (2.0, "noop, seconds (median)"),
    "batch_per_report_over_cold": (0.5, "batch_cold per report / cold (medians)"),
    "import_seconds": (0.5, "import kfsk_research, seconds (median)"),
}

LOAD_SNIPPET = r"""
import json, sys, tempfile, time
from pathlib import Path
t0 = time.perf_counter()
from kfsk_research.dataset import (known_inputs, load_cached, load_dataset, save_cache,
                                   validate_inputs)
from kfsk_research.editions import load_config
t1 = time.perf_counter()
root = Path(sys.argv[1])
config = load_config()
required = sorted(config.required)
optional = sorted(set(config.optional) - set(required))
ds = load_dataset(required, optional, root)
t2 = time.perf_counter()
files = known_inputs(root)
problems = validate_inputs(files, root)
t3 = time.perf_counter()
with tempfile.TemporaryDirectory() as tmp:
    folder = save_cache(ds, Path(tmp) / "dataset")
    t4 = time.perf_counter()
    load_cached(folder)
    t5 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_dataset_s": t2 - t1, "validate_s": t3 - t2,
                  "save_cache_s": t4 - t3, "load_cached_s": t5 - t4,
                  "loaded_files": len(ds.hashes), "kolada_rows": len(ds.kolada),
                  "validated_files": len(files), "problems": [str(p) for p in problems]}))
"""

DONE = re.compile(r"^(\d{4})/(\S+) (\S+)\s+done in\s+([\d.]+) s$")
UNCHANGED = re.compile(r"^(\d{4})/(\S+) (\S+)\s+unchanged$")
REPORT_UNCHANGED = re.compile(r"^(\d{4})/(\S+) unchanged \(every chapter and page\)$")
BUILDING = re.compile(r"^building (\d+) report\(s\)")


def log(text: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run(cmd: list[str], env: dict[str, str], cwd: Path = PROJECT_DIR
        ) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``cmd`` (check=True); return its wall time and the completed process."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env,
                              cwd=cwd)
    except subprocess.CalledProcessError as exc:
        tail = "\n".join((exc.stderr or "").strip().splitlines()[-15:])
        out = "\n".join((exc.stdout or "").strip().splitlines()[-10:])
        raise SystemExit(f"benchmark command failed (exit {exc.returncode}): "
                         f"{' '.join(cmd)}\n--- stdout (tail)\n{out}\n--- stderr (tail)\n{tail}"
                         ) from None
    return time.perf_counter() - started, proc


def base_env(data_dir: Path) -> dict[str, str]:
    """The environment of every subprocess: data dir set, no dataset cache inherited."""
    env = dict(os.environ)
    env["KFSK_DATA_DIR"] = str(data_dir)
    env.pop(ENV_CACHE, None)
    env.pop("KFSK_OUTPUT_DIR", None)
    return env


def summary(values: list[float]) -> dict[str, float | int]:
    """min / median / max / n of a list of seconds."""
    return {"n": len(values), "min": min(values), "median": statistics.median(values),
            "max": max(values)}


# --------------------------------------------------------------------------- measures


def measure_naive(args, env: dict[str, str], out: Path) -> dict:
    """The hand-written loop: papermill then nbconvert for each chapter, in order."""
    env = dict(env)
    env.pop(ENV_CACHE, None)  # the naive user parses the CSV files in every notebook
    out.mkdir(parents=True)
    chapters = sorted(p.stem for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    per_chapter = {}
    started = time.perf_counter()
    for stem in chapters:
        nb_out = out / f"{stem}.ipynb"
        t_pm, _ = run([PAPERMILL, str(NOTEBOOK_DIR / f"{stem}.ipynb"), str(nb_out),
                       "-p", "edition", str(args.edition), "-p", "region", args.region,
                       "-p", "data_dir", str(args.data_dir), "-p", "output_dir", str(out)],
                      env)
        t_nc, _ = run([JUPYTER, "nbconvert", "--to", "html", str(nb_out)], env)
        if not nb_out.with_suffix(".html").is_file():
            raise SystemExit(f"naive loop: nbconvert wrote no {nb_out.with_suffix('.html')}")
        per_chapter[stem] = {"papermill": t_pm, "nbconvert": t_nc}
    return {"seconds": time.perf_counter() - started, "chapters": per_chapter}


def kfsk_build(args, env: dict[str, str], out: Path, editions: list[str],
               regions: list[str]) -> tuple[float, list[str]]:
    """``kfsk build`` into ``out``; return wall time and stdout lines."""
    cmd = [KFSK, "build", "--edition", *editions, "--region", *regions,
           "--data-dir", str(args.data_dir), "--output-dir", str(out)]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    seconds, proc = run(cmd, env)
    return seconds, proc.stdout.splitlines()


def measure_cold(args, env: dict[str, str], out: Path) -> dict:
    """One report into a fresh empty folder; every chapter must execute."""
    out.mkdir(parents=True)
    seconds, lines = kfsk_build(args, env, out, [str(args.edition)], [args.region])
    done = {m.group(3): float(m.group(4)) for m in map(DONE.match, lines) if m}
    if len(done) != N_CHAPTERS:
        raise SystemExit(f"cold build executed {len(done)} chapters, expected {N_CHAPTERS}:\n"
                         + "\n".join(lines))
    return {"seconds": seconds, "chapters": done, "stdout": lines}


def package_fingerprint(env: dict[str, str]) -> str:
    """The build's package fingerprint (part of every chapter cache key)."""
    _, proc = run([PYTHON, "-c", "from kfsk_research.build import package_fingerprint as f;"
                   "print(f())"], env)
    return proc.stdout.strip()


def measure_noop(args, env: dict[str, str], out: Path, fingerprint: str) -> dict:
    """The same build again on the same folder; every chapter must be reused."""
    seconds, lines = kfsk_build(args, env, out, [str(args.edition)], [args.region])
    unchanged = [m.group(3) for m in map(UNCHANGED.match, lines) if m]
    if any(REPORT_UNCHANGED.match(line) for line in lines):  # the whole report was reused
        unchanged = ["all chapters"] * N_CHAPTERS
    if len(unchanged) != N_CHAPTERS:
        now = package_fingerprint(env)
        why = (f" The package changed during the run (fingerprint {fingerprint} -> {now}): "
               "an edit to kfsk_research/ invalidates every chapter; run again."
               if now != fingerprint else "")
        raise SystemExit(f"no-op build reused {len(unchanged)} of {N_CHAPTERS} chapters.{why}\n"
                         + "\n".join(lines))
    return {"seconds": seconds, "stdout": lines}


def measure_batch(args, env: dict[str, str], out: Path) -> dict:
    """Every edition × region into a fresh empty folder."""
    out.mkdir(parents=True)
    seconds, lines = kfsk_build(args, env, out, ["all"], ["all"])
    reports = next((int(m.group(1)) for m in map(BUILDING.match, lines) if m), 0)
    wrote = [line for line in lines if re.match(r"wrote .*/\d{4}/[^/]+/index\.html$", line)]
    done = [(m.group(1), m.group(2), m.group(3), float(m.group(4)))
            for m in map(DONE.match, lines) if m]
    # chapters differ by region (config ``chapters``); every region is in every edition
    from kfsk_research.editions import load_config

    regions = load_config().regions.values()
    expected = reports // len(regions) * sum(len(r.chapters) for r in regions)
    if not reports or len(done) != expected:
        raise SystemExit(f"batch build: {reports} reports, {len(done)} chapters executed "
                         f"(expected {expected})")
    return {"seconds": seconds, "reports": reports, "per_report": seconds / reports,
            "index_pages": len(wrote), "chapters": done}


def parse_importtime(stderr: str, package: str = "kfsk_research") -> dict:
    """Cumulative µs of ``package`` and its heaviest sub-imports from ``-X importtime``."""
    rows = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) - 1, m.group(4)))
    for i, (_, cumulative, depth, name) in enumerate(rows):
        if name == package and depth == 0:
            start = i
            while start > 0 and rows[start - 1][2] > 0:
                start -= 1
            subtree = rows[start:i + 1]
            heaviest = sorted(subtree, key=lambda r: r[0], reverse=True)[:5]
            return {"cumulative_us": cumulative,
                    "modules": len(subtree),
                    "heaviest_self_us": {r[3]: r[0] for r in heaviest},
                    "heavy_deps_imported": sorted(
                        {r[3] for r in subtree if r[3] in
                         {"pandas", "numpy", "matplotlib", "geopandas", "pyarrow"}})}
    raise SystemExit(f"-X importtime printed no top-level line for {package}")


def measure_import(args, env: dict[str, str]) -> dict:
    """Wall time of ``python -c "import kfsk_research"`` and of a bare interpreter."""
    baseline, walls = [], []
    for _ in range(args.import_repeat):  # interleaved so both see the same machine state
        baseline.append(run([PYTHON, "-c", "pass"], env)[0])
        walls.append(run([PYTHON, "-c", "import kfsk_research"], env)[0])
    importtime = [parse_importtime(run([PYTHON, "-X", "importtime", "-c",
                                        "import kfsk_research"], env)[1].stderr)
                  for _ in range(args.repeat)]
    return {"seconds": walls, "interpreter_only_seconds": baseline, "importtime": importtime}


def measure_load(args, env: dict[str, str]) -> dict:
    """load_dataset(all editions' inputs) + validate_inputs(known_inputs), fresh process."""
    seconds, proc = run([PYTHON, "-c", LOAD_SNIPPET, str(args.data_dir)], env)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["seconds"] = result["load_dataset_s"] + result["validate_s"]
    result["process_seconds"] = seconds
    if result["problems"]:
        log(f"warning: validate_inputs reported {len(result['problems'])} problem(s): "
            f"{result['problems'][0]}")
    return result


# --------------------------------------------------------------------------- report


def machine_info() -> dict:
    """Cores, interpreter, platform and the state of the code being measured."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    git = {}
    try:
        git["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR,
                                       capture_output=True, text=True, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                cwd=PROJECT_DIR, capture_output=True, text=True,
                                check=True).stdout
        git["dirty"] = bool(status.strip())
    except (OSError, subprocess.CalledProcessError):
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {"cores": os.cpu_count(), "usable_cores": affinity, "loadavg_start": load_average(),
            "cpu": cpu, "memory_gib": mem,
            "python": platform.python_version(), "implementation": sys.implementation.name,
            "platform": platform.platform(), "executable": sys.executable, "git": git}


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages (other work on the machine skews every timing)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def compute_ratios(measures: dict) -> dict:
    """Ratios against the targets, from medians (min-based ratios alongside)."""
    def med(name):
        return measures[name]["summary"]["median"] if name in measures else None

    def low(name):
        return measures[name]["summary"]["min"] if name in measures else None

    ratios = {}
    if med("naive") and med("cold") is not None:
        ratios["cold_over_naive"] = {"value": med("cold") / med("naive"),
                                     "from_min": low("cold") / low("naive")}
    if med("noop") is not None:
        ratios["noop_seconds"] = {"value": med("noop"), "from_min": low("noop")}
    if med("batch_cold") is not None and med("cold"):
        reports = measures["batch_cold"]["runs"][0]["reports"]
        ratios["batch_per_report_over_cold"] = {
            "value": med("batch_cold") / reports / med("cold"),
            "from_min": low("batch_cold") / reports / low("cold"), "reports": reports}
    if med("import") is not None:
        ratios["import_seconds"] = {"value": med("import"), "from_min": low("import")}
    for name, r in ratios.items():
        limit = TARGETS[name][0]
        r["target"] = limit
        r["pass"] = r["value"] <= limit
    return ratios


def print_report(result: dict) -> None:
    """The table: measures, per-chapter breakdown, targets with PASS/FAIL, machine."""
    m, measures = result["machine"], result["measures"]
    print()
    print(f"kfsk build benchmark — {result['started_at']}  (edition {result['args']['edition']}, "
          f"region {result['args']['region']}, data {result['args']['data_dir']})")
    print(f"machine: {m['cores']} cores ({m['usable_cores']} usable), {m['cpu']}, "
          f"{m['memory_gib']} GiB; Python {m['python']} ({m['implementation']}); "
          f"{m['platform']}")
    print(f"load average (1/5/15 min) at start {m.get('loadavg_start')}, at end "
          f"{m.get('loadavg_end')}: other processes on the machine slow every measure")
    git = m.get("git", {})
    print(f"code: commit {git.get('commit', '?')}{' + local changes' if git.get('dirty') else ''}"
          f", package {result.get('package_fingerprint', '?')}")
    print()
    print(f"{'measure':<12} {'n':>3} {'min [s]':>9} {'median [s]':>11} {'max [s]':>9}  note")
    for name in ("naive", "cold", "noop", "batch_cold", "import", "load"):
        if name not in measures:
            print(f"{name:<12} {'':>3} {'skipped':>9}")
            continue
        s = measures[name]["summary"]
        note = measures[name].get("note", "")
        print(f"{name:<12} {s['n']:>3} {fmt(s['min'], 3):>9} {fmt(s['median'], 3):>11} "
              f"{fmt(s['max'], 3):>9}  {note}")
    if "naive" in measures or "cold" in measures:
        print()
        print("per chapter, median seconds (naive: papermill and nbconvert subprocesses; "
              "cold, batch: chapter time logged by kfsk build, chapters run in parallel)")
        batch: dict[str, list[float]] = {}
        for run_ in measures.get("batch_cold", {}).get("runs", []):
            for _, _, stem, seconds in run_["chapters"]:
                batch.setdefault(stem, []).append(seconds)
        print(f"{'chapter':<22} {'naive pm':>9} {'naive nbc':>10} {'cold':>7} {'batch':>7}")
        stems = sorted({c for run_ in measures.get("naive", {}).get("runs", [])
                        for c in run_["chapters"]} |
                       {c for run_ in measures.get("cold", {}).get("runs", [])
                        for c in run_["chapters"]})
        for stem in stems:
            pm = [r["chapters"][stem]["papermill"] for r in measures.get("naive", {}).get(
                "runs", []) if stem in r["chapters"]]
            nc = [r["chapters"][stem]["nbconvert"] for r in measures.get("naive", {}).get(
                "runs", []) if stem in r["chapters"]]
            cold = [r["chapters"][stem] for r in measures.get("cold", {}).get("runs", [])
                    if stem in r["chapters"]]
            print(f"{stem:<22} {fmt(statistics.median(pm) if pm else None):>9} "
                  f"{fmt(statistics.median(nc) if nc else None):>10} "
                  f"{fmt(statistics.median(cold) if cold else None):>7} "
                  f"{fmt(statistics.median(batch[stem]) if stem in batch else None):>7}")
    print()
    print(f"{'target':<44} {'value':>8} {'(min)':>8} {'limit':>8}  result")
    for name, (limit, text) in TARGETS.items():
        r = result["ratios"].get(name)
        if r is None:
            print(f"{text:<44} {'–':>8} {'':>8} {'≤ ' + fmt(limit):>8}  not measured")
            continue
        print(f"{text:<44} {fmt(r['value'], 3):>8} {fmt(r['from_min'], 3):>8} "
              f"{'≤ ' + fmt(limit):>8}  {'PASS' if r['pass'] else 'FAIL'}")
    print()
    print(f"raw timings: {result['out']}")


def note_for(name: str, runs: list[dict]) -> str:
    """A short remark printed next to a measure."""
    if name == "batch_cold":
        r = runs[0]
        per = statistics.median(x["per_report"] for x in runs)
        return f"{r['reports']} reports, {per:.2f} s per report"
    if name == "import":
        cum = statistics.median(it["cumulative_us"] for x in runs for it in x["importtime"])
        base = statistics.median(s for x in runs for s in x["interpreter_only_seconds"])
        deps = sorted({d for x in runs for it in x["importtime"] for d in it[
            "heavy_deps_imported"]})
        return (f"-X importtime kfsk_research {cum / 1000:.1f} ms; bare interpreter "
                f"{base:.3f} s; heavy deps imported: {', '.join(deps) or 'none'}")
    if name == "load":
        r = runs[-1]
        return (f"load_dataset {statistics.median(x['load_dataset_s'] for x in runs):.2f} s "
                f"({r['loaded_files']} files) + validate "
                f"{statistics.median(x['validate_s'] for x in runs):.2f} s "
                f"({r['validated_files']} files); import "
                f"{statistics.median(x['import_s'] for x in runs):.2f} s; "
                f"parquet cache read {statistics.median(x['load_cached_s'] for x in runs):.2f} s")
    if name == "naive":
        return f"{N_CHAPTERS} × (papermill + nbconvert), KFSK_DATASET_CACHE unset"
    if name == "noop":
        return f"{N_CHAPTERS}/{N_CHAPTERS} chapters unchanged"
    if name == "cold":
        return f"1 report, {N_CHAPTERS}/{N_CHAPTERS} chapters executed, fresh output folder"
    return ""


def add_measure(result: dict, name: str, runs: list[dict]) -> None:
    """Store ``runs`` (each with 'seconds', a float or list) and their summary."""
    seconds = []
    for r in runs:
        seconds.extend(r["seconds"] if isinstance(r["seconds"], list) else [r["seconds"]])
    result["measures"][name] = {"seconds": seconds, "summary": summary(seconds),
                                "note": note_for(name, runs), "runs": runs}


def write_json(result: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Measures" + __doc__.split("Measures", 1)[1])
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="data directory (default: $KFSK_DATA_DIR, else ./data)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of naive, cold, noop and load (default 3)")
    ap.add_argument("--batch-repeat", type=int, default=1,
                    help="runs of batch_cold (default 1: one run takes minutes)")
    ap.add_argument("--skip-batch", action="store_true", help="do not run batch_cold")
    ap.add_argument("--import-repeat", type=int, default=10,
                    help="runs of the import measure (at least 10)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: --repeat 1 and --skip-batch")
    ap.add_argument("--only", nargs="+", default=None,
                    choices=["naive", "cold", "noop", "batch_cold", "import", "load"],
                    help="run only these measures (noop implies cold)")
    ap.add_argument("--edition", default="2018", help="edition of naive/cold/noop (2018)")
    ap.add_argument("--region", default="skane", help="region of naive/cold/noop (skane)")
    ap.add_argument("--jobs", type=int, default=None,
                    help="passed to kfsk build --jobs (default: kfsk's default, the core count)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help=f"JSON results (default {DEFAULT_OUT.relative_to(PROJECT_DIR)})")
    ap.add_argument("--work-dir", type=Path, default=None,
                    help="where the run's temporary folders go (default: a fresh temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folders")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat, args.skip_batch = 1, True
    if args.repeat < 1 or args.batch_repeat < 1:
        ap.error("--repeat and --batch-repeat must be at least 1")
    args.import_repeat = max(10, args.import_repeat)
    data = args.data_dir or Path(os.environ.get("KFSK_DATA_DIR") or PROJECT_DIR / "data")
    args.data_dir = data.resolve()
    if not args.data_dir.is_dir():
        ap.error(f"data directory {args.data_dir} does not exist (pass --data-dir)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = set(args.only or ["naive", "cold", "noop", "batch_cold", "import", "load"])
    if "noop" in wanted:
        wanted.add("cold")
    if args.skip_batch:
        wanted.discard("batch_cold")
    for exe in (KFSK, PAPERMILL, JUPYTER):
        if not Path(exe).is_file():
            raise SystemExit(f"{exe} not found; run `make install` and use the venv's python")
    if args.work_dir:
        args.work_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kfsk-bench-", dir=args.work_dir))
    env = base_env(args.data_dir)
    result = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
              "machine": machine_info(), "work_dir": str(work), "out": str(args.out),
              "measures": {}, "ratios": {}, "targets": {k: v[0] for k, v in TARGETS.items()}}
    fingerprint = package_fingerprint(env)  # also warms the page cache (pandas etc.)
    result["package_fingerprint"] = fingerprint
    log(f"work dir {work}; package {fingerprint}; measures {', '.join(sorted(wanted))}")
    try:
        # naive, cold and noop alternate within each round so drift hits them alike
        runs: dict[str, list[dict]] = {"naive": [], "cold": [], "noop": []}
        for i in range(args.repeat):
            if "naive" in wanted:
                runs["naive"].append(measure_naive(args, env, work / f"naive-{i}"))
                log(f"naive #{i + 1}: {runs['naive'][-1]['seconds']:.1f} s")
            if "cold" in wanted:
                runs["cold"].append(measure_cold(args, env, work / f"cold-{i}"))
                log(f"cold #{i + 1}: {runs['cold'][-1]['seconds']:.1f} s")
            if "noop" in wanted:
                runs["noop"].append(measure_noop(args, env, work / f"cold-{i}", fingerprint))
                log(f"noop #{i + 1}: {runs['noop'][-1]['seconds']:.2f} s")
            for name, values in runs.items():
                if values:
                    add_measure(result, name, values)
            result["ratios"] = compute_ratios(result["measures"])
            write_json(result, args.out)
        if "import" in wanted:
            add_measure(result, "import", [measure_import(args, env)])
            log(f"import: median {result['measures']['import']['summary']['median']:.3f} s")
        if "load" in wanted:
            loads = []
            for i in range(args.repeat):
                loads.append(measure_load(args, env))
                log(f"load #{i + 1}: {loads[-1]['seconds']:.2f} s")
            add_measure(result, "load", loads)
        result["ratios"] = compute_ratios(result["measures"])
        write_json(result, args.out)
        if "batch_cold" in wanted:
            batches = []
            for i in range(args.batch_repeat):
                log(f"batch_cold #{i + 1}: building every edition × region (takes minutes)")
                batches.append(measure_batch(args, env, work / f"batch-{i}"))
                log(f"batch_cold #{i + 1}: {batches[-1]['seconds']:.1f} s "
                    f"({batches[-1]['reports']} reports)")
                add_measure(result, "batch_cold", batches)
                result["ratios"] = compute_ratios(result["measures"])
                write_json(result, args.out)
        result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        result["machine"]["loadavg_end"] = load_average()
        after = package_fingerprint(env)
        if after != fingerprint:
            result["warning"] = (f"kfsk_research changed during the run ({fingerprint} -> "
                                 f"{after}); timings may mix two versions")
            log(f"warning: {result['warning']}")
        write_json(result, args.out)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_report(result)
    if result.get("warning"):
        print(f"warning: {result['warning']}")
    failed = [k for k, r in result["ratios"].items() if not r["pass"]]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
