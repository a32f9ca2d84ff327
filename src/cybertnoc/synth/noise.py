"""Realistic noise for person records: typing errors, spelling variants, swapped fields.

Record linkage is evaluated on the duplicates this noise makes, so every operation is one that
real record-keeping produces (Christen 2012, *Data Matching*, ch. 3; the error kinds of the
FEBRL data generator, Christen & Pudjijono 2009):

- keyboard typos: a letter replaced by a neighbour on a QWERTY keyboard, a letter dropped, two
  adjacent letters transposed, a letter doubled;
- a different spelling or transliteration of the same name (Dmitriy/Dmitri, Mohammed/Muhammad,
  Müller/Mueller), or a nickname (William → Bill);
- given and family name swapped (notably for names written family name first);
- dates: day and month swapped, a digit mistyped, missing;
- missing values.

References
----------
.. [1] Christen, P. (2012). Data Matching. Springer.
.. [2] Christen, P. & Pudjijono, A. (2009). Accurate synthetic generation of realistic personal
   information. PAKDD 2009, LNCS 5476, 507-514.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

__all__ = [
    "date_typo",
    "keyboard_typo",
    "swap_day_month",
]

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_POS = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}


def _neighbours(c: str) -> str:
    low = c.lower()
    if low not in _POS:
        return ""
    r, i = _POS[low]
    out = []
    for dr in (-1, 0, 1):
        rr = r + dr
        if 0 <= rr < len(_ROWS):
            for di in (-1, 0, 1):
                ii = i + di
                if (dr, di) != (0, 0) and 0 <= ii < len(_ROWS[rr]):
                    out.append(_ROWS[rr][ii])
    s = "".join(out)
    return s.upper() if c.isupper() else s


def keyboard_typo(rng: np.random.Generator, text: str) -> tuple[str, str]:
    """One typing error in ``text``: ``(new text, kind)`` with kind ``substitution``,
    ``deletion``, ``transposition`` or ``insertion``. Text shorter than 3 letters is kept."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text, ""
    # errors are rarer on the first letter (people check it)
    i = letters[int(rng.integers(1, len(letters)))]
    kind = ("substitution", "deletion", "transposition", "insertion")[
        int(rng.choice(4, p=[0.4, 0.25, 0.2, 0.15]))
    ]
    if kind == "substitution":
        nb = _neighbours(text[i])
        if not nb:
            return text, ""
        return text[:i] + nb[int(rng.integers(len(nb)))] + text[i + 1 :], kind
    if kind == "deletion":
        return text[:i] + text[i + 1 :], kind
    if kind == "transposition":
        j = i - 1
        if not text[j].isalpha() or text[j] == text[i]:
            return text[:i] + text[i + 1 :], "deletion"
        return text[:j] + text[i] + text[j] + text[i + 1 :], kind
    return text[:i] + text[i] + text[i:], kind


def swap_day_month(d: dt.date) -> dt.date | None:
    """The date with day and month swapped, or ``None`` when that is not a date or the same."""
    if d.day > 12 or d.day == d.month:
        return None
    try:
        return d.replace(month=d.day, day=d.month)
    except ValueError:  # pragma: no cover - day <= 12 always fits
        return None


def date_typo(rng: np.random.Generator, d: dt.date) -> dt.date:
    """A mistyped date: one digit of the day or the last digit of the year off by one."""
    for _ in range(10):
        if rng.random() < 0.5:
            delta = int(rng.choice([-1, 1]))
            try:
                return d.replace(year=d.year + delta)
            except ValueError:
                continue
        day = d.day + int(rng.choice([-10, -1, 1, 10]))
        try:
            return d.replace(day=day)
        except ValueError:
            continue
    return d
