"""Drug trafficking flows from seizures (offline) and darknet listings (online), side by side.

Everything starts from one **flow records** table, one row per seizure or per listing, built
by :func:`seizure_records` and :func:`listing_records` from plain frames or by
:func:`workspace_records` from a workspace's ``Seizure`` and ``Listing`` entities:

========================  ======================================================================
column                    meaning
========================  ======================================================================
``record``                the entity id (or row label) the row comes from
``source``                the dataset (``unodc_seizures``, ``agora``, ``hansa``...)
``kind``                  ``offline`` (seizures) or ``online`` (listings)
``drug``                  the common drug group (:mod:`~cybertnoc.domains.drugs.taxonomy`);
                          None when not a drug or unmapped
``substance``             the drug name or category path as the source gives it
``period``                the year (``"2016"``), or ``"2011-2015"`` for a record spanning years
``date``                  the ISO date where known (``"2014-01-09"``), else the period
``origins``               list of origin codes (seizure origin; listing ships-from)
``destinations``          list of destination codes (seizure destination; listing ships-to)
``transit``               list of transit codes (seizures)
``country``               the seizing country (offline) or the first ships-from (online)
``kg``                    kilogram equivalent (offline; see :func:`kg_equivalent`)
``vendor``, ``value``,    the listing's vendor and price in its own ``currency`` (online)
``currency``
``origin_text``           the ships-from as the vendor typed it, where the source kept it
========================  ======================================================================

Places are ISO 3166 alpha-2 codes or cybertnoc's region codes (``ZZ`` worldwide, ``EU``, ``XE``
Europe...; :mod:`cybertnoc.domains.drugs.routes`). Free text ("USA", "Holland", "Torland") is
cleaned with :func:`cybertnoc.model.types.clean_country_list`; what cannot be read becomes
``XX`` (unknown) and is **reported, not dropped**: an unknown origin is a row ``XX`` in
:func:`totals` and a share in ``attrs`` of :func:`routes`.

The analyses: :func:`routes` (top routes), :func:`totals` (kg, listings and vendors by country,
drug and year), :func:`od_matrix`, :func:`country_roles` (source, transit, destination from the
flow balance), :func:`compare_views` (online vs offline), :func:`route_growth` (growth and
emerging routes) and :func:`vendor_concentration` (Gini, top-k share).

Seizures measure enforcement, listings measure what vendors offer: neither is the size of the
trade, and a comparison of the two is descriptive [1]_ [3]_.

References
----------
.. [1] UNODC (2018). World Drug Report 2018. United Nations, Sales No. E.18.XI.9.
.. [2] Gini, C. (1912). Variabilità e mutabilità. Tipografia di Paolo Cuppini, Bologna.
.. [3] Dittus, M., Wright, J. & Graham, M. (2018). Platform criminalism: the 'last-mile'
   geography of the darknet market supply chain. Proceedings of WWW '18, 277-286.
.. [4] Spearman, C. (1904). The proof and measurement of association between two things.
   American Journal of Psychology 15(1), 72-101.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cybertnoc.domains.drugs.routes import REGION_CODES, UNKNOWN_CODE, _spearman, compare_routes
from cybertnoc.domains.drugs.taxonomy import DRUG_GROUPS, classify_listings, classify_seizures
from cybertnoc.errors import InvalidValue
from cybertnoc.model.types import clean_country_list

__all__ = [
    "KINDS",
    "RECORD_COLUMNS",
    "UNIT_KG",
    "compare_views",
    "country_roles",
    "filter_records",
    "kg_equivalent",
    "listing_records",
    "od_matrix",
    "route_growth",
    "routes",
    "seizure_records",
    "totals",
    "vendor_concentration",
    "workspace_records",
]

logger = logging.getLogger(__name__)

KINDS = ("offline", "online")
RECORD_COLUMNS = (
    "record", "source", "kind", "drug", "substance", "period", "date", "origins", "destinations",
    "transit", "country", "kg", "vendor", "value", "currency", "origin_text",
)  # fmt: skip

#: Kilograms per unit of quantity. Litres count as 1 kg and units (tablets, blotters, doses)
#: as 0.1 g each, UNODC's lowest assumed bulk tablet weight (90-300 mg for ATS tablets; UNODC,
#: World Drug Report methodology). Pass ``unit_kg=`` to use other factors.
UNIT_KG: dict[str, float] = {
    "kg": 1.0, "kilogram": 1.0, "kilograms": 1.0, "kilo": 1.0, "kilos": 1.0,
    "g": 1e-3, "gram": 1e-3, "grams": 1e-3, "gr": 1e-3,
    "mg": 1e-6, "t": 1000.0, "ton": 1000.0, "tons": 1000.0, "tonne": 1000.0, "tonnes": 1000.0,
    "l": 1.0, "litre": 1.0, "litres": 1.0, "liter": 1.0, "liters": 1.0, "ml": 1e-3,
    "u": 1e-4, "unit": 1e-4, "units": 1e-4, "tablet": 1e-4, "tablets": 1e-4, "pills": 1e-4,
    "pill": 1e-4, "blotter": 1e-4, "blotters": 1e-4, "doses": 1e-4, "dose": 1e-4,
}  # fmt: skip

_WEIGHTS = ("seizures", "kg", "listings", "vendors", "value")


# ------------------------------------------------------------------------------ building


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _places(value: Any, unreadable: list[str]) -> list[str]:
    """A cell as a list of place codes; free text cleaned; unreadable text becomes XX."""
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = [v for v in value if not _missing(v)]
    elif _missing(value):
        return []
    else:
        items = [value]
    out: list[str] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if len(text) == 2 and text.isalpha():
            out.append(text.upper())
            continue
        try:
            codes = clean_country_list(text)
        except InvalidValue:
            unreadable.append(text)
            codes = [UNKNOWN_CODE]
        out.extend(codes)
    return list(dict.fromkeys(out))


def _period(date: Any, start: Any = None, end: Any = None) -> tuple[str | None, str | None]:
    """(period, date): the year of ``date``, else ``start``-``end`` years."""
    if not _missing(date) and str(date).strip():
        text = str(date).strip()
        return text[:4], text[:10]
    a = str(start).strip()[:4] if not _missing(start) and str(start).strip() else None
    b = str(end).strip()[:4] if not _missing(end) and str(end).strip() else None
    if a and b and a != b:
        return f"{a}-{b}", f"{a}-{b}"
    year = a or b
    return year, year


def kg_equivalent(
    quantity: Any, unit: Any, unit_kg: Mapping[str, float] | None = None
) -> pd.Series:
    """Quantities in kilogram equivalents.

    Parameters
    ----------
    quantity : array-like
        Quantities as numbers or numeric strings; anything else ("n/k") gives NaN.
    unit : array-like or str
        Units per quantity (case and spaces ignored), or one unit for all. A missing unit with
        a quantity reads as kg when the caller passes ``unit="kg"``, else gives NaN.
    unit_kg : mapping, optional
        Kilograms per unit; default :data:`UNIT_KG`.

    Returns
    -------
    pandas.Series
        Float kilograms; ``attrs["unknown_units"]`` counts the units not in ``unit_kg``.

    Examples
    --------
    >>> kg_equivalent(["1.5", "250", "1000", "n/k"], ["kg", "g", "tablets", "kg"]).tolist()
    [1.5, 0.25, 0.1, nan]
    """
    factors = {k.lower(): float(v) for k, v in (unit_kg or UNIT_KG).items()}
    q = pd.to_numeric(pd.Series(list(quantity) if not np.isscalar(quantity) else [quantity]),
                      errors="coerce")  # fmt: skip
    units = (
        pd.Series([unit] * len(q))
        if isinstance(unit, str) or unit is None
        else pd.Series(list(unit))
    )
    keys = units.map(lambda u: "" if _missing(u) else str(u).strip().lower())
    f = keys.map(lambda k: factors.get(k, np.nan)).astype(float)
    unknown = keys[(f.isna()) & q.notna()]
    out = (q * f).astype(float)
    out.attrs["unknown_units"] = {
        (k or "(none)"): int(n) for k, n in unknown.value_counts().sort_index().items()
    }
    return out


def _column(frame: pd.DataFrame, name: str | None) -> pd.Series:
    if name is not None and name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidValue(
            ", ".join(missing),
            f"column(s) of the {what} (found: {', '.join(map(str, frame.columns))})",
            "Rename the columns or pass their names as keyword arguments.",
        )


def seizure_records(
    seizures: pd.DataFrame,
    *,
    source: str = "seizures",
    drug: str = "drug",
    drug_group: str | None = "drugGroup",
    quantity: str | None = "quantity",
    unit: str | None = "unit",
    kg: str | None = None,
    date: str | None = "date",
    start: str | None = "startDate",
    end: str | None = "endDate",
    country: str | None = "country",
    origin: str | None = "origin",
    transit: str | None = "transit",
    destination: str | None = "destination",
    record: str | None = "id",
    dataset: str | None = "dataset",
    unit_kg: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Flow records of seizures (one per row of ``seizures``).

    Parameters
    ----------
    seizures : pandas.DataFrame
        One row per seizure; columns named by the keyword arguments (absent optional columns
        are treated as empty). Places may be codes or free text.
    source : str
        The source name when there is no ``dataset`` column.
    kg : str, optional
        A column already in kilogram equivalents (e.g. UNODC's ``KgEquivalent``); else
        ``quantity`` and ``unit`` are converted with :func:`kg_equivalent`.
    unit_kg : mapping, optional
        Kilograms per unit, see :data:`UNIT_KG`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`RECORD_COLUMNS`. ``attrs`` holds ``unmapped_drugs``,
        ``unknown_units`` and ``unreadable_places`` (counts by value).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Cocaine", "Coca leaf"], "quantity": ["2", "500"],
    ...                     "unit": ["kg", "g"], "origin": ["Colombia", "Peru"],
    ...                     "destination": ["Holland", None], "date": ["2016-03-01", "2016"]})
    >>> rec = seizure_records(raw)
    >>> rec[["drug", "origins", "destinations", "kg", "period"]].to_dict("records")
    [{'drug': 'cocaine', 'origins': ['CO'], 'destinations': ['NL'], 'kg': 2.0, 'period': '2016'}, \
{'drug': 'plants', 'origins': ['PE'], 'destinations': [], 'kg': 0.5, 'period': '2016'}]
    """
    _require(seizures, [drug], "seizures table")
    frame = seizures.reset_index(drop=True)
    groups = classify_seizures(frame, drug=drug, drug_group=drug_group)
    if kg is not None:
        _require(frame, [kg], "seizures table")
        kilos = pd.to_numeric(frame[kg], errors="coerce").astype(float)
        unknown_units: dict[str, int] = {}
    else:
        kilos = kg_equivalent(_column(frame, quantity), _column(frame, unit).tolist(), unit_kg)
        unknown_units = kilos.attrs["unknown_units"]
    unreadable: list[str] = []
    periods = [
        _period(d, s, e)
        for d, s, e in zip(
            _column(frame, date), _column(frame, start), _column(frame, end), strict=True
        )
    ]
    countries = [_places(v, unreadable) for v in _column(frame, country)]
    out = pd.DataFrame(
        {
            "record": _column(frame, record).where(
                _column(frame, record).notna(), pd.Series(frame.index.astype(str))
            ),
            "source": _column(frame, dataset).fillna(source),
            "kind": "offline",
            "drug": groups.to_numpy(),
            "substance": frame[drug].astype(object).to_numpy(),
            "period": [p for p, _ in periods],
            "date": [d for _, d in periods],
            "origins": [_places(v, unreadable) for v in _column(frame, origin)],
            "destinations": [_places(v, unreadable) for v in _column(frame, destination)],
            "transit": [_places(v, unreadable) for v in _column(frame, transit)],
            "country": [c[0] if c else None for c in countries],
            "kg": kilos.to_numpy(),
            "vendor": None,
            "value": np.nan,
            "currency": None,
            "origin_text": None,
        }
    )
    out.attrs = {
        "unmapped_drugs": groups.attrs["unmapped"],
        "unknown_units": unknown_units,
        "unreadable_places": _counts(unreadable),
    }
    return out


