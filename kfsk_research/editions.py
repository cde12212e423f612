"""Regions and editions: loading and validating ``config.toml``.

The configuration file is the package's ``config.toml`` unless ``KFSK_CONFIG``
(or an explicit path) points at another file with the same layout.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kfsk_research.errors import ConfigError

ENV_CONFIG = "KFSK_CONFIG"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "config.toml"

_TOP_KEYS = {"default_region", "default_edition", "regions", "inputs", "editions"}
_REGION_KEYS = {"name", "counties", "municipalities", "survey"}
_INPUT_KEYS = {"required", "optional"}
_EDITION_KEYS = {"data_years", "kommungrupp", "notes", "required", "optional"}
_KOMMUNGRUPPER = ("skl2017", "skr2023")


@dataclass(frozen=True)
class Region:
    """A region: counties or an explicit list of municipality codes."""

    region_id: str
    name: str
    counties: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    survey: bool = False


@dataclass(frozen=True)
class Edition:
    """Edition E: the report of year E with data for years E-3 … E-1."""

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
    editions: dict[int, Edition]
    default_region: str
    default_edition: int

    def region(self, region_id: str) -> Region:
        """Return a region, or raise an error listing the valid ids."""
        if region_id not in self.regions:
            raise ConfigError(
                f"unknown region '{region_id}'; valid regions: {', '.join(sorted(self.regions))}"
            )
        return self.regions[region_id]

    def edition(self, edition: int | str) -> Edition:
        """Return an edition, or raise an error listing the valid ones."""
        try:
            key = int(edition)
        except (TypeError, ValueError):
            key = None
        if key not in self.editions:
            valid = ", ".join(str(e) for e in sorted(self.editions))
            raise ConfigError(f"unknown edition '{edition}'; valid editions: {valid}")
        return self.editions[key]

    def select_regions(self, values: list[str] | None) -> list[str]:
        """Expand CLI region values (``all`` = every region), validating each."""
        if not values:
            return [self.default_region]
        if "all" in values:
            return sorted(self.regions)
        return [self.region(v).region_id for v in dict.fromkeys(values)]

    def select_editions(self, values: list[str] | None) -> list[int]:
        """Expand CLI edition values (``all`` = every edition), validating each."""
        if not values:
            return [self.default_edition]
        if "all" in [str(v) for v in values]:
            return sorted(self.editions)
        return [self.edition(v).edition for v in dict.fromkeys(values)]


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


def _region(region_id: str, raw: dict, path: Path) -> Region:
    where = f"[regions.{region_id}]"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", region_id):
        raise ConfigError(f"{path}: region id '{region_id}' must be lower-case ASCII")
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
    return Region(region_id, str(raw["name"]), counties, munis, bool(raw.get("survey", False)))


def _edition(key: str, raw: dict, inputs: dict, path: Path) -> Edition:
    where = f"[editions.{key}]"
    _unknown_keys(raw, _EDITION_KEYS, where, path)
    try:
        edition = int(key)
    except ValueError:
        raise ConfigError(f"{path}: edition '{key}' must be a year") from None
    years = raw.get("data_years")
    if not isinstance(years, list) or not years or not all(isinstance(y, int) for y in years):
        raise ConfigError(f"{path}: {where} data_years must be a non-empty list of years")
    if sorted(years) != years or years[-1] >= edition:
        raise ConfigError(f"{path}: {where} data_years must be ascending and before {edition}")
    group = raw.get("kommungrupp")
    if group not in _KOMMUNGRUPPER:
        raise ConfigError(
            f"{path}: {where} kommungrupp must be one of {', '.join(_KOMMUNGRUPPER)}"
        )
    required = _str_list(raw.get("required", inputs.get("required", [])), where, path)
    optional = _str_list(raw.get("optional", inputs.get("optional", [])), where, path)
    notes = _str_list(raw.get("notes", []), f"{where} notes", path)
    return Edition(edition, tuple(years), group, required, optional, notes)


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
    regions = {rid: _region(rid, r, path) for rid, r in raw.get("regions", {}).items()}
    editions = {}
    for key, e in raw.get("editions", {}).items():
        ed = _edition(key, e, inputs, path)
        editions[ed.edition] = ed
    if not regions or not editions:
        raise ConfigError(f"{path}: needs at least one region and one edition")
    default_region = raw.get("default_region", sorted(regions)[0])
    default_edition = raw.get("default_edition", max(editions))
    config = Config(path, regions, editions, default_region, default_edition)
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
