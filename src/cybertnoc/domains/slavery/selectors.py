"""Adverts linked by shared contact selectors (phone numbers, e-mail addresses, handles).

The same phone number appearing in many sex-work or job adverts, across cities and names, is a
classic indicator used to find advertisers who may control several people: Ibanez & Suthers
(2014) followed the advertised phone number to trace the movement of potential victims between
cities, and Dubrawski et al. (2015) link adverts into entities through shared identifiers. This
module groups adverts into the connected components of the graph in which two adverts are tied
when they share any contact selector (transitively: A shares a phone with B, B an e-mail with C,
so A, B and C form one group).

**A group is an indicator for an analyst to review, not evidence of trafficking**: agencies,
shared reception numbers, re-posted adverts and independent workers sharing a phone all create
groups too. Selectors are treated as opaque strings (they may be keyed pseudonyms from
:mod:`cybertnoc.ethics`), so the grouping works on pseudonymised data without revealing numbers.

References
----------
.. [1] Ibanez, M. & Suthers, D. D. (2014). Detection of domestic human trafficking indicators
   and movement trends using content available on open internet sources. Proceedings of the
   47th Hawaii International Conference on System Sciences (HICSS).
.. [2] Dubrawski, A., Miller, K., Barnes, M., Boecking, B. & Kennedy, E. (2015). Leveraging
   publicly available data to discern patterns of human-trafficking activity. Journal of Human
   Trafficking 1(1), 65-85.
.. [3] Tarjan, R. E. & van Leeuwen, J. (1984). Worst-case analysis of set union algorithms.
   Journal of the ACM 31(2), 245-281.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cybertnoc.errors import InvalidValue

__all__ = ["GROUP_COLUMNS", "shared_selector_groups"]

logger = logging.getLogger(__name__)

#: Columns of :func:`shared_selector_groups`.
GROUP_COLUMNS = ("group", "size", "n_selectors", "adverts", "selectors")


def _values(cell: Any) -> list[str]:
    """The selector values in a cell: a list-like gives several, missing or blank gives none."""
    if isinstance(cell, list | tuple | set | frozenset | np.ndarray):
        items: Iterable[Any] = cell
    else:
        items = [cell]
    out = []
    for item in items:
        if item is None or item is pd.NA or (isinstance(item, float) and np.isnan(item)):
            continue
        text = str(item)
        if text.strip():
            out.append(text)
    return out


def _natural(values: Iterable[Hashable]) -> list[Hashable]:
    values = list(values)
    try:
        return sorted(values)  # type: ignore[type-var]
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


class _UnionFind:
    """Disjoint sets over 0..n-1, union by size and path halving (Tarjan & van Leeuwen 1984)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def shared_selector_groups(
    adverts: pd.DataFrame,
    *,
    advert_id: str = "advert_id",
    selectors: Sequence[str] = ("phone", "email", "handle"),
    min_size: int = 2,
    max_adverts_per_selector: int | None = None,
) -> pd.DataFrame:
    """Groups of adverts connected by shared contact selectors.

    Two adverts are linked when they carry the same value in the same selector column (the
    same phone, the same e-mail, the same handle); groups are the connected components of these
    links, found with union-find in near-linear time. A value is matched only within its own
    column (a phone number equal to a handle is not a link) and exactly as given (clean and
    normalise phones and e-mails before, as the importer does). Rows with the same advert id are
    one advert; a cell may hold a list of values. Missing and blank values link nothing.

    Parameters
    ----------
    adverts : pandas.DataFrame
        One row per advert (or several rows per advert id).
    advert_id : str
        Column with the advert id.
    selectors : sequence of str
        Selector columns to link on.
    min_size : int
        Smallest group reported; 1 also reports adverts that share nothing.
    max_adverts_per_selector : int, optional
        Ignore selector values found in more adverts than this (a site's default contact
        address, a placeholder such as "n/a" that slipped through cleaning), which would
        otherwise chain unrelated adverts together. The number ignored is logged and kept in
        ``attrs["ignored_selectors"]``.

    Returns
    -------
    pandas.DataFrame
        One row per group with ``group`` (1, 2, ... in the order of the rows), ``size``
        (adverts), ``n_selectors`` (distinct selector values of its adverts), ``adverts``
        (sorted ids) and ``selectors`` (sorted ``"column:value"`` strings). Sorted by size,
        then number of selectors (both descending), then first advert id.

    Raises
    ------
    InvalidValue
        A column is missing, or ``min_size`` / ``max_adverts_per_selector`` is not a positive
        integer.

    Examples
    --------
    >>> import pandas as pd
    >>> ads = pd.DataFrame({
    ...     "advert_id": ["a1", "a2", "a3", "a4", "a5"],
    ...     "phone": ["p:111", "p:111", None, "p:222", "p:333"],
    ...     "email": [None, "p:e1", "p:e1", None, None],
    ...     "handle": [None, None, None, "h9", "h9"]})
    >>> groups = shared_selector_groups(ads)
    >>> groups[["group", "size", "n_selectors", "adverts"]].to_dict("records")
    [{'group': 1, 'size': 3, 'n_selectors': 2, 'adverts': ['a1', 'a2', 'a3']}, \
{'group': 2, 'size': 2, 'n_selectors': 3, 'adverts': ['a4', 'a5']}]
    """
    selectors = list(selectors)
    missing = [c for c in [advert_id, *selectors] if c not in adverts.columns]
    if missing:
        raise InvalidValue(
            missing,
            f"present in the adverts table (columns found: {', '.join(map(str, adverts.columns))})",
            "Pass advert_id= and selectors= with the right column names.",
        )
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < 1:
        raise InvalidValue(min_size, "a positive integer for min_size")
    if max_adverts_per_selector is not None and (
        isinstance(max_adverts_per_selector, bool)
        or not isinstance(max_adverts_per_selector, int)
        or max_adverts_per_selector < 1
    ):
        raise InvalidValue(max_adverts_per_selector, "a positive integer or None")

    ids = adverts[advert_id]
    if ids.isna().any():
        logger.info("shared_selector_groups: skipped %d advert(s) without an id", ids.isna().sum())
    frame = adverts[ids.notna()]
    codes, unique_ids = pd.factorize(frame[advert_id])
    n = len(unique_ids)
    pairs = pd.DataFrame(
        [
            (int(code), f"{column}:{value}")
            for column in selectors
            for code, cell in zip(codes, frame[column].tolist(), strict=True)
            for value in _values(cell)
        ],
        columns=["advert", "selector"],
    ).drop_duplicates()
    ignored = 0
    if max_adverts_per_selector is not None and len(pairs):
        counts = pairs["selector"].map(pairs["selector"].value_counts())
        too_common = counts > max_adverts_per_selector
        ignored = int(pairs.loc[too_common, "selector"].nunique())
        if ignored:
            logger.info(
                "shared_selector_groups: ignored %d selector value(s) found in more than %d "
                "adverts",
                ignored,
                max_adverts_per_selector,
            )
        pairs = pairs[~too_common]

    sets = _UnionFind(n)
    if len(pairs):
        ordered = pairs.sort_values(["selector", "advert"], kind="stable")
        selector = ordered["selector"].to_numpy()
        advert = ordered["advert"].to_numpy()
        first = np.r_[True, selector[1:] != selector[:-1]]
        anchor = advert[np.maximum.accumulate(np.where(first, np.arange(len(advert)), 0))]
        for a, b in zip(anchor[~first].tolist(), advert[~first].tolist(), strict=True):
            sets.union(a, b)
    root = np.array([sets.find(i) for i in range(n)], dtype=np.int64)

    selectors_of: dict[int, set[str]] = {}
    for a, s in zip(pairs["advert"].tolist(), pairs["selector"].tolist(), strict=True):
        selectors_of.setdefault(int(root[a]), set()).add(s)
    members: dict[int, list[Hashable]] = {}
    for i, r in enumerate(root.tolist()):
        members.setdefault(r, []).append(unique_ids[i])
    rows = []
    for r, group_ids in members.items():
        if len(group_ids) < min_size:
            continue
        ordered_ids = _natural(group_ids)
        sels = sorted(selectors_of.get(r, set()))
        rows.append((len(ordered_ids), len(sels), ordered_ids, sels))
    first_ids = _natural([row[2][0] for row in rows])
    rank = {value: i for i, value in enumerate(first_ids)}
    rows.sort(key=lambda row: (-row[0], -row[1], rank[row[2][0]]))
    result = pd.DataFrame(
        {
            "group": np.arange(1, len(rows) + 1, dtype=np.int64),
            "size": np.array([row[0] for row in rows], dtype=np.int64),
            "n_selectors": np.array([row[1] for row in rows], dtype=np.int64),
            "adverts": [row[2] for row in rows],
            "selectors": [row[3] for row in rows],
        },
        columns=list(GROUP_COLUMNS),
    )
    result.attrs = {"adverts": n, "ignored_selectors": ignored}
    return result