def _counts(values: Iterable[str]) -> dict[str, int]:
    s = pd.Series(list(values), dtype=object)
    return {str(k): int(v) for k, v in s.value_counts().sort_index().items()}


def listing_records(
    listings: pd.DataFrame,
    *,
    source: str = "listings",
    ships_from: str = "ships_from",
    ships_to: str = "ships_to",
    date: str | None = "observed",
    vendor: str | None = "vendor",
    amount: str | None = "amount",
    currency: str | None = "currency",
    record: str | None = "id",
    dataset: str | None = "dataset",
    origin_text: str | None = "origin_text",
    drugs_only: bool = True,
) -> pd.DataFrame:
    """Flow records of darknet listings (one per listing).

    A listing is a drug listing when its category path maps to a drug group
    (:func:`~cybertnoc.domains.drugs.taxonomy.classify_listings`: ``category``,
    ``subcategory``, ``keywords``). Ships-from and ships-to may be codes, free text or lists;
    several origins are kept (a listing counts once for each).

    Parameters
    ----------
    listings : pandas.DataFrame
        One row per listing.
    drugs_only : bool
        Keep only drug listings (the default). Unmapped categories are reported in
        ``attrs["unmapped_categories"]`` either way, and ``attrs["listings"]`` /
        ``attrs["drug_listings"]`` count the rows read and the drug listings.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`RECORD_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"category": ["Drugs", "Drugs", "Information"],
    ...                     "subcategory": ["Cannabis", "Stimulants/Cocaine", "Guides"],
    ...                     "ships_from": ["USA", "Torland", "UK"],
    ...                     "ships_to": ["Worldwide", "EU, North America", None],
    ...                     "vendor": ["a", "b", "c"], "amount": [10.0, 80.0, 5.0],
    ...                     "currency": "USD"})
    >>> rec = listing_records(raw)
    >>> rec[["drug", "origins", "destinations", "country"]].to_dict("records")
    [{'drug': 'cannabis', 'origins': ['US'], 'destinations': ['ZZ'], 'country': 'US'}, \
{'drug': 'cocaine', 'origins': ['XX'], 'destinations': ['EU', 'XN'], 'country': 'XX'}]
    >>> rec.attrs["drug_listings"], rec.attrs["listings"]
    (2, 3)
    """
    _require(listings, [ships_from, ships_to], "listings table")
    frame = listings.reset_index(drop=True)
    classes = classify_listings(frame)
    unreadable: list[str] = []
    periods = [_period(d) for d in _column(frame, date)]
    origins = [_places(v, unreadable) for v in frame[ships_from]]
    texts = _column(frame, origin_text)
    raw_from = frame[ships_from]
    out = pd.DataFrame(
        {
            "record": _column(frame, record).where(
                _column(frame, record).notna(), pd.Series(frame.index.astype(str))
            ),
            "source": _column(frame, dataset).fillna(source),
            "kind": "online",
            "drug": classes["drug_group"].to_numpy(),
            "substance": classes["path"].to_numpy(),
            "period": [p for p, _ in periods],
            "date": [d for _, d in periods],
            "origins": origins,
            "destinations": [_places(v, unreadable) for v in frame[ships_to]],
            "transit": [[] for _ in range(len(frame))],
            "country": [o[0] if o else None for o in origins],
            "kg": np.nan,
            "vendor": _column(frame, vendor).to_numpy(),
            "value": pd.to_numeric(_column(frame, amount), errors="coerce").to_numpy(),
            "currency": _column(frame, currency).to_numpy(),
            "origin_text": [
                t if not _missing(t) else (r if isinstance(r, str) else None)
                for t, r in zip(texts, raw_from, strict=True)
            ],
        }
    )
    is_drug = classes["is_drug"].fillna(False).astype(bool).to_numpy()
    attrs = {
        "listings": len(frame),
        "drug_listings": int(is_drug.sum()),
        "unmapped_categories": classes.attrs["unmapped"],
        "unreadable_places": _counts(unreadable),
    }
    if drugs_only:
        out = out[is_drug].reset_index(drop=True)
    out.attrs = attrs
    return out


