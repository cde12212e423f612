"""Everything an edition reads, loaded and validated once, with input hashes.

:func:`load_dataset` validates every input before anything runs; the build saves
the result as Parquet (:func:`save_cache`) so that chapter kernels read it
without re-parsing the CSV files (:func:`load_cached`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kfsk_research.errors import DataError, MissingInputError
from kfsk_research.municipalities import Registry
from kfsk_research.paths import HOW_TO_GET_DATA, existing_data_dir
from kfsk_research.sources import kolada, migrationsverket, reference, scb

ENV_CACHE = "KFSK_DATASET_CACHE"
CACHE_FORMAT = 1

_FRAMES = ("kolada", "kpis", "kommuntal_2018", "received_2018", "received_2015_2016",
           "scb_population")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Dataset:
    """Validated inputs of one data directory (frames are ``None`` when not read)."""

    data_dir: Path
    registry: Registry
    kpis: pd.DataFrame
    kolada: pd.DataFrame
    kommuntal_2018: pd.DataFrame | None = None
    received_2018: pd.DataFrame | None = None
    received_2015_2016: pd.DataFrame | None = None
    scb_population: pd.DataFrame | None = None
    missing: tuple[str, ...] = ()
    hashes: dict[str, str] = field(default_factory=dict)

    def kpi(self, kpi: str, gender: str | None = "T") -> pd.DataFrame:
        """Rows of one KPI: ``municipality_id, year, gender, value`` (one gender unless None)."""
        k = self.kolada
        rows = k[k["kpi"] == kpi]
        if gender is not None:
            rows = rows[rows["gender"] == gender]
        return rows[["municipality_id", "year", "gender", "value"]].reset_index(drop=True)

    def has(self, relative: str) -> bool:
        """Whether input ``relative`` was read (False for a missing optional input)."""
        return relative in self.hashes

    def population(self) -> pd.DataFrame:
        """Population 31 Dec (Kolada N01951, total): ``municipality_id, year, population``."""
        return self.kpi("N01951").rename(columns={"value": "population"})[
            ["municipality_id", "year", "population"]
        ]


def _kpi_of(relative: str) -> str | None:
    name = Path(relative).name
    if relative.startswith("kolada/") and name != "kpis.csv" and name.endswith(".csv"):
        return name[:-4]
    return None


def load_dataset(
    required: list[str] | tuple[str, ...],
    optional: list[str] | tuple[str, ...] = (),
    data_root: str | os.PathLike[str] | None = None,
) -> Dataset:
    """Load and validate ``required`` and available ``optional`` inputs (paths relative to
    the data directory). A missing data directory or required input raises
    :class:`MissingInputError`; the first problem in any file raises :class:`DataError`.
    """
    root = existing_data_dir(data_root)
    missing_required = [r for r in required if not (root / r).is_file()]
    if missing_required:
        raise MissingInputError(
            missing_required[0],
            f"required input not found (looked in {root}; "
            f"{len(missing_required)} missing: {', '.join(missing_required)})",
            hint=HOW_TO_GET_DATA,
        )
    present = [r for r in dict.fromkeys([*required, *optional]) if (root / r).is_file()]
    missing = tuple(o for o in optional if o not in present)
    municipalities = reference.load_municipalities(root)
    known = reference.known_area_ids(municipalities)
    groups = (reference.load_kommungrupper(root, known) if reference.KOMMUNGRUPPER in present
              else pd.DataFrame(columns=["municipality_id", "classification", "group_code",
                                         "group_name"], dtype="string"))
    registry = Registry(municipalities, groups)
    kpis = kolada.load_kpis(root)
    units = dict(zip(kpis["kpi"], kpis["unit_hint"], strict=True))
    frames = []
    for rel in present:
        kpi = _kpi_of(rel)
        if kpi:
            if kpi not in units:
                raise DataError(kolada.KPIS, f"no row for {kpi}, whose file {rel} is an input",
                                column="kpi")
            frame = kolada.load_kolada(kpi, root, known=known, unit_hint=units[kpi])
            frame.attrs.clear()
            frames.append(frame)
    kolada_frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=kolada.KOLADA_COLUMNS)
    ds = Dataset(root, registry, kpis, kolada_frame, missing=missing)
    loaders = {
        migrationsverket.KOMMUNTAL_2018: ("kommuntal_2018", migrationsverket.load_kommuntal_2018),
        migrationsverket.RECEIVED_2018: ("received_2018", migrationsverket.load_received_2018),
        migrationsverket.RECEIVED_2015_2016: ("received_2015_2016",
                                              migrationsverket.load_received_2015_2016),
        scb.POPULATION: ("scb_population", scb.load_scb_population),
    }
    for rel in present:
        if rel in loaders:
            attr, loader = loaders[rel]
            setattr(ds, attr, loader(root, known))
    ds.hashes = {rel: sha256_file(root / rel) for rel in sorted(present)}
    for frame in (ds.kolada, ds.kpis, ds.kommuntal_2018, ds.received_2018,
                  ds.received_2015_2016, ds.scb_population, municipalities,
                  registry.kommungrupper):
        if frame is not None:
            frame.attrs.clear()  # line numbers are only needed while validating
    return ds


def known_inputs(data_root: str | os.PathLike[str] | None = None) -> list[str]:
    """Every file the package knows how to read that exists in the data directory, plus
    the fixed ones (reported as missing by :func:`validate_inputs` when absent)."""
    root = existing_data_dir(data_root)
    fixed = [reference.MUNICIPALITIES, reference.KOMMUNGRUPPER, kolada.KPIS,
             migrationsverket.RECEIVED_2018, migrationsverket.KOMMUNTAL_2018,
             migrationsverket.RECEIVED_2015_2016, scb.POPULATION]
    kpi_files = {f"kolada/{p.name}" for p in (root / "kolada").glob("*.csv")
                 if p.name != "kpis.csv"}
    from kfsk_research.editions import load_config

    kpi_files |= {i for i in load_config().inputs if i.startswith("kolada/N")}
    return fixed + sorted(kpi_files)


def validate_inputs(
    files: list[str], data_root: str | os.PathLike[str] | None = None
) -> list[DataError]:
    """Check each file independently; return one error per file with a problem."""
    root = existing_data_dir(data_root)
    problems: list[DataError] = []
    try:
        municipalities = reference.load_municipalities(root)
        known = reference.known_area_ids(municipalities)
    except DataError as exc:
        return [exc]
    units: dict[str, str] = {}
    for rel in files:
        try:
            if rel == reference.MUNICIPALITIES:
                continue
            if rel == reference.KOMMUNGRUPPER:
                reference.load_kommungrupper(root, known)
            elif rel == kolada.KPIS:
                kpis = kolada.load_kpis(root)
                units = dict(zip(kpis["kpi"], kpis["unit_hint"], strict=True))
            elif _kpi_of(rel):
                kpi = _kpi_of(rel)
                kolada.load_kolada(kpi, root, known=known, unit_hint=units.get(kpi))
            elif rel == migrationsverket.RECEIVED_2018:
                migrationsverket.load_received_2018(root, known)
            elif rel == migrationsverket.KOMMUNTAL_2018:
                migrationsverket.load_kommuntal_2018(root, known)
            elif rel == migrationsverket.RECEIVED_2015_2016:
                migrationsverket.load_received_2015_2016(root, known)
            elif rel == scb.POPULATION:
                scb.load_scb_population(root, known)
        except DataError as exc:
            problems.append(exc)
    return problems


def cache_key(hashes: dict[str, str], version: str) -> str:
    """Key of a dataset cache: sha256 over input hashes and package version."""
    blob = json.dumps({"hashes": hashes, "version": version, "format": CACHE_FORMAT},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def save_cache(ds: Dataset, folder: Path) -> Path:
    """Write ``ds`` as Parquet files plus ``meta.json`` into ``folder`` (atomically)."""
    if (folder / "meta.json").is_file():
        return folder
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    ds.registry.municipalities.to_parquet(tmp / "municipalities.parquet")
    ds.registry.kommungrupper.to_parquet(tmp / "kommungrupper.parquet")
    for name in _FRAMES:
        frame = getattr(ds, name)
        if frame is not None:
            frame.to_parquet(tmp / f"{name}.parquet")
    meta = {"data_dir": str(ds.data_dir), "missing": list(ds.missing), "hashes": ds.hashes}
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True))
    try:
        tmp.rename(folder)
    except OSError:  # another process won the race; its copy is identical
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def load_cached(folder: Path) -> Dataset:
    """Read a dataset written by :func:`save_cache`."""
    meta = json.loads((folder / "meta.json").read_text())
    registry = Registry(pd.read_parquet(folder / "municipalities.parquet"),
                        pd.read_parquet(folder / "kommungrupper.parquet"))
    frames = {name: pd.read_parquet(folder / f"{name}.parquet")
              if (folder / f"{name}.parquet").is_file() else None for name in _FRAMES}
    return Dataset(Path(meta["data_dir"]), registry, missing=tuple(meta["missing"]),
                   hashes=meta["hashes"], **frames)
