"""Drug trafficking routes, offline (seizures) and online (darknet listings), and how they compare.

Seizure records say where seized drugs came from, went through and were going to; darknet
listings say where a vendor ships from and to. Both become tables of *legs* between two places
(``source`` → ``target``) that can be ranked, mapped, drawn as a network
(:func:`cybertnoc.network.graph_from_edges` reads them as they are) and compared.

Places are upper-case ISO 3166 alpha-2 country codes or the region codes cybertnoc uses:
``ZZ`` (worldwide), ``EU`` (European Union), ``XE``, ``XN``, ``XS``, ``XC``, ``XF``, ``XA``,
``XM``, ``XO`` (continents and world regions) and ``XX`` (unknown). Leading and trailing spaces
and lower case are tolerated; anything else is refused with the offending values named.

**Route tables describe what was seized or offered, not the whole trade.** Seizures reflect where
law enforcement looks and reports (UNODC data over-represent Europe); listings reflect what
vendors claim. A comparison is descriptive, not a causal claim.

References
----------
.. [1] UNODC (annual). World Drug Report. United Nations Office on Drugs and Crime, Vienna.
.. [2] Spearman, C. (1904). The proof and measurement of association between two things.
   American Journal of Psychology 15(1), 72-101.
.. [3] Broséus, J., Rhumorbarbe, D., Mireault, C., Ouellette, V., Crispino, F. & Décary-Hétu, D.
   (2016). Studying illicit drug trafficking on Darknet markets: structure and organisation
   from a Canadian perspective. Forensic Science International 264, 7-14.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from cybertnoc.errors import InvalidValue

__all__ = [
    "REGION_CODES",
    "UNKNOWN_CODE",
    "compare_routes",
    "listing_routes",
    "seizure_routes",
]

logger = logging.getLogger(__name__)

#: Codes for places larger than a country: worldwide, the EU and continents / world regions.
REGION_CODES = frozenset({"ZZ", "EU", "XE", "XN", "XS", "XC", "XF", "XA", "XM", "XO"})
#: Code for an unknown place.
UNKNOWN_CODE = "XX"
_CODE = re.compile(r"^[A-Z]{2}$")
_SEPARATORS = re.compile(r"[;,|/]")


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidValue(
            missing,
            f"present in the {what} (columns found: {', '.join(map(str, frame.columns))})",
            "Pass the right column names as keyword arguments.",
        )


def _split(value: Any) -> list[str]:
    """A cell as a list of codes: lists stay lists, strings split on ; , | /, missing is []."""
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = list(value)
    elif value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return []
    else:
        items = _SEPARATORS.split(str(value))
    return [str(v).strip().upper() for v in items if str(v).strip()]


def _check_codes(codes: pd.Series, column: str) -> None:
    bad = codes[~codes.map(lambda c: bool(_CODE.match(c)))]
    if len(bad):
        examples = sorted(set(bad))[:5]
        raise InvalidValue(
            examples,
            f"two-letter ISO 3166 country or region codes in column {column!r} "
            f"({len(bad)} value(s) are not)",
            "Clean the values to codes first (for example when importing with a mapping that "
            "uses the country cleaner); use XX for unknown, ZZ for worldwide.",
        )


def _legs_frame(records: pd.DataFrame, what: str) -> pd.DataFrame:
    """Add ``regional`` and ``domestic`` flags to a (source, target) frame."""
    records["regional"] = records["source"].isin(REGION_CODES) | records["target"].isin(
        REGION_CODES
    )
    records["domestic"] = records["source"] == records["target"]
    logger.debug("%s: %d route(s)", what, len(records))
    return records


def seizure_routes(
    seizures: pd.DataFrame,
    *,
    origin: str = "origin",
    destination: str = "destination",
    transit: str | None = "transit",
    quantity: str | None = "quantity",
) -> pd.DataFrame:
    """Route legs of drug seizures, counted and summed.

    Every seizure gives a chain of places: its origin, its transit countries in the order given
    (none when the transit cell is empty; several may be given as a list or separated by
    ``;``, ``,``, ``|`` or ``/``), then its destination. Each consecutive pair in the chain is a
    *leg*: origin → transit → destination counts as the legs origin → transit and transit →
    destination, never as origin → destination. A leg with an unknown end (empty, or ``XX``) is
    left out and counted in ``attrs["excluded_legs"]``; an unknown origin therefore drops only
    the first leg. A seizure counts once per leg even if its chain repeats it.

    Parameters
    ----------
    seizures : pandas.DataFrame
        One row per seizure.
    origin, destination, transit : str
        Columns with the places (country or region codes). ``transit`` may be None.
    quantity : str or None
        Column with the quantity seized, in one unit (convert kg / g / tablets first); None
        when there is none. Missing quantities count as seizures but add nothing.

    Returns
    -------
    pandas.DataFrame
        One row per leg, sorted by ``count`` (descending), then ``quantity``, then the codes:

        - ``source``, ``target``: the places;
        - ``count``: number of seizures with this leg;
        - ``quantity``: total quantity of those seizures (NaN without ``quantity``);
        - ``share``: ``count`` over the total of ``count`` (shares sum to 1);
        - ``quantity_share``: ``quantity`` over the total quantity;
        - ``regional``: either end is a region code (``ZZ``, ``EU``, ``X?``), kept as given;
        - ``domestic``: source equals target (e.g. a domestic seizure with origin = destination).

        ``attrs`` holds ``seizures`` (rows read), ``seizures_with_route`` (rows giving at least
        one leg), ``legs`` (legs counted) and ``excluded_legs`` (legs with an unknown end).

    Raises
    ------
    InvalidValue
        A column is missing or a value is not a two-letter code.

    Examples
    --------
    >>> import pandas as pd
    >>> seizures = pd.DataFrame({
    ...     "origin": ["CO", "CO", "PE", "XX"],
    ...     "transit": ["EC", None, "ec", None],
    ...     "destination": ["ES", "ES", "ES", "ES"],
    ...     "quantity": [100.0, 50.0, 20.0, 5.0]})
    >>> routes = seizure_routes(seizures)
    >>> routes[["source", "target", "count", "quantity", "share"]].to_dict("records")
    [{'source': 'EC', 'target': 'ES', 'count': 2, 'quantity': 120.0, 'share': 0.4}, \
{'source': 'CO', 'target': 'EC', 'count': 1, 'quantity': 100.0, 'share': 0.2}, \
{'source': 'CO', 'target': 'ES', 'count': 1, 'quantity': 50.0, 'share': 0.2}, \
{'source': 'PE', 'target': 'EC', 'count': 1, 'quantity': 20.0, 'share': 0.2}]
    >>> routes.attrs["excluded_legs"], routes.attrs["legs"]
    (1, 5)
    """
    columns = [origin, destination] + [c for c in (transit, quantity) if c is not None]
    _require(seizures, columns, "seizures table")
    n = len(seizures)
    chains = []
    for col, many in ((origin, False), (transit, True), (destination, False)):
        if col is None:
            continue
        cells = seizures[col].map(_split)
        if not many:
            too_many = cells.map(len) > 1
            if too_many.any():
                raise InvalidValue(
                    seizures.loc[too_many, col].head(5).tolist(),
                    f"one place per seizure in column {col!r}",
                    "Only the transit column may list several places.",
                )
            cells = cells.map(lambda c: c or [UNKNOWN_CODE])
        chains.append(cells)
    chain = chains[0]
    for part in chains[1:]:
        chain = chain + part
    codes = pd.Series([c for cell in chain for c in cell], dtype=object)
    _check_codes(codes, f"{origin}/{transit}/{destination}")

    qty = (
        pd.to_numeric(seizures[quantity], errors="coerce").to_numpy(dtype=float)
        if quantity is not None
        else np.full(n, np.nan)
    )
    legs = [
        (i, a, b) for i, places in enumerate(chain.tolist()) for a, b in itertools.pairwise(places)
    ]
    frame = pd.DataFrame(legs, columns=["row", "source", "target"])
    unknown = (frame["source"] == UNKNOWN_CODE) | (frame["target"] == UNKNOWN_CODE)
    excluded = int(unknown.sum())
    frame = frame[~unknown].drop_duplicates()
    frame["quantity"] = qty[frame["row"].to_numpy()] if len(frame) else []
    table = (
        frame.groupby(["source", "target"], sort=False)
        .agg(count=("row", "size"), quantity=("quantity", lambda q: q.sum(min_count=1)))
        .reset_index()
    )
    table["count"] = table["count"].astype(np.int64)
    total_q = table["quantity"].sum(min_count=1)
    table["share"] = table["count"] / table["count"].sum() if len(table) else []
    table["quantity_share"] = table["quantity"] / total_q if total_q and total_q > 0 else np.nan
    table = table.sort_values(
        ["count", "quantity", "source", "target"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    table = _legs_frame(table, "seizure_routes")
    table.attrs = {
        "seizures": n,
        "seizures_with_route": int(frame["row"].nunique()),
        "legs": len(frame),
        "excluded_legs": excluded,
    }
    if excluded:
        logger.info("seizure_routes: left out %d leg(s) with an unknown end", excluded)
    return table


def listing_routes(
    listings: pd.DataFrame, ships_from: str = "ships_from", ships_to: str = "ships_to"
) -> pd.DataFrame:
    """Number of darknet listings per ships-from → ships-to pair.

    A listing that ships to several places (a list, or codes separated by ``;``, ``,``, ``|``
    or ``/``) counts once for each. Region codes such as ``ZZ`` (worldwide), ``EU`` or ``XE``
    (Europe) are kept as they are and flagged in ``regional``: "ships to worldwide" is what the
    vendor wrote, not a set of countries. Pairs with an unknown end (empty or ``XX``) are left
    out and counted in ``attrs["excluded_pairs"]``.

    Parameters
    ----------
    listings : pandas.DataFrame
        One row per listing.
    ships_from, ships_to : str
        Columns with the places.

    Returns
    -------
    pandas.DataFrame
        One row per pair, sorted by ``count`` (descending), then the codes: ``source``,
        ``target``, ``count`` (listings), ``share`` (of all counted pairs), ``regional`` and
        ``domestic`` (ships within one country). ``attrs`` holds ``listings``,
        ``listings_with_route``, ``pairs`` and ``excluded_pairs``.

    Examples
    --------
    >>> import pandas as pd
    >>> listings = pd.DataFrame({"ships_from": ["NL", "NL", "DE", "XX"],
    ...                          "ships_to": ["ZZ", "DE;GB", "DE", "US"]})
    >>> routes = listing_routes(listings)
    >>> routes[["source", "target", "count", "regional", "domestic"]].to_dict("records")
    [{'source': 'DE', 'target': 'DE', 'count': 1, 'regional': False, 'domestic': True}, \
{'source': 'NL', 'target': 'DE', 'count': 1, 'regional': False, 'domestic': False}, \
{'source': 'NL', 'target': 'GB', 'count': 1, 'regional': False, 'domestic': False}, \
{'source': 'NL', 'target': 'ZZ', 'count': 1, 'regional': True, 'domestic': False}]
    >>> routes.attrs["excluded_pairs"]
    1
    """
    _require(listings, [ships_from, ships_to], "listings table")
    origin = listings[ships_from].map(_split)
    too_many = origin.map(len) > 1
    if too_many.any():
        raise InvalidValue(
            listings.loc[too_many, ships_from].head(5).tolist(),
            f"one place per listing in column {ships_from!r}",
            "Split multi-origin listings into one row per origin first.",
        )
    origin = origin.map(lambda c: c[0] if c else UNKNOWN_CODE)
    targets = listings[ships_to].map(lambda v: _split(v) or [UNKNOWN_CODE])
    pairs = pd.DataFrame(
        [
            (i, a, b)
            for i, (a, bs) in enumerate(zip(origin.tolist(), targets.tolist(), strict=True))
            for b in bs
        ],
        columns=["row", "source", "target"],
    )
    _check_codes(pd.concat([pairs["source"], pairs["target"]]), f"{ships_from}/{ships_to}")
    unknown = (pairs["source"] == UNKNOWN_CODE) | (pairs["target"] == UNKNOWN_CODE)
    excluded = int(unknown.sum())
    pairs = pairs[~unknown].drop_duplicates()
    table = pairs.groupby(["source", "target"], sort=False).size().rename("count").reset_index()
    table["count"] = table["count"].astype(np.int64)
    table["share"] = table["count"] / table["count"].sum() if len(table) else []
    table = table.sort_values(
        ["count", "source", "target"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    table = _legs_frame(table, "listing_routes")
    table.attrs = {
        "listings": len(listings),
        "listings_with_route": int(pairs["row"].nunique()),
        "pairs": len(pairs),
        "excluded_pairs": excluded,
    }
    if excluded:
        logger.info("listing_routes: left out %d pair(s) with an unknown end", excluded)
    return table


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values`` in descending order, ties sharing their average rank."""
    return pd.Series(-values).rank(method="average").to_numpy()