_SEIZURES_SQL = """
    SELECT e.id AS id, e.dataset AS dataset,
           min(s.value) FILTER (WHERE s.prop = 'drug') AS drug,
           min(s.value) FILTER (WHERE s.prop = 'drugGroup') AS "drugGroup",
           sum(TRY_CAST(s.value AS DOUBLE)) FILTER (WHERE s.prop = 'quantity') AS quantity,
           min(s.value) FILTER (WHERE s.prop = 'unit') AS unit,
           min(s.value) FILTER (WHERE s.prop = 'date') AS date,
           min(s.value) FILTER (WHERE s.prop = 'startDate') AS "startDate",
           min(s.value) FILTER (WHERE s.prop = 'endDate') AS "endDate",
           min(s.value) FILTER (WHERE s.prop = 'country') AS country,
           min(s.value) FILTER (WHERE s.prop = 'origin') AS origin,
           list(s.value ORDER BY s.value) FILTER (WHERE s.prop = 'transit') AS transit,
           min(s.value) FILTER (WHERE s.prop = 'destination') AS destination
    FROM entities e JOIN statements s ON s.entity_id = e.id
    WHERE e.schema = 'Seizure'
    GROUP BY e.id, e.dataset
    ORDER BY e.dataset, e.id
"""

_LISTINGS_SQL = """
    SELECT e.id AS id, e.dataset AS dataset,
           min(s.value) FILTER (WHERE s.prop = 'category') AS category,
           min(s.value) FILTER (WHERE s.prop = 'subcategory') AS subcategory,
           min(s.value) FILTER (WHERE s.prop = 'keywords') AS keywords,
           min(s.value) FILTER (WHERE s.prop = 'vendor') AS vendor,
           min(s.value) FILTER (WHERE s.prop = 'amount') AS amount,
           min(s.value) FILTER (WHERE s.prop = 'currency') AS currency,
           min(s.value) FILTER (WHERE s.prop = 'observedAt') AS observed,
           coalesce(list(s.value ORDER BY s.value) FILTER (WHERE s.prop = 'shipsFrom'), [])
               AS ships_from,
           coalesce(list(coalesce(s.original_value, s.value)) FILTER (WHERE s.prop = 'shipsFrom'),
                    []) AS from_text,
           coalesce(list(s.value ORDER BY s.value) FILTER (WHERE s.prop = 'shipsTo'), [])
               AS ships_to
    FROM entities e JOIN statements s ON s.entity_id = e.id
    WHERE e.schema = 'Listing'
    GROUP BY e.id, e.dataset
    ORDER BY e.dataset, e.id
"""


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | np.ndarray):
        return list(value)
    return []


