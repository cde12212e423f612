"""The report's chapters: ids, titles and the inputs each one reads."""

from __future__ import annotations

from dataclasses import dataclass

from kfsk_research.sources import reference


@dataclass(frozen=True)
class ChapterSpec:
    """One chapter notebook ``notebooks/<chapter_id>.ipynb``."""

    chapter_id: str
    title: str
    report_section: str
    reads_data: bool

    @property
    def number(self) -> str:
        """Two-digit chapter number, e.g. ``02``."""
        return self.chapter_id[:2]


# Chapter 7 (issue 14): outcomes, costs and a parameterised cost scenario.
OUTCOMES = ChapterSpec("07_utfall", "Tillgång eller belastning? Utfall och kostnader", "2.4",
                       True)
CHAPTERS: tuple[ChapterSpec, ...] = (
    ChapterSpec("01_bakgrund", "Bakgrund", "1", False),
    ChapterSpec("02_etablering", "Nyanländas etablering i regionen", "2", True),
    ChapterSpec("03_regionalt_arbete", "Regionalt arbete och samverkan", "3", False),
    ChapterSpec("04_enkat", "Enkätundersökningen om arbetet med nyanlända", "4", False),
    ChapterSpec("05_goda_exempel", "Goda exempel och lärdomar", "5", False),
    ChapterSpec("06_rekommendationer", "Råd och rekommendationer", "6", False),
    OUTCOMES,
)
CHAPTER_IDS = tuple(c.chapter_id for c in CHAPTERS)
# Inputs every chapter reads (region membership and names), besides its own.
COMMON_INPUTS = (reference.MUNICIPALITIES, reference.KOMMUNGRUPPER)


def chapter_spec(chapter_id: str) -> ChapterSpec:
    """The spec of a chapter id, or a ValueError listing the valid ids."""
    for c in CHAPTERS:
        if c.chapter_id == chapter_id:
            return c
    raise ValueError(f"unknown chapter '{chapter_id}'; valid: {', '.join(CHAPTER_IDS)}")


def chapter_inputs(chapter_id: str, edition_inputs: tuple[str, ...]) -> tuple[str, ...]:
    """The input files a chapter reads: data chapters read all the edition's inputs."""
    if chapter_spec(chapter_id).reads_data:
        return tuple(sorted(set(edition_inputs) | set(COMMON_INPUTS)))
    return COMMON_INPUTS
