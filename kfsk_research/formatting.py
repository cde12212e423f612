"""Swedish number formatting for narrative and tables."""

from __future__ import annotations

import math

UNIT_SUFFIX = {"percent": "\u00a0%", "per_1000": " per 1\u00a0000 invånare"}


def number_sv(value: float | int | None, decimals: int | None = None) -> str:
    """``12345.6`` → ``12 345,6`` (no-break space); missing → ``–``.

    ``decimals=None`` keeps what is needed (at most two).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else (
            1 if round(float(value), 1) == round(float(value), 2) else 2)
    text = f"{float(value):,.{decimals}f}"
    # true minus sign (U+2212), never a hyphen; "-0,0" reads as "0,0"
    text = text.replace(",", "\u00a0").replace(".", ",")
    if text.startswith("-"):
        text = text[1:] if not text.strip("-0,\u00a0") else "\u2212" + text[1:]
    return text


def with_unit(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A number with its unit suffix (``71 %``); counts get none."""
    return number_sv(value, decimals) + UNIT_SUFFIX.get(unit, "")


# Språkrådet: in running text, numbers one to twelve that count things are written in words.
_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
          "elva", "tolv")


def number_word(n: int, neuter: bool = False) -> str:
    """``3`` → ``tre``; 1 → ``en`` (``ett`` with ``neuter``); above twelve: digits with
    no-break thousands (``1 234``)."""
    n = int(n)
    if n == 1 and neuter:
        return "ett"
    if 0 <= n <= 12:
        return _WORDS[n]
    return number_sv(n, 0)


def count_sv(n: int, singular: str, plural: str, *, neuter: bool = False,
             zero: str | None = None) -> str:
    """A count with its noun in agreement, words for one to twelve (Språkrådet):
    ``count_sv(1, "kommun", "kommuner")`` → ``en kommun``; ``(1, "län", "län",
    neuter=True)`` → ``ett län``; ``(3, …)`` → ``tre kommuner``; ``(33, …)`` →
    ``33 kommuner``; 0 → ``inga kommuner`` (or ``zero`` when given)."""
    n = int(n)
    if n == 0:
        return zero if zero is not None else f"inga {plural}"
    noun = singular if n == 1 else plural
    return f"{number_word(n, neuter)} {noun}"


def join_sv(items: list[str] | tuple[str, ...], conjunction: str = "och") -> str:
    """``["A", "B", "C"]`` → ``A, B och C``; one item → itself; none → empty string."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def percent_sv(share: float | None, decimals: int = 1) -> str:
    """A share 0–1 as Swedish percent: ``0.278`` → ``27,8 %`` (no-break space); missing →
    ``–``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return number_sv(float(share) * 100, decimals) + "\u00a0%"


def signed_sv(value: float | None, decimals: int = 0) -> str:
    """A difference with its sign: ``+0,45``, ``−19`` (minus sign U+2212), ``0``; missing →
    ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = number_sv(abs(value), decimals)
    if round(abs(value), decimals) == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


_ORDINALS = ("första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde",
             "nionde", "tionde", "elfte", "tolfte")


def ordinal_sv(n: int) -> str:
    """``3`` → ``tredje`` (one to twelve in words), ``15`` → ``15:e``, ``21`` → ``21:a``."""
    n = int(n)
    if 1 <= n <= 12:
        return _ORDINALS[n - 1]
    suffix = ":a" if n % 10 in (1, 2) and n % 100 not in (11, 12) else ":e"
    return f"{n}{suffix}"


def genitive_sv(name: str) -> str:
    """Swedish genitive of a name: ``Blekinge`` → ``Blekinges``, ``Skåne län`` → ``Skåne
    läns``; names ending in s, x or z take no extra s (``Västerås``)."""
    return name if name[-1:].lower() in ("s", "x", "z") else name + "s"


def swedish_sort_key(name: str) -> tuple:
    """Swedish alphabetical order, case ignored: å, ä, ö after z (Ängelholm after Ystad)."""
    order = {"å": "{", "ä": "|", "ö": "}"}
    return tuple("".join(order.get(ch, ch) for ch in name.lower()))