def workspace_records(ws: Any, *, unit_kg: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Flow records of every ``Seizure`` and drug ``Listing`` in a workspace.

    Parameters
    ----------
    ws : cybertnoc.store.Workspace
    unit_kg : mapping, optional
        Kilograms per unit (see :data:`UNIT_KG`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`RECORD_COLUMNS`; ``attrs`` merges those of
        :func:`seizure_records` and :func:`listing_records`.
    """
    seizures = ws.con.execute(_SEIZURES_SQL).df()
    listings = ws.con.execute(_LISTINGS_SQL).df()
    for col in ("ships_from", "ships_to", "from_text"):
        listings[col] = listings[col].map(_as_list)
    seizures["transit"] = seizures["transit"].map(_as_list)
    listings["origin_text"] = listings["from_text"].map(lambda v: "; ".join(v) if v else None)
    offline = seizure_records(seizures, source="seizures", unit_kg=unit_kg)
    online = listing_records(listings, source="listings")
    parts = [p for p in (offline, online) if len(p)]
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: [] for c in RECORD_COLUMNS}, dtype=object)
    )
    out.attrs = {**offline.attrs, **online.attrs}
    return out


# ------------------------------------------------------------------------------ selecting


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$|^(\d{4})\s*(?:-|:|\.\.)\s*(\d{4})$")


def _period_filter(period: str) -> tuple[str, str, str | None]:
    """(first year, last year, month or None) of a period filter."""
    m = _PERIOD.match(str(period).strip())
    if not m:
        raise InvalidValue(
            period,
            "a period: a year (2016), a month (2014-01) or a range of years (2012-2016)",
        )
    if m.group(1):
        return m.group(1), m.group(1), m.group(2)
    a, b = sorted((m.group(3), m.group(4)))
    return a, b, None


def _record_years(period: Any) -> tuple[str, str] | None:
    if _missing(period):
        return None
    text = str(period)
    if len(text) == 9 and text[4] == "-":
        return text[:4], text[5:]
    return text[:4], text[:4]


def filter_records(
    records: pd.DataFrame,
    *,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    period: str | None = None,
) -> pd.DataFrame:
    """The records of some sources, drugs and a period.

    Parameters
    ----------
    records : pandas.DataFrame
        Flow records.
    source : str or list of str, optional
        Dataset names, or ``online`` / ``offline`` for all of a kind; a string may list
        several, separated by commas.
    drug : str or list of str, optional
        Drug groups (``cocaine``) or substances as the source names them (``Heroin``,
        ``Drugs/Cannabis/Weed``), case ignored; comma-separated in a string.
    period : str, optional
        A year (``2016``), a month (``2014-01``) or a range of years (``2012-2016``). A record
        spanning years (``2011-2015``) is kept only by a range that contains it.

    Raises
    ------
    InvalidValue
        An unknown source or drug, or a malformed period; the message lists what there is.
    """
    keep = pd.Series(True, index=records.index)
    if source is not None:
        wanted = _listify(source)
        known = set(records["source"].dropna()) | set(KINDS)
        bad = [s for s in wanted if s not in known]
        if bad:
            raise InvalidValue(
                ", ".join(bad),
                f"a source of these records: {', '.join(sorted(known))}",
                "Use a dataset name as `cybertnoc sources` lists them, or online / offline.",
            )
        keep &= records["source"].isin(wanted) | records["kind"].isin(wanted)
    if drug is not None:
        wanted = [d.lower() for d in _listify(drug)]
        groups = records["drug"].fillna("").str.lower()
        names = records["substance"].fillna("").astype(str).str.lower()
        known = set(DRUG_GROUPS) | set(names)
        bad = [d for d in wanted if d not in known]
        if bad:
            raise InvalidValue(
                ", ".join(bad),
                f"a drug group ({', '.join(DRUG_GROUPS)}) or a drug name of the records",
                "See docs/flows.md for the taxonomy.",
            )
        keep &= groups.isin(wanted) | names.isin(wanted)
    if period is not None:
        first, last, month = _period_filter(period)
        years = records["period"].map(_record_years)
        inside = years.map(lambda y: y is not None and first <= y[0] and y[1] <= last)
        if month is not None:
            prefix = f"{first}-{month}"
            inside &= records["date"].fillna("").astype(str).str.startswith(prefix)
        keep &= inside
    return records[keep]


def _listify(value: str | Sequence[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(i).strip() for i in items if str(i).strip()]


# ------------------------------------------------------------------------------ value


def _common_value(
    records: pd.DataFrame,
    currency: str,
    rates: Mapping[str, float] | None,
    max_price: float | None,
) -> tuple[pd.Series, dict[str, int]]:
    """Listing prices in ``currency``; NaN where there is no price or rate, or a placeholder."""
    factors = {currency.upper(): 1.0}
    for k, v in (rates or {}).items():
        factors[str(k).upper()] = float(v)
    cur = records["currency"].map(lambda c: "" if _missing(c) else str(c).upper())
    f = cur.map(lambda c: factors.get(c, np.nan)).astype(float)
    value = pd.to_numeric(records["value"], errors="coerce").astype(float) * f
    online = records["kind"] == "online"
    no_rate = online & records["value"].notna() & f.isna()
    placeholder = (
        online & (value > max_price) if max_price is not None else pd.Series(False, records.index)
    )
    value = value.mask(placeholder)
    report = {
        "no_price": int((online & records["value"].isna()).sum()),
        "no_rate": int(no_rate.sum()),
        "placeholder_prices": int(placeholder.sum()),
    }
    return value.where(online), report


# ------------------------------------------------------------------------------ routes


def _pairs(records: pd.DataFrame) -> pd.DataFrame:
    """One row per record x origin x destination (ends missing as XX)."""
    rows = []
    for i, (o, d) in enumerate(
        zip(records["origins"].tolist(), records["destinations"].tolist(), strict=True)
    ):
        for a in o or [UNKNOWN_CODE]:
            for b in d or [UNKNOWN_CODE]:
                rows.append((i, a, b))
    pairs = pd.DataFrame(rows, columns=["row", "origin", "destination"])
    base = records.reset_index(drop=True)
    return pairs.join(base.drop(columns=["origins", "destinations"]), on="row")


def _aggregate(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """seizures, kg, listings, vendors and value per group of ``keys``."""
    offline = frame["kind"] == "offline"
    online = ~offline
    work = frame.assign(
        _seizure=np.where(offline, frame["record"], None),
        _listing=np.where(online, frame["record"], None),
        _vendor=np.where(online, frame["vendor"], None),
        _kg=frame["kg"].where(offline),
    )
    grouped = work.groupby(keys, dropna=False, sort=False)
    out = grouped.agg(
        seizures=("_seizure", "nunique"),
        kg=("_kg", lambda q: q.sum(min_count=1)),
        listings=("_listing", "nunique"),
        vendors=("_vendor", "nunique"),
        value=("_value", lambda q: q.sum(min_count=1)),
    ).reset_index()
    for col in ("seizures", "listings", "vendors"):
        out[col] = out[col].astype(np.int64)
    return out


def _fields(table: pd.DataFrame, kinds: set[str], has_value: bool) -> list[str]:
    fields = []
    if "offline" in kinds:
        fields += ["seizures", "kg"]
    if "online" in kinds:
        fields += ["listings", "vendors"]
        if has_value:
            fields += ["value", "currency"]
    return fields


def _default_weight(kinds: set[str]) -> str:
    return "seizures" if "offline" in kinds else "listings"


def _check_weight(weight: str) -> None:
    if weight not in _WEIGHTS:
        raise InvalidValue(weight, f"one of {', '.join(_WEIGHTS)} for the weight")


def routes(
    records: pd.DataFrame,
    *,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    period: str | None = None,
    weight: str | None = None,
    top: int | None = None,
    by_drug: bool = True,
    include_regional: bool = True,
    include_domestic: bool = True,
    currency: str = "USD",
    rates: Mapping[str, float] | None = None,
    max_price: float | None = None,
) -> pd.DataFrame:
    """Origin → destination routes, per drug, with their seizures, kg, listings and vendors.

    A seizure gives the route from its origin to its destination (transit countries are not
    legs here; see :func:`country_roles` and, for legs, :func:`seizure_routes`). A listing
    gives one route per ships-from x ships-to pair; it counts once on each. A record with an
    unknown or missing end gives no route and is counted in ``attrs``.

    Parameters
    ----------
    records : pandas.DataFrame
        Flow records.
    source, drug, period
        See :func:`filter_records`.
    weight : {"seizures", "kg", "listings", "vendors", "value"}, optional
        What to rank by; default ``seizures`` when there are seizures, else ``listings``. Ties
        are broken by the other counts, then by the codes.
    top : int, optional
        Keep the first ``top`` routes.
    by_drug : bool
        One route per drug group (default), else summed over drugs (``drug`` is then ``*``).
    include_regional, include_domestic : bool
        Keep routes with a region end (``ZZ`` worldwide, ``EU``...) and routes within one
        country.
    currency, rates, max_price
        ``value`` is the sum of listing prices in ``currency``; ``rates`` gives the value of
        one unit of other currencies in it (``{"BTC": 850.0}``); prices above ``max_price``
        are taken as placeholders and left out. A price without a rate is left out and counted.

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``destination``, ``drug``, then the fields that apply: ``seizures``,
        ``kg`` (offline), ``listings``, ``vendors``, ``value``, ``currency`` (online).
        ``attrs`` holds ``records``, ``unknown_origin`` and ``unknown_destination`` (records
        with that end unknown) and their shares, ``value`` (price problems), ``weight``.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Cocaine"] * 3, "quantity": [10, 5, 1], "unit": "kg",
    ...                     "origin": ["CO", "CO", None], "destination": ["ES", "ES", "NL"]})
    >>> table = routes(seizure_records(raw))
    >>> table.to_dict("records")
    [{'origin': 'CO', 'destination': 'ES', 'drug': 'cocaine', 'seizures': 2, 'kg': 15.0}]
    >>> table.attrs["unknown_origin"], table.attrs["unknown_origin_share"]
    (1, 0.3333333333333333)
    """
    chosen = filter_records(records, source=source, drug=drug, period=period)
    chosen = chosen[chosen["drug"].notna()]
    kinds = set(chosen["kind"])
    weight = weight or _default_weight(kinds)
    _check_weight(weight)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise InvalidValue(top, "a positive integer for top")
    value, value_report = _common_value(chosen, currency, rates, max_price)
    chosen = chosen.assign(_value=value)
    n = int(chosen["record"].nunique()) if len(chosen) else 0

    def unknown(col: str) -> int:
        return int(chosen[col].map(lambda v: not v or all(c == UNKNOWN_CODE for c in v)).sum())

    u_origin, u_dest = unknown("origins"), unknown("destinations")
    pairs = _pairs(chosen) if len(chosen) else pd.DataFrame()
    if len(pairs):
        pairs = pairs[(pairs["origin"] != UNKNOWN_CODE) & (pairs["destination"] != UNKNOWN_CODE)]
        if not include_regional:
            regional = pairs["origin"].isin(REGION_CODES) | pairs["destination"].isin(REGION_CODES)
            pairs = pairs[~regional]
        if not include_domestic:
            pairs = pairs[pairs["origin"] != pairs["destination"]]
    if not by_drug and len(pairs):
        pairs = pairs.assign(drug="*")
    has_value = bool(chosen["_value"].notna().any()) if len(chosen) else False
    fields = _fields(chosen, kinds, has_value)
    if len(pairs):
        table = _aggregate(pairs, ["origin", "destination", "drug"])
        table["currency"] = currency.upper()
        others = [w for w in _WEIGHTS if w != weight]
        table = table.sort_values(
            [weight, *others, "origin", "destination", "drug"],
            ascending=[False] * len(_WEIGHTS) + [True, True, True],
            na_position="last",
            kind="stable",
        )
        if top is not None:
            table = table.head(top)
        table = table[["origin", "destination", "drug", *fields]].reset_index(drop=True)
    else:
        table = pd.DataFrame(columns=["origin", "destination", "drug", *fields])
    table.attrs = {
        "records": n,
        "weight": weight,
        "unknown_origin": u_origin,
        "unknown_origin_share": u_origin / n if n else None,
        "unknown_destination": u_dest,
        "unknown_destination_share": u_dest / n if n else None,
        "value": value_report if "online" in kinds else {},
    }
    return table


# ------------------------------------------------------------------------------ totals


_BY = {"country", "drug", "year", "source", "kind", "origin", "destination", "period"}


def _parse_by(by: str | Sequence[str]) -> list[str]:
    keys = _listify(by)
    bad = [k for k in keys if k not in _BY]
    if not keys or bad:
        raise InvalidValue(
            ", ".join(bad) or by,
            f"grouping fields among {', '.join(sorted(_BY))}",
            "Separate several with commas, e.g. --by country,year.",
        )
    return list(dict.fromkeys("period" if k == "year" else k for k in keys))


def totals(
    records: pd.DataFrame,
    by: str | Sequence[str] = "country",
    *,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    period: str | None = None,
    currency: str = "USD",
    rates: Mapping[str, float] | None = None,
    max_price: float | None = None,
) -> pd.DataFrame:
    """kg seized, seizures, listings and vendors by country, drug, year (or source, kind).

    ``country`` is the seizing country of a seizure and the ships-from of a listing (a listing
    naming several origins counts once for each); ``XX`` collects records whose country is
    unknown or not stated, so that the unknown share stays in the table. ``origin`` and
    ``destination`` group by route ends instead. ``year`` is the record's period.

    Returns
    -------
    pandas.DataFrame
        The grouping fields (``year`` for the period), then ``kg``, ``seizures``,
        ``listings``, ``vendors`` and ``value`` (in ``currency``, where prices convert), sorted
        by the grouping fields. ``attrs["records"]`` counts the records selected.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Heroin", "Heroin", "Opium"], "quantity": [2.0, 3.0, 7.0],
    ...                     "unit": "kg", "country": ["PK", "PK", "IR"], "date": "2016"})
    >>> totals(seizure_records(raw), "country,drug")[["country", "drug", "kg"]].to_dict("records")
    [{'country': 'IR', 'drug': 'opioids', 'kg': 7.0}, \
{'country': 'PK', 'drug': 'opioids', 'kg': 5.0}]
    """
    keys = _parse_by(by)
    chosen = filter_records(records, source=source, drug=drug, period=period)
    chosen = chosen[chosen["drug"].notna()]
    value, _ = _common_value(chosen, currency, rates, max_price)
    chosen = chosen.assign(_value=value)
    if "country" in keys:
        # online: every ships-from; offline: the seizing country
        places = [
            (o or [UNKNOWN_CODE]) if k == "online" else [c if not _missing(c) else UNKNOWN_CODE]
            for k, o, c in zip(chosen["kind"], chosen["origins"], chosen["country"], strict=True)
        ]
        chosen = chosen.assign(_place=places).explode("_place")
        chosen["country"] = chosen["_place"]
    for end, col in (("origin", "origins"), ("destination", "destinations")):
        if end in keys:
            chosen = chosen.assign(**{end: chosen[col].map(lambda v: v or [UNKNOWN_CODE])}).explode(
                end
            )
    if not len(chosen):
        cols = [("year" if k == "period" else k) for k in keys]
        return pd.DataFrame(columns=[*cols, "kg", "seizures", "listings", "vendors", "value"])
    table = _aggregate(chosen, keys).sort_values(keys, na_position="last", kind="stable")
    table = table[[*keys, "kg", "seizures", "listings", "vendors", "value"]]
    table = table.rename(columns={"period": "year"}).reset_index(drop=True)
    table.attrs = {"records": int(filter_records(records, source=source).shape[0])}
    return table


# ------------------------------------------------------------------------------ matrices


def od_matrix(
    records: pd.DataFrame,
    *,
    weight: str | None = None,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    period: str | None = None,
    include_regional: bool = True,
) -> pd.DataFrame:
    """The origin x destination matrix of one weight (rows origins, columns destinations).

    Summed over the drugs selected; 0 where there is no route. See :func:`routes`.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Cocaine"] * 3, "quantity": [10, 5, 1], "unit": "kg",
    ...                     "origin": ["CO", "CO", "PE"], "destination": ["ES", "NL", "ES"]})
    >>> od_matrix(seizure_records(raw), weight="kg").to_dict()
    {'ES': {'CO': 10.0, 'PE': 1.0}, 'NL': {'CO': 5.0, 'PE': 0.0}}
    """
    table = routes(
        records,
        source=source,
        drug=drug,
        period=period,
        weight=weight,
        by_drug=False,
        include_regional=include_regional,
    )
    w = table.attrs["weight"]
    if table.empty:
        return pd.DataFrame()
    matrix = table.pivot_table(
        index="origin", columns="destination", values=w, aggfunc="sum", fill_value=0
    )
    matrix.index.name, matrix.columns.name = "origin", "destination"
    return matrix.astype(float)


# ------------------------------------------------------------------------------ roles


def country_roles(
    records: pd.DataFrame,
    *,
    weight: str | None = None,
    threshold: float = 1 / 3,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    period: str | None = None,
) -> pd.DataFrame:
    """Each country's role in the flows: source, transit or destination, from its balance.

    For every country, ``outflow`` sums the weight of the routes leaving it, ``inflow`` of
    those reaching it (domestic routes and region ends left out), ``transit`` counts the
    seizures that name it as a transit country. The balance is
    ``(outflow - inflow) / (outflow + inflow)`` in [-1, 1]: a country is a **source** when
    the balance is above ``threshold``, a **destination** below ``-threshold``, and
    **transit** when it is in between with flows both ways or when it is named as a transit
    more often than as an end. This is the flow-balance reading of the UNODC route
    descriptions [1]_; it describes the records, and a country's role depends on which
    countries report.

    Returns
    -------
    pandas.DataFrame
        ``country``, ``outflow``, ``inflow``, ``transit``, ``balance``, ``role``, sorted by
        total flow (descending).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Cocaine"] * 4, "quantity": 1, "unit": "kg",
    ...     "origin": ["CO", "CO", "PA", "CO"], "transit": [None, "PA", None, "PA"],
    ...     "destination": ["ES", "ES", "US", "NL"]})
    >>> roles = country_roles(seizure_records(raw))
    >>> dict(zip(roles["country"], roles["role"]))
    {'CO': 'source', 'PA': 'transit', 'ES': 'destination', 'NL': 'destination', 'US': 'destination'}
    """
    if not 0 <= threshold < 1:
        raise InvalidValue(threshold, "a threshold in [0, 1)")
    table = routes(
        records,
        source=source,
        drug=drug,
        period=period,
        weight=weight,
        by_drug=False,
        include_regional=False,
        include_domestic=False,
    )
    w = table.attrs["weight"]
    flows = table[["origin", "destination", w]].fillna({w: 0.0}) if len(table) else None
    out_w = flows.groupby("origin")[w].sum() if flows is not None else pd.Series(dtype=float)
    in_w = flows.groupby("destination")[w].sum() if flows is not None else pd.Series(dtype=float)
    chosen = filter_records(records, source=source, drug=drug, period=period)
    chosen = chosen[chosen["drug"].notna()]
    transit = pd.Series(
        [c for t in chosen["transit"] for c in t if c not in REGION_CODES and c != UNKNOWN_CODE],
        dtype=object,
    ).value_counts()
    countries = sorted(set(out_w.index) | set(in_w.index) | set(transit.index))
    rows = []
    for c in countries:
        o, i, t = float(out_w.get(c, 0.0)), float(in_w.get(c, 0.0)), int(transit.get(c, 0))
        ends = (
            chosen["origins"].map(lambda v, c=c: c in v).sum()
            + chosen["destinations"].map(lambda v, c=c: c in v).sum()
        )
        balance = (o - i) / (o + i) if o + i > 0 else 0.0
        if t > ends:
            role = "transit"
        elif balance > threshold:
            role = "source"
        elif balance < -threshold:
            role = "destination"
        elif o > 0 and i > 0:
            role = "transit"
        else:
            role = "transit" if t else "destination"
        rows.append((c, o, i, t, balance, role))
    frame = pd.DataFrame(
        rows, columns=["country", "outflow", "inflow", "transit", "balance", "role"]
    )
    total = frame["outflow"] + frame["inflow"] + frame["transit"]
    order = np.lexsort((frame["country"].to_numpy(), -total.to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


# ------------------------------------------------------------------------------ comparison


def compare_views(
    records: pd.DataFrame,
    *,
    drug: str | Sequence[str] | None = None,
    period: str | None = None,
    offline_weight: str = "kg",
    top: int = 10,
) -> dict[str, Any]:
    """Online vs offline: which countries and routes each view shows, and how they rank.

    Countries: offline by ``offline_weight`` (``kg`` seized or ``seizures``) in the seizing
    country, online by drug listings shipped from the country. Spearman's rank correlation
    [4]_ is computed over the countries present in both views (ties get average ranks);
    ``only_online`` and ``only_offline`` list the countries one view has and the other lacks,
    heaviest first. Routes: :func:`~cybertnoc.domains.drugs.compare_routes` on the top
    ``top`` international routes (seizures against listings), where both views have routes.

    Returns
    -------
    dict
        ``countries`` (one dict per country: ``country``, ``offline``, ``online``),
        ``spearman`` (None when fewer than two shared countries), ``shared``,
        ``only_online``, ``only_offline`` and ``routes`` (the route comparison, or None).
    """
    if offline_weight not in ("kg", "seizures"):
        raise InvalidValue(offline_weight, "kg or seizures for offline_weight")
    by = totals(records, "country,kind", drug=drug, period=period)
    by = by[~by["country"].isin([UNKNOWN_CODE, *REGION_CODES])]
    off = by[by["kind"] == "offline"].set_index("country")[offline_weight].fillna(0.0)
    on = by[by["kind"] == "online"].set_index("country")["listings"].astype(float)
    off, on = off[off > 0], on[on > 0]
    shared = sorted(set(off.index) & set(on.index))
    rho = _spearman(
        np.array([off[c] for c in shared], dtype=float),
        np.array([on[c] for c in shared], dtype=float),
    )
    countries = sorted(set(off.index) | set(on.index))
    route_cmp = None
    kwargs: dict[str, Any] = {"drug": drug, "period": period, "by_drug": False}
    r_off = routes(records, source="offline", weight="seizures", **kwargs)
    r_on = routes(records, source="online", weight="listings", **kwargs)
    if len(r_off) and len(r_on):
        rename = {"origin": "source", "destination": "target"}
        route_cmp = compare_routes(
            r_on.rename(columns={**rename, "listings": "count"}),
            r_off.rename(columns={**rename, "seizures": "count"}),
            top=top,
        )
    return {
        "countries": [
            {"country": c, "offline": float(off.get(c, 0.0)), "online": float(on.get(c, 0.0))}
            for c in countries
        ],
        "offline_weight": offline_weight,
        "spearman": rho,
        "shared": shared,
        "only_online": sorted(set(on.index) - set(off.index), key=lambda c: (-on[c], c)),
        "only_offline": sorted(set(off.index) - set(on.index), key=lambda c: (-off[c], c)),
        "routes": route_cmp,
    }


# ------------------------------------------------------------------------------ growth


def route_growth(
    records: pd.DataFrame,
    before: str,
    after: str,
    *,
    weight: str | None = None,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    min_weight: float = 1.0,
    by_drug: bool = True,
) -> pd.DataFrame:
    """How routes grew between two periods, and which ones are new.

    Parameters
    ----------
    before, after : str
        Periods as :func:`filter_records` reads them (``2023``, ``2012-2014``).
    weight : str, optional
        See :func:`routes`.
    min_weight : float
        An **emerging** route has no weight before and at least ``min_weight`` after.

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``destination``, ``drug``, ``before``, ``after``, ``change``
        (``after - before``), ``growth`` (``change / before``; NaN when ``before`` is 0),
        ``emerging``; sorted by ``change`` (descending), then codes.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Cocaine"] * 4, "quantity": 1, "unit": "kg",
    ...     "origin": ["CO", "CO", "CO", "EC"], "destination": ["ES", "ES", "ES", "NL"],
    ...     "date": ["2015", "2016", "2016", "2016"]})
    >>> g = route_growth(seizure_records(raw), "2015", "2016")
    >>> g[["origin", "destination", "before", "after", "growth", "emerging"]].to_dict("records")
    [{'origin': 'CO', 'destination': 'ES', 'before': 1.0, 'after': 2.0, 'growth': 1.0, \
'emerging': False}, {'origin': 'EC', 'destination': 'NL', 'before': 0.0, 'after': 1.0, \
'growth': nan, 'emerging': True}]
    """
    kwargs: dict[str, Any] = {"source": source, "drug": drug, "by_drug": by_drug}
    a = routes(records, period=before, weight=weight, **kwargs)
    w = weight or a.attrs["weight"]
    b = routes(records, period=after, weight=w, **kwargs)
    keys = ["origin", "destination", "drug"]
    left = (
        a[[*keys, w]].rename(columns={w: "before"})
        if len(a)
        else pd.DataFrame(columns=[*keys, "before"])
    )
    right = (
        b[[*keys, w]].rename(columns={w: "after"})
        if len(b)
        else pd.DataFrame(columns=[*keys, "after"])
    )
    table = left.merge(right, on=keys, how="outer")
    table["before"] = pd.to_numeric(table["before"], errors="coerce").fillna(0.0).astype(float)
    table["after"] = pd.to_numeric(table["after"], errors="coerce").fillna(0.0).astype(float)
    table["change"] = table["after"] - table["before"]
    table["growth"] = np.where(
        table["before"] > 0, table["change"] / table["before"].where(table["before"] > 0), np.nan
    )
    table["emerging"] = (table["before"] == 0) & (table["after"] >= min_weight)
    table = table.sort_values(
        ["change", *keys], ascending=[False, True, True, True], kind="stable"
    ).reset_index(drop=True)
    table.attrs = {"weight": w, "before": before, "after": after}
    return table


# ------------------------------------------------------------------------------ vendors


def gini(values: Sequence[float] | np.ndarray) -> float:
    """The Gini coefficient of non-negative values (0 equal, towards 1 concentrated) [2]_.

    ``G = sum_i (2i - n - 1) x_(i) / (n sum x)`` over the values sorted ascending (i = 1..n).

    Examples
    --------
    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    """
    x = np.sort(np.asarray(values, dtype=float))
    if x.size == 0 or (x < 0).any():
        raise InvalidValue(list(values)[:5], "a non-empty sequence of non-negative values")
    total = x.sum()
    if total == 0:
        return 0.0
    n = x.size
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * x).sum() / (n * total))


def vendor_concentration(
    records: pd.DataFrame,
    *,
    by: str | Sequence[str] = "source",
    k: int = 10,
    drug: str | Sequence[str] | None = None,
    period: str | None = None,
) -> pd.DataFrame:
    """How concentrated drug listings are among vendors: Gini and the top-k vendors' share.

    Parameters
    ----------
    by : str or list of str
        Groups to measure within: ``source`` (market dataset, the default), ``drug``, both
        (``"source,drug"``) or none (``[]``).
    k : int
        The share of listings held by the ``k`` vendors with most listings.

    Returns
    -------
    pandas.DataFrame
        The grouping fields, ``vendors``, ``listings``, ``gini``, ``top_k_share`` and ``k``.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidValue(k, "a positive integer for k")
    keys = _listify(by) if by else []
    bad = [b for b in keys if b not in ("source", "drug", "period")]
    if bad:
        raise InvalidValue(", ".join(bad), "grouping fields among source, drug, period")
    chosen = filter_records(records, source="online", drug=drug, period=period)
    chosen = chosen[chosen["drug"].notna() & chosen["vendor"].notna()]
    rows = []
    groups = chosen.groupby(keys, sort=True) if keys else [((), chosen)]
    for key, part in groups:
        per_vendor = part.groupby("vendor")["record"].nunique().to_numpy()
        if per_vendor.size == 0:
            continue
        top = np.sort(per_vendor)[::-1][:k].sum()
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            (*key, int(per_vendor.size), int(per_vendor.sum()), gini(per_vendor),
             float(top / per_vendor.sum()), k)
        )  # fmt: skip
    return pd.DataFrame(rows, columns=[*keys, "vendors", "listings", "gini", "top_k_share", "k"])


