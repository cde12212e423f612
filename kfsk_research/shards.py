"""Splitting a batch of reports across machines: ``kfsk build --shard I/N``.

Report k (0-based, in the batch's stable order: editions ascending, then region ids
sorted) belongs to shard ``k % N + 1``. Shards need no coordinator: each machine builds its
own reports into the same output layout, and ``kfsk index`` writes the pages above them.
"""

from __future__ import annotations

import re


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` → ``(I, N)`` with 1 ≤ I ≤ N, or a ValueError saying what is expected."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise ValueError(f"--shard '{text}': expected I/N with 1 <= I <= N, e.g. 2/3")
    return int(m.group(1)), int(m.group(2))


def in_shard(items: list, shard: tuple[int, int] | None) -> list:
    """Every N-th item, starting at item I (1-based), of a stably ordered list."""
    if shard is None:
        return list(items)
    i, n = shard
    return [x for k, x in enumerate(items) if k % n == i - 1]
