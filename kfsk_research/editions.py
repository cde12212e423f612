"""Regions and editions: loading and validating ``config.toml``.

The configuration file is the package's ``config.toml`` unless ``KFSK_CONFIG``
(or an explicit path) points at another file with the same layout.
"""

from __future__ import annotations

import csv
import difflib
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kfsk_research.errors import ConfigError

ENV_CONFIG = "KFSK_CONFIG"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "config.toml"

_TOP_KEYS = {"default_region", "default_edition", "regions", "inputs", "editions", "chapters"}
_REGION_KEYS = {"name", "counties", "municipalities", "survey", "chapters", "notebooks"}
_CHAPTERS_KEYS = {"default", "notebooks"}
# lower-case ASCII; words joined by single hyphens (or underscores, as before): vastra-gotaland
REGION_ID = re.compile(r"[a-z][a-z0-9_]*(-[a-z0-9_]+)*")
_INPUT_KEYS = {"required", "optional"}
_EDITIONS_KEYS = {"first", "data_years", "kommungrupp", "notes"}
_KOMMUNGRUPPER = ("skl2017", "skr2023")
YEAR_COLUMN = "period"
"""The column whose values are an input's years (Kolada files); inputs without it have none."""


@dataclass(frozen=True)
class Region:
    """A region: counties or an explicit list of municipality codes."""

    region_id: str
    name: str
    counties: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    survey: bool = False
    chapters: tuple[str, ...] = ()
    """The region's chapter ids, in report order."""
    notebooks: tuple[tuple[str, str], ...] = ()
    """(chapter id, notebook name) where the region's chapter comes from its own notebook."""

    def notebook(self, chapter_id: str) -> str:
        """The notebook name (without ``.ipynb``) that writes this region's chapter."""
        return dict(self.notebooks).get(chapter_id, chapter_id)