__all__ += ["gini"]


# ------------------------------------------------------------------------------ time


_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^\d{4}-\d{2}")


def dated_years(records: pd.DataFrame, kind: str | None = None) -> list[str]:
    """The single years (``"2016"``, not ``"2011-2015"``) of the records, sorted.

    Parameters
    ----------
    records : pandas.DataFrame
        Flow records.
    kind : {"offline", "online"}, optional
        Only the records of this kind.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Heroin"] * 3, "date": ["2016-05-01", None, "2015"],
    ...                     "startDate": [None, "2011", None], "endDate": [None, "2015", None]})
    >>> dated_years(seizure_records(raw))
    ['2015', '2016']
    """
    chosen = records if kind is None else records[records["kind"] == kind]
    periods = chosen["period"].dropna().astype(str)
    return sorted({p for p in periods if _YEAR.match(p)})


def trends(
    records: pd.DataFrame,
    *,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    freq: str | None = None,
) -> pd.DataFrame:
    """kg seized, seizures, listings and vendors per kind, drug group and year (or month).

    Parameters
    ----------
    records : pandas.DataFrame
        Flow records.
    source, drug
        See :func:`filter_records`.
    freq : {"year", "month"}, optional
        The time step. Default, per kind: ``year`` when the kind's dated records cover two
        years or more, else ``month`` when they cover two months or more (a darknet crawl
        of one year), else ``year``. A month needs an ISO date (``2014-01-09``).

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``drug``, ``period`` (``"2016"`` or ``"2014-01"``), ``freq``, ``kg``
        (offline; NaN online), ``seizures``, ``listings`` and ``vendors``, sorted by kind,
        drug and period. Records without a single year (UNODC's ``2011-2015`` route lists,
        undated listings) make no point: ``attrs["undated"]`` counts them per kind.

    Raises
    ------
    InvalidValue
        If ``freq`` is neither ``year`` nor ``month``, or as :func:`filter_records`.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Heroin", "Heroin", "Cocaine", "Heroin"],
    ...                     "quantity": [2, 3, 7, 1], "unit": "kg",
    ...                     "date": ["2015", "2016", "2016", None]})
    >>> t = trends(seizure_records(raw))
    >>> t[["drug", "period", "kg", "seizures"]].to_dict("records")
    [{'drug': 'cocaine', 'period': '2016', 'kg': 7.0, 'seizures': 1}, \
{'drug': 'opioids', 'period': '2015', 'kg': 2.0, 'seizures': 1}, \
{'drug': 'opioids', 'period': '2016', 'kg': 3.0, 'seizures': 1}]
    >>> t.attrs["undated"]
    {'offline': 1}
    """
    if freq is not None and freq not in ("year", "month"):
        raise InvalidValue(freq, "year or month for freq")
    columns = ["kind", "drug", "period", "freq", "kg", "seizures", "listings", "vendors"]
    chosen = filter_records(records, source=source, drug=drug)
    chosen = chosen[chosen["drug"].notna()]
    parts, undated = [], {}
    for kind in KINDS:
        part = chosen[chosen["kind"] == kind]
        if part.empty:
            continue
        years = part["period"].map(lambda p: str(p) if not _missing(p) else "")
        months = part["date"].map(lambda d: str(d)[:7] if not _missing(d) else "")
        has_year = years.map(lambda p: bool(_YEAR.match(p)))
        has_month = months.map(lambda m: bool(_MONTH.match(m))) & has_year
        step = freq
        if step is None:
            many_years = years[has_year].nunique() >= 2
            step = "month" if not many_years and months[has_month].nunique() >= 2 else "year"
        when, ok = (years, has_year) if step == "year" else (months, has_month)
        undated[kind] = int((~ok).sum())
        if not ok.any():
            continue
        work = part[ok].assign(period=when[ok], _value=np.nan)
        table = _aggregate(work, ["kind", "drug", "period"]).assign(freq=step)
        parts.append(table)
    if not parts:
        out = pd.DataFrame(columns=columns)
    else:
        out = pd.concat(parts, ignore_index=True)[columns]
        out = out.sort_values(["kind", "drug", "period"], kind="stable").reset_index(drop=True)
    out.attrs = {"undated": {k: v for k, v in undated.items() if v}}
    return out


