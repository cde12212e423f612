"""kfsk-research: the report 'Tillgång eller belastning?' (2018) rebuilt per edition and region.

Importing the package is cheap; pandas, geopandas and matplotlib load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kfsk_research.context import Chapter


def chapter(chapter_id: str, edition: int = 2018, region: str = "skane",
            data_dir: str | None = None, output_dir: str | None = None) -> Chapter:
    """The context a chapter notebook works with (see :class:`kfsk_research.context.Chapter`)."""
    if chapter_id == "07_utfall":  # chapter 7 has its own blocks (outcomes_chapter.py)
        from kfsk_research.outcomes_chapter import OutcomesChapter

        return OutcomesChapter(chapter_id, edition, region, data_dir, output_dir)
    from kfsk_research.context import Chapter

    return Chapter(chapter_id, edition, region, data_dir, output_dir)


__all__ = ["__version__", "chapter"]