def name_key(text: str) -> str:
    """``text`` compared regardless of case, diacritics, spaces/hyphens and a trailing
    "län": ``Västra Götalands län`` → ``vastra-gotaland``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    if len(words) > 1 and words[-1] == "lan":
        words = words[:-1]
        words[-1] = words[-1].removesuffix("s") if len(words[-1]) > 3 else words[-1]
    return "-".join(words)


@dataclass(frozen=True)
class Edition:
    """Edition E: the report of year E with data for years E-3 … E-1 (the configured rule;
    whether a data directory has those years is :func:`available_editions`' question)."""

    edition: int
    data_years: tuple[int, ...]
    kommungrupp: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def last_year(self) -> int:
        """The edition's newest data year."""
        return self.data_years[-1]

    @property
    def inputs(self) -> tuple[str, ...]:
        """Required then optional inputs, relative to the data directory."""
        return self.required + self.optional


@dataclass(frozen=True)
class Config:
    """The whole configuration file."""

    path: Path
    regions: dict[str, Region]
    default_region: str
    default_edition: int
    first_edition: int
    """The floor: no edition before the original report's (2018), whatever the data hold."""
    span: int
    """Data years per edition: edition E has E-span … E-1."""
    kommungrupper: tuple[tuple[int, str], ...]
    """(first edition, classification), ascending: each holds until the next one starts."""
    notes: dict[int, tuple[str, ...]]
    required: tuple[str, ...]
    optional: tuple[str, ...]

    def region(self, region_id: str) -> Region:
        """Return a region by id or display name (case, diacritics and a trailing "län"
        ignored: ``Västra Götaland`` = ``vastra-gotaland``), or raise an error listing the
        valid ids."""
        if region_id in self.regions:
            return self.regions[region_id]
        key = name_key(str(region_id))
        for r in self.regions.values():
            if key in (name_key(r.region_id), name_key(r.name)):
                return r
        raise ConfigError(
            f"unknown region '{region_id}'; valid regions: {', '.join(sorted(self.regions))}"
        )

    def edition(self, edition: int | str,
                data_root: str | os.PathLike[str] | None = None) -> Edition:
        """Edition ``edition`` by the configured rule (a year from ``first_edition`` on).

        Without ``data_root`` nothing is read; with it, the data directory must hold the
        edition's data years, else :class:`EditionDataError` names the file and the years
        it lacks (``ConfigError`` for a value that is no edition at all).
        """
        key = str(edition).strip() if isinstance(edition, int | str) else ""
        if not re.fullmatch(r"\d{4}", key) or int(key) < self.first_edition:
            raise ConfigError(f"unknown edition '{edition}'; editions are years from "
                              f"{self.first_edition} (the original report) on, or "
                              "'latest' / 'all' on the command line")
        year = int(key)
        if data_root is not None:
            check_edition_data(self, year, data_root)
        group = [g for start, g in self.kommungrupper if start <= year][-1]
        return Edition(year, tuple(range(year - self.span, year)), group, self.required,
                       self.optional, self.notes.get(year, ()))

    @property
    def inputs(self) -> tuple[str, ...]:
        """Required then optional inputs of every edition, relative to the data directory."""
        return self.required + self.optional

    def select_regions(self, values: list[str] | None) -> list[str]:
        """Expand CLI region values (``all`` = every region), validating each."""
        if not values:
            return [self.default_region]
        if "all" in values:
            return sorted(self.regions)
        return [self.region(v).region_id for v in dict.fromkeys(values)]

    def select_editions(self, values: list[str | int] | None,
                        data_root: str | os.PathLike[str] | None = None) -> list[int]:
        """Expand CLI edition values for the data directory ``data_root`` (None: the
        default one): ``all`` = every available edition, ``latest`` = the newest, a year =
        that edition if the data hold its years (else :class:`EditionDataError`)."""
        texts = [str(v).strip().lower() for v in values or [self.default_edition]]
        for t in texts:  # a value that is no edition fails before any file is read
            if t not in ("all", "latest"):
                self.edition(t)
        root = _data_root(data_root)
        if "all" in texts or "latest" in texts:
            available = available_editions(self, root)
            if not available:
                raise _no_edition(self, root)
            if "all" in texts:
                return available
        chosen = [available[-1] if t == "latest" else self.edition(t, root).edition
                  for t in texts]
        return list(dict.fromkeys(chosen))


def _unknown_keys(found: dict, allowed: set[str], where: str, path: Path) -> None:
    for key in found:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(
                f"{path}: unknown key '{key}' in {where}{hint} "
                f"(allowed: {', '.join(sorted(allowed))})"
            )


def _str_list(value: object, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {where} must be a list of strings")
    return tuple(value)


def _chapter_list(value: object, where: str, path: Path) -> tuple[str, ...]:
    from kfsk_research.chapters import CHAPTER_IDS

    ids = _str_list(value, where, path)
    for c in ids:
        if c not in CHAPTER_IDS:
            raise ConfigError(f"{path}: {where}: unknown chapter '{c}' "
                              f"(chapters: {', '.join(CHAPTER_IDS)})")
    if list(ids) != sorted(set(ids)):
        raise ConfigError(f"{path}: {where} must list each chapter once, in chapter order")
    return ids


def _notebook_map(value: object, where: str, path: Path) -> dict[str, str]:
    from kfsk_research.chapters import CHAPTER_IDS

    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{path}: {where} must map chapter ids to notebook names")
    for c, nb in value.items():
        if c not in CHAPTER_IDS:
            raise ConfigError(f"{path}: {where}: unknown chapter '{c}'")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", nb) or not nb.startswith(c[:3]):
            raise ConfigError(f"{path}: {where}: notebook '{nb}' for '{c}' must be a file "
                              f"name in notebooks/ starting with '{c[:3]}' (no .ipynb)")
    return dict(value)


def _defaults(raw: dict, path: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    """The ``[chapters]`` table: chapters (and notebooks) of regions listing none."""
    from kfsk_research.chapters import CHAPTER_IDS

    _unknown_keys(raw, _CHAPTERS_KEYS, "[chapters]", path)
    chapters = (_chapter_list(raw["default"], "[chapters] default", path)
                if "default" in raw else CHAPTER_IDS)
    return chapters, _notebook_map(raw.get("notebooks", {}), "[chapters] notebooks", path)


def _region(region_id: str, raw: dict, path: Path,
            defaults: tuple[tuple[str, ...], dict[str, str]] = ((), {})) -> Region:
    where = f"[regions.{region_id}]"
    if not REGION_ID.fullmatch(region_id):
        raise ConfigError(f"{path}: region id '{region_id}' must be lower-case ASCII letters "
                          "and digits, words joined by '-', e.g. vastra-gotaland")
    _unknown_keys(raw, _REGION_KEYS, where, path)
    if "name" not in raw:
        raise ConfigError(f"{path}: {where} needs a 'name'")
    counties = _str_list(raw.get("counties", []), f"{where} counties", path)
    munis = _str_list(raw.get("municipalities", []), f"{where} municipalities", path)
    if bool(counties) == bool(munis):
        raise ConfigError(f"{path}: {where} needs either 'counties' or 'municipalities'")
    for c in counties:
        if not re.fullmatch(r"\d{2}", c):
            raise ConfigError(f"{path}: {where} county '{c}' must be 2 digits, e.g. \"12\"")
    for m in munis:
        if not re.fullmatch(r"\d{4}", m):
            raise ConfigError(
                f"{path}: {where} municipality '{m}' must be a 4-digit string, e.g. \"0180\""
            )
    if "chapters" in raw:
        chapters = _chapter_list(raw["chapters"], f"{where} chapters", path)
        notebooks = _notebook_map(raw.get("notebooks", {}), f"{where} notebooks", path)
    else:  # the [chapters] default, with its notebooks unless the region names its own
        chapters = defaults[0]
        notebooks = {**defaults[1], **_notebook_map(raw.get("notebooks", {}),
                                                    f"{where} notebooks", path)}
    stray = sorted(set(notebooks) - set(chapters))
    if stray:
        raise ConfigError(f"{path}: {where} notebooks names '{stray[0]}', not one of its "
                          "chapters")
    return Region(region_id, str(raw["name"]), counties, munis, bool(raw.get("survey", False)),
                  chapters, tuple(sorted(notebooks.items())))


class EditionDataError(ConfigError):
    """An edition the data directory does not allow: a required input lacks some of its
    data years (``file``: that input, relative to the data directory; ``years``: the
    years it lacks). A choice error (exit 3), like an unknown edition."""

    def __init__(self, message: str, file: str = "", years: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.file = file
        self.years = years


def years_text(years: Iterable[int]) -> str:
    """``2015–2017`` for a run of years, else ``2015, 2017``."""
    ys = sorted(years)
    if len(ys) > 1 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}"
    return ", ".join(map(str, ys))


def input_years(path: Path) -> frozenset[int] | None:
    """The years an input has rows for (its ``period`` values); None when it has no
    ``period`` column (reference files, ``kolada/kpis.csv``: they restrict no edition); no
    years when it does not exist. Cached on the file's modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return frozenset()
    return _file_years(str(path), stat.st_mtime_ns, stat.st_size)


@cache
def _file_years(path: str, mtime_ns: int, size: int) -> frozenset[int] | None:
    try:  # the period column is ASCII; a file the loaders reject restricts nothing here
        with Path(path).open(encoding="utf-8", errors="replace", newline="") as fh:
            rows = csv.reader(fh)
            header = [h.strip().lstrip("\ufeff") for h in next(rows, [])]
            if YEAR_COLUMN not in header:
                return None
            i = header.index(YEAR_COLUMN)
            periods = {row[i].strip() for row in rows if len(row) > i}
    except csv.Error:
        return None
    return frozenset(int(p) for p in periods if p.isdigit())  # validation reports the rest


def _data_root(data_root: str | os.PathLike[str] | None) -> Path:
    from kfsk_research.paths import existing_data_dir

    return existing_data_dir(data_root)


def missing_years(config: Config, edition: int,
                  data_root: str | os.PathLike[str] | None = None) -> dict[str, tuple[int, ...]]:
    """``{required input: its missing data years of edition}`` for the data directory
    (empty when the data hold the edition)."""
    root = _data_root(data_root)
    wanted = set(range(edition - config.span, edition))
    out = {}
    for rel in config.required:
        years = input_years(root / rel)
        if years is not None and not wanted <= years:
            out[rel] = tuple(sorted(wanted - years))
    return out


def available_editions(config: Config,
                       data_root: str | os.PathLike[str] | None = None) -> list[int]:
    """Editions the data directory allows: every year E from ``config.first_edition`` on
    whose data years E-span … E-1 each have rows in every required input with a ``period``
    column. Cheap (the period column of the required files, cached on their mtimes)."""
    root = _data_root(data_root)
    sets = [y for rel in config.required if (y := input_years(root / rel)) is not None]
    common = frozenset.intersection(*sets) if sets else frozenset()
    if not common:
        return []
    return [e for e in range(config.first_edition, max(common) + 2)
            if all(y in common for y in range(e - config.span, e))]


def check_edition_data(config: Config, edition: int,
                       data_root: str | os.PathLike[str] | None = None) -> None:
    """Raise :class:`EditionDataError` (one line: the edition, the editions the data allow,
    the file and the years it lacks) unless every required input has rows for each of the
    edition's data years. A required file that does not exist is left to the loaders (a
    missing input, with how to get it)."""
    root = _data_root(data_root)
    missing = {rel: years for rel, years in missing_years(config, edition, root).items()
               if (root / rel).is_file()}
    if not missing:
        return
    rel, years = next(iter(missing.items()))
    more = (f" ({len(missing) - 1} more required "
            f"{'file lacks' if len(missing) == 2 else 'files lack'} years too)"
            if len(missing) > 1 else "")
    valid = ", ".join(map(str, available_editions(config, root))) or "none"
    span = years_text(range(edition - config.span, edition))
    raise EditionDataError(
        f"unknown edition '{edition}'; valid editions: {valid} (those the data in {root} "
        f"allow): edition {edition} needs data for {span} and {rel} has no rows for "
        f"{years_text(years)}{more}", rel, years)


def _no_edition(config: Config, data_root: str | os.PathLike[str] | None) -> EditionDataError:
    """The error saying why the data directory allows no edition at all."""
    root = _data_root(data_root)
    absent = [rel for rel in config.required if not (root / rel).is_file()]
    if absent:
        return EditionDataError(
            f"no edition is available in {root}: {len(absent)} required input(s) missing "
            f"({', '.join(absent)}); run 'kfsk fetch'", absent[0])
    first = config.first_edition
    missing = missing_years(config, first, root)
    if missing:
        rel, years = next(iter(missing.items()))
        return EditionDataError(
            f"no edition is available in {root}: {rel} has no rows for {years_text(years)} "
            f"(the first edition, {first}, needs data for "
            f"{years_text(range(first - config.span, first))})", rel, years)
    return EditionDataError(f"no edition is available in {root}: no required input has a "
                            f"'{YEAR_COLUMN}' column to date an edition by")


def _int_value(value: object, where: str, path: Path, example: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(f"{path}: {where} must be a year (an integer), e.g. {example}")
    return value


def _editions_rule(raw: dict, path: Path) -> tuple[int, int, tuple[tuple[int, str], ...],
                                                  dict[int, tuple[str, ...]]]:
    """The ``[editions]`` table: (first edition, data years per edition, kommungrupp
    choices, notes per edition)."""
    stale = [k for k in raw if str(k).isdigit()]
    if stale:
        raise ConfigError(
            f"{path}: [editions.{stale[0]}] is the old layout: editions now follow the data; "
            "keep 'first', 'data_years' (a count), [editions.kommungrupp] and "
            "[editions.notes] (see the package's config.toml)")
    _unknown_keys(raw, _EDITIONS_KEYS, "[editions]", path)
    first = _int_value(raw.get("first"), "[editions] first", path, "first = 2018")
    span = raw.get("data_years", 3)
    if not isinstance(span, int) or isinstance(span, bool) or span < 1:
        raise ConfigError(f"{path}: [editions] data_years must be a positive integer (the "
                          "number of years before the edition), e.g. data_years = 3")
    groups = raw.get("kommungrupp", {})
    if not isinstance(groups, dict) or not groups:
        raise ConfigError(f"{path}: [editions.kommungrupp] must give each classification's "
                          f"first edition, e.g. skl2017 = {first}")
    _unknown_keys(groups, set(_KOMMUNGRUPPER), "[editions.kommungrupp]", path)
    starts: dict[int, str] = {}
    for name, value in groups.items():
        where = f"[editions.kommungrupp] {name}"
        start = _int_value(value, where, path, f"{name} = {first}")
        if start in starts:
            raise ConfigError(f"{path}: {where} starts in {start} as {starts[start]} does; "
                              "give each classification its own first edition")
        starts[start] = name
    if min(starts) > first:
        raise ConfigError(f"{path}: [editions.kommungrupp] {starts[min(starts)]} = "
                          f"{min(starts)}: the first edition ({first}) needs a classification; "
                          f"one must start in {first} or before")
    notes_raw = raw.get("notes", {})
    if not isinstance(notes_raw, dict):
        raise ConfigError(f"{path}: [editions.notes] must map edition years to lists of notes")
    notes = {}
    for key, value in notes_raw.items():
        if not key.isdigit() or int(key) < first:
            raise ConfigError(f"{path}: [editions.notes] key '{key}' must be an edition year "
                              f"from {first} on")
        notes[int(key)] = _str_list(value, f"[editions.notes] {key}", path)
    return first, span, tuple(sorted(starts.items())), notes


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the configuration file: argument > $KFSK_CONFIG > the package's config.toml."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_CONFIG)
    return Path(env) if env else DEFAULT_CONFIG


@cache
def _load(path: Path, mtime_ns: int) -> Config:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    _unknown_keys(raw, _TOP_KEYS, "the top level", path)
    inputs = raw.get("inputs", {})
    _unknown_keys(inputs, _INPUT_KEYS, "[inputs]", path)
    defaults = _defaults(raw.get("chapters", {}), path)
    regions = {rid: _region(rid, r, path, defaults) for rid, r in raw.get("regions", {}).items()}
    if not regions:
        raise ConfigError(f"{path}: needs at least one region")
    if not isinstance(raw.get("editions"), dict):
        raise ConfigError(f"{path}: needs an [editions] table with the first edition, "
                          "e.g. first = 2018")
    first, span, groups, notes = _editions_rule(raw["editions"], path)
    required = _str_list(inputs.get("required", []), "[inputs] required", path)
    optional = _str_list(inputs.get("optional", []), "[inputs] optional", path)
    default_region = raw.get("default_region", sorted(regions)[0])
    default_edition = raw.get("default_edition", first)
    config = Config(path, regions, default_region, default_edition, first, span, groups,
                    notes, required, optional)
    config.region(default_region)
    config.edition(default_edition)
    return config


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load and validate the regions/editions configuration."""
    p = config_path(path).resolve()
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        raise ConfigError(f"{p}: configuration file not found") from None
    return _load(p, mtime)
