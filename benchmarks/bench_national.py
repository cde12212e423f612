"""National benchmark: every edition × every region (all counties, riket, GR) built cold.

Run with ``make bench-national`` (or ``.venv/bin/python benchmarks/bench_national.py
--help``). Measures, each a ``kfsk build`` subprocess on the same data directory, timed
with ``time.perf_counter`` (see benchmarks/README.md):

  cold        one report (``--edition 2018 --region skane``, seven chapters) into a fresh
              empty folder: the reference for the per-report target
  batch_cold  ``kfsk build --edition all --region all`` into a fresh empty folder, with the
              peak resident memory of the whole process tree (build + kernels), sampled
  batch_noop  the same command again on that folder (every report "unchanged")

Targets (issue 16): per report at most 0.25 × cold; batch no-op under 10 s; peak memory
under 4 GB. Where the time goes: the chapter seconds of the build log summed by chapter
and by region, and the rest (start-up, validation, report pages) as wall minus the
chapters' share.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import psutil

PROJECT_DIR = Path(__file__).resolve().parents[1]
KFSK = str(Path(sys.executable).parent / "kfsk")
DEFAULT_OUT = PROJECT_DIR / "benchmarks" / "results" / "bench_national.json"
DONE = re.compile(r"^(\d{4})/(\S+) (\S+)\s+done in\s+([\d.]+) s$")
BUILDING = re.compile(r"^building (\d+) report")
TARGETS = {"per_report_over_cold": 0.25, "noop_seconds": 10.0, "peak_gb": 4.0}


def log(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (kernels included)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a kernel that just ended
            total += p.memory_info().rss
    return total


def timed_build(args, out: Path, editions: list[str], regions: list[str]) -> dict:
    """``kfsk build`` into ``out``: wall seconds, stdout lines, peak tree RSS (bytes)."""
    cmd = [KFSK, "build", "--edition", *editions, "--region", *regions,
           "--data-dir", str(args.data_dir), "--output-dir", str(out)]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    env = {k: v for k, v in os.environ.items()
           if k not in ("KFSK_OUTPUT_DIR", "KFSK_DATASET_CACHE")}
    log(" ".join(cmd))
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                peak = max(peak, tree_rss(parent))
            except psutil.Error:
                return
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if "done in" in line or "unchanged" in line:
            print(line.rstrip("\n"), file=sys.stderr, flush=True)
    code = proc.wait()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"build failed (exit {code}):\n" + "\n".join(lines[-30:]))
    return {"seconds": seconds, "peak_bytes": peak, "stdout": lines}


def where_time_goes(lines: list[str]) -> dict:
    """Chapter seconds from the build log, summed by chapter id and by region."""
    by_chapter: dict[str, float] = defaultdict(float)
    by_region: dict[str, float] = defaultdict(float)
    n = 0
    for m in map(DONE.match, lines):
        if m:
            by_chapter[m.group(3)] += float(m.group(4))
            by_region[m.group(2)] += float(m.group(4))
            n += 1
    return {"chapters_executed": n,
            "chapter_seconds": dict(sorted(by_chapter.items(), key=lambda kv: -kv[1])),
            "region_seconds": dict(sorted(by_region.items(), key=lambda kv: -kv[1]))}


def machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "load_before": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=PROJECT_DIR / "data")
    ap.add_argument("--jobs", type=int, default=None, help="kfsk build --jobs")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--work-dir", type=Path, default=None)
    ap.add_argument("--skip-cold", action="store_true", help="no single-report reference")
    args = ap.parse_args(argv)
    args.data_dir = args.data_dir.resolve()
    work = Path(tempfile.mkdtemp(prefix="kfsk-national-", dir=args.work_dir))
    result: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": machine(), "work_dir": str(work)}
    if not args.skip_cold:
        cold = timed_build(args, work / "cold", ["2018"], ["skane"])
        result["cold"] = {"seconds": cold["seconds"], "peak_bytes": cold["peak_bytes"]}
    batch = timed_build(args, work / "batch", ["all"], ["all"])
    reports = next((int(m.group(1)) for m in map(BUILDING.match, batch["stdout"]) if m), 0)
    result["batch_cold"] = {"seconds": batch["seconds"], "reports": reports,
                            "per_report": batch["seconds"] / max(reports, 1),
                            "peak_bytes": batch["peak_bytes"],
                            **where_time_goes(batch["stdout"])}
    noop = timed_build(args, work / "batch", ["all"], ["all"])
    result["batch_noop"] = {"seconds": noop["seconds"], "peak_bytes": noop["peak_bytes"]}
    result["load_after"] = os.getloadavg()
    b = result["batch_cold"]
    ratios = {"per_report_over_cold": (b["per_report"] / result["cold"]["seconds"]
                                       if "cold" in result else None),
              "noop_seconds": noop["seconds"],
              "peak_gb": b["peak_bytes"] / 1e9}
    result["targets"] = {k: {"value": v, "limit": TARGETS[k],
                             "pass": None if v is None else v <= TARGETS[k]}
                         for k, v in ratios.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"reports {reports}; batch cold {b['seconds']:.0f} s = {b['per_report']:.1f} s per "
          f"report; cold single report "
          f"{result['cold']['seconds']:.1f} s" if "cold" in result else "")
    for k, t in result["targets"].items():
        value = "–" if t["value"] is None else f"{t['value']:.2f}"
        verdict = "" if t["pass"] is None else ("PASS" if t["pass"] else "FAIL")
        print(f"  {k:<22} {value:>8}  limit {t['limit']:<6} {verdict}")
    print("chapter seconds (summed over the batch):")
    for cid, s in b["chapter_seconds"].items():
        print(f"  {cid:<22} {s:8.0f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