def _spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    """Spearman's rho: the Pearson correlation of average ranks (correct with ties)."""
    if len(x) < 2:
        return None
    rx, ry = _average_ranks(x), _average_ranks(y)
    dx, dy = rx - rx.mean(), ry - ry.mean()
    denominator = math.sqrt(float((dx**2).sum() * (dy**2).sum()))
    if denominator == 0:
        return None
    return float((dx * dy).sum() / denominator)


def _top(routes: pd.DataFrame, weight: str, top: int, regional: bool, domestic: bool):
    _require(routes, ["source", "target", weight], "route table")
    keep = pd.Series(True, index=routes.index)
    if not regional:
        keep &= ~(routes["source"].isin(REGION_CODES) | routes["target"].isin(REGION_CODES))
    if not domestic:
        keep &= routes["source"] != routes["target"]
    kept = routes[keep]
    weights = kept.groupby(["source", "target"])[weight].sum()
    ordered = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    return dict(weights.items()), [route for route, _ in ordered[:top]]


def compare_routes(
    online: pd.DataFrame,
    offline: pd.DataFrame,
    top: int = 10,
    *,
    weight: str = "count",
    include_regional: bool = False,
    include_domestic: bool = False,
) -> dict[str, Any]:
    """Compare the leading routes of two route tables (e.g. listings online, seizures offline).

    Each table is ranked by ``weight`` (ties by codes) and its ``top`` routes taken. On the
    union of both top lists, every route gets its weight in each table (0 where a table lacks
    it) and Spearman's rank correlation (1904) of the two weight vectors is computed, with
    average ranks for ties (the Pearson correlation of the ranks). The overlap of the two top
    lists is reported as a count, a share of ``top`` and a Jaccard index.

    This is a **descriptive comparison**: a high correlation says that the two sources rank the
    same routes highly, not that online trade causes the seizures or the reverse, and both
    sources carry their own selection biases.

    Parameters
    ----------
    online, offline : pandas.DataFrame
        Route tables with ``source``, ``target`` and ``weight`` columns, such as the outputs
        of :func:`listing_routes` and :func:`seizure_routes`.
    top : int
        How many leading routes of each table to compare.
    weight : str
        Column to rank by.
    include_regional : bool
        Keep routes with a region code (``ZZ`` worldwide, ``EU``...). Off by default: "ships
        worldwide" has no counterpart in country-to-country seizure legs.
    include_domestic : bool
        Keep routes within one country.

    Returns
    -------
    dict
        ``top``, ``n_routes`` (size of the union), ``spearman`` (None when undefined: fewer than
        two routes or no variation), ``overlap``, ``overlap_share`` (``overlap / top``),
        ``jaccard``, ``shared``, ``only_online`` and ``only_offline`` (lists of
        ``"AA->BB"``, in rank order) and ``routes`` (one dict per route of the union with its
        weight and rank in each table).

    Examples
    --------
    >>> import pandas as pd
    >>> online = pd.DataFrame({"source": ["NL", "DE", "US", "NL"],
    ...                        "target": ["GB", "GB", "CA", "ZZ"], "count": [40, 30, 20, 99]})
    >>> offline = pd.DataFrame({"source": ["NL", "DE", "CO"],
    ...                         "target": ["GB", "GB", "ES"], "count": [12, 10, 8]})
    >>> result = compare_routes(online, offline, top=2)
    >>> result["shared"], result["overlap_share"], result["spearman"]
    (['NL->GB', 'DE->GB'], 1.0, 1.0)
    >>> wider = compare_routes(online, offline, top=3)  # US->CA only online, CO->ES offline
    >>> wider["n_routes"], wider["overlap"], round(wider["spearman"], 3)
    (4, 2, 0.8)
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InvalidValue(top, "a positive integer for top")
    on_w, on_top = _top(online, weight, top, include_regional, include_domestic)
    off_w, off_top = _top(offline, weight, top, include_regional, include_domestic)
    union = on_top + [r for r in off_top if r not in on_top]
    x = np.array([float(on_w.get(r, 0.0)) for r in union])
    y = np.array([float(off_w.get(r, 0.0)) for r in union])
    rx = _average_ranks(x) if len(union) else x
    ry = _average_ranks(y) if len(union) else y
    shared = [r for r in on_top if r in set(off_top)]
    label = "{}->{}".format
    return {
        "top": top,
        "n_routes": len(union),
        "spearman": _spearman(x, y),
        "overlap": len(shared),
        "overlap_share": len(shared) / top,
        "jaccard": len(shared) / len(union) if union else None,
        "shared": [label(*r) for r in shared],
        "only_online": [label(*r) for r in on_top if r not in set(off_top)],
        "only_offline": [label(*r) for r in off_top if r not in set(on_top)],
        "routes": [
            {
                "source": r[0],
                "target": r[1],
                "online": x[i],
                "offline": y[i],
                "online_rank": float(rx[i]),
                "offline_rank": float(ry[i]),
            }
            for i, r in enumerate(union)
        ],
    }