def emerging_routes(
    records: pd.DataFrame,
    *,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    top: int = 5,
) -> pd.DataFrame:
    """The routes new in the latest year of each kind, against the year before.

    For offline and online records apart, :func:`route_growth` between the two latest single
    years of the data (:func:`dated_years`), weighted by seizures (offline) or listings
    (online); the ``top`` emerging routes of each kind, heaviest first.

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``origin``, ``destination``, ``drug``, ``weight`` (``seizures`` or
        ``listings``), ``before`` and ``after`` (the two years), ``value`` (the weight in the
        latest year) and ``routes`` (how many routes of the kind are emerging in all). Empty
        when no kind has two years.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Cocaine"] * 4, "quantity": 1, "unit": "kg",
    ...     "origin": ["CO", "CO", "CO", "EC"], "destination": ["ES", "ES", "ES", "NL"],
    ...     "date": ["2015", "2016", "2016", "2016"]})
    >>> e = emerging_routes(seizure_records(raw))
    >>> e[["origin", "destination", "before", "after", "value", "routes"]].to_dict("records")
    [{'origin': 'EC', 'destination': 'NL', 'before': '2015', 'after': '2016', 'value': 1.0, \
'routes': 1}]
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InvalidValue(top, "a positive integer for top")
    columns = ["kind", "origin", "destination", "drug", "weight", "before", "after", "value",
               "routes"]  # fmt: skip
    chosen = filter_records(records, source=source, drug=drug)
    rows = []
    for kind in KINDS:
        years = dated_years(chosen[chosen["drug"].notna()], kind)
        if len(years) < 2:
            continue
        weight = "seizures" if kind == "offline" else "listings"
        growth = route_growth(chosen, years[-2], years[-1], source=kind, weight=weight)
        new = growth[growth["emerging"]]
        for r in new.head(top).itertuples(index=False):
            rows.append((kind, r.origin, r.destination, r.drug, weight, years[-2], years[-1],
                         float(r.after), len(new)))  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


# ------------------------------------------------------------------------------ map


def flow_map_data(
    records: pd.DataFrame,
    *,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    period: str | None = None,
    weight: str | None = None,
    top: int = 15,
) -> dict[str, Any]:
    """What a world flow map or a Sankey of one kind of records shows: countries and routes.

    Offline (seizures), countries are shaded by kg seized in them and routes weighted by
    seizures; online (listings), countries by the drug listings shipped from them and routes
    by listings. Routes are international (summed over the drugs selected), without region
    ends (``ZZ``, ``EU``), which a map cannot place.

    Parameters
    ----------
    records : pandas.DataFrame
        Flow records.
    source : str or list of str, optional
        ``offline``, ``online`` or datasets of one kind; default offline when there are
        seizures, else online.
    drug, period
        See :func:`filter_records`.
    weight : {"seizures", "kg", "listings", "vendors", "value"}, optional
        The route weight; default seizures (offline) or listings (online).
    top : int
        The routes kept, heaviest first.

    Returns
    -------
    dict
        ``kind``; ``countries`` (code to value, unknown ``XX`` and regions left out) and
        ``country_measure`` (``kg`` or ``listings``); ``flows`` (``(origin, destination,
        value)`` of the top routes) and ``flow_measure``; ``routes`` (the top routes' rows of
        :func:`routes`, with all their measures); ``records`` and ``unknown_origin_share``
        (records whose origin is unknown, which draw no route).

    Raises
    ------
    InvalidValue
        If the sources chosen mix seizures and listings, or as :func:`routes`.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"drug": ["Cocaine"] * 3, "quantity": [10, 5, 1], "unit": "kg",
    ...     "country": ["ES", "ES", "NL"], "origin": ["CO", "CO", None],
    ...     "destination": ["ES", "ES", "NL"]})
    >>> m = flow_map_data(seizure_records(raw))
    >>> m["countries"], m["flows"], m["unknown_origin_share"]
    ({'ES': 15.0, 'NL': 1.0}, [('CO', 'ES', 2.0)], 0.3333333333333333)
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InvalidValue(top, "a positive integer for top")
    if source is None:
        drugs = records[records["drug"].notna()]
        source = "offline" if (drugs["kind"] == "offline").any() else "online"
    chosen = filter_records(records, source=source, drug=drug, period=period)
    kinds = set(chosen.loc[chosen["drug"].notna(), "kind"])
    if len(kinds) > 1:
        raise InvalidValue(
            source,
            "sources of one kind (seizures or listings) for a map",
            "Pass --source offline or --source online.",
        )
    kind = next(iter(kinds), "online" if source == "online" else "offline")
    measure = "kg" if kind == "offline" else "listings"
    weight = weight or ("seizures" if kind == "offline" else "listings")
    by = totals(records, "country", source=source, drug=drug, period=period)
    countries = {
        str(r["country"]): float(r[measure])
        for r in by.to_dict("records")
        if r["country"] not in (UNKNOWN_CODE, *REGION_CODES)
        and not _missing(r[measure])
        and float(r[measure]) > 0
    }
    table = routes(
        records, source=source, drug=drug, period=period, weight=weight, top=top,
        by_drug=False, include_regional=False, include_domestic=False,
    )  # fmt: skip
    rows = [
        {k: (None if _missing(v) else (v.item() if hasattr(v, "item") else v))
         for k, v in r.items() if k != "drug"}
        for r in table.to_dict("records")
    ]  # fmt: skip
    flows = [
        (r["origin"], r["destination"], float(r[weight] or 0.0))
        for r in rows
        if (r[weight] or 0) > 0
    ]
    return {
        "kind": kind,
        "countries": countries,
        "country_measure": measure,
        "flows": flows,
        "flow_measure": weight,
        "routes": rows,
        "records": table.attrs["records"],
        "unknown_origin_share": table.attrs["unknown_origin_share"],
    }


__all__ += ["dated_years", "emerging_routes", "flow_map_data", "trends"]
