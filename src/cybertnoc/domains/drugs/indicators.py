"""Threat-assessment indicators per drug and country, in the style of Europol's SOCTA / IOCTA.

Europol's Serious and Organised Crime Threat Assessment (SOCTA) and Internet Organised Crime
Threat Assessment (IOCTA) rate criminal markets by indicators of volume, trend and the use of
online channels [1]_ [2]_. :func:`drug_indicators` computes their measurable counterparts from
flow records (:mod:`cybertnoc.domains.drugs.flows`), one row per drug group and country:

- **volume**: kg seized in the country and drug listings shipped from it;
- **trend**: the relative change of kg seized (else of listings) from the previous to the
  latest year of the data, labelled ``up`` (at least +25 %), ``down`` (at most -25 %),
  ``stable``, or ``new`` (nothing the year before);
- **online share**: the country's share of the drug's listings (online supply), beside its
  share of the drug's kg seized (offline);
- **new routes**: routes of the drug touching the country (as origin or destination) that are
  emerging in the latest year (none the year before; :func:`~flows.route_growth`).

The indicators describe the records: seizures follow enforcement, listings follow what vendors
claim. They are inputs to an assessment, not the assessment.

References
----------
.. [1] Europol (2021). European Union Serious and Organised Crime Threat Assessment (SOCTA
   2021). Publications Office of the European Union, Luxembourg.
.. [2] Europol (2020). Internet Organised Crime Threat Assessment (IOCTA) 2020. Europol, The
   Hague.
.. [3] UNODC (2018). World Drug Report 2018. United Nations, Sales No. E.18.XI.9.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from cybertnoc.domains.drugs.flows import filter_records, route_growth, totals
from cybertnoc.domains.drugs.routes import REGION_CODES, UNKNOWN_CODE
from cybertnoc.errors import InvalidValue

__all__ = ["INDICATOR_COLUMNS", "drug_indicators", "trend_label"]

INDICATOR_COLUMNS = (
    "drug", "country", "kg", "kg_share", "listings", "vendors", "online_share", "trend",
    "trend_label", "trend_basis", "new_routes",
)  # fmt: skip


def trend_label(change: float | None, *, band: float = 0.25) -> str:
    """``up``, ``down``, ``stable`` or ``new`` (``change`` None: nothing before), ``-``
    (NaN: no data).

    Examples
    --------
    >>> [trend_label(c) for c in (0.5, -0.3, 0.1, None, float("nan"))]
    ['up', 'down', 'stable', 'new', '-']
    """
    if change is None:
        return "new"
    if isinstance(change, float) and math.isnan(change):
        return "-"
    if change >= band:
        return "up"
    if change <= -band:
        return "down"
    return "stable"


def _years(records: pd.DataFrame, kind: str) -> list[str]:
    periods = records.loc[records["kind"] == kind, "period"].dropna().astype(str)
    return sorted({p for p in periods if len(p) == 4 and p.isdigit()})


def _change(before: float, after: float) -> float | None:
    if before > 0:
        return (after - before) / before
    if after > 0:
        return None
    return math.nan


def drug_indicators(
    records: pd.DataFrame,
    *,
    source: str | Sequence[str] | None = None,
    drug: str | Sequence[str] | None = None,
    min_kg: float = 0.0,
    top: int | None = None,
) -> pd.DataFrame:
    """SOCTA/IOCTA-style indicators for each drug group and country.

    Parameters
    ----------
    records : pandas.DataFrame
        Flow records (:func:`~cybertnoc.domains.drugs.flows.workspace_records`).
    source, drug
        See :func:`~cybertnoc.domains.drugs.flows.filter_records`.
    min_kg : float
        Leave out countries with less seized (kg) and no listings.
    top : int, optional
        Keep the ``top`` rows per drug (by kg, then listings).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`INDICATOR_COLUMNS`: ``kg`` and ``kg_share`` (of the drug's kg
        seized), ``listings``, ``vendors`` and ``online_share`` (of the drug's listings),
        ``trend`` (relative change, NaN when undefined), ``trend_label``, ``trend_basis``
        (``kg`` or ``listings``, and the two years compared) and ``new_routes``. Unknown (``XX``)
        and region codes are left out of the rows but not of the shares' denominators. Sorted
        by drug, then kg and listings (descending).

    Examples
    --------
    >>> import pandas as pd
    >>> from cybertnoc.domains.drugs.flows import seizure_records
    >>> raw = pd.DataFrame({"drug": ["Cocaine"] * 4, "quantity": [10, 30, 5, 5], "unit": "kg",
    ...     "country": ["ES", "ES", "NL", "NL"], "date": ["2015", "2016", "2015", "2016"],
    ...     "origin": ["CO", "CO", "EC", "PE"], "destination": ["ES", "ES", "NL", "NL"]})
    >>> table = drug_indicators(seizure_records(raw))
    >>> table[["country", "kg", "kg_share", "trend_label", "new_routes"]].to_dict("records")
    [{'country': 'ES', 'kg': 40.0, 'kg_share': 0.8, 'trend_label': 'up', 'new_routes': 0}, \
{'country': 'NL', 'kg': 10.0, 'kg_share': 0.2, 'trend_label': 'stable', 'new_routes': 1}]
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise InvalidValue(top, "a positive integer for top")
    chosen = filter_records(records, source=source, drug=drug)
    chosen = chosen[chosen["drug"].notna()]
    if chosen.empty:
        return pd.DataFrame(columns=list(INDICATOR_COLUMNS))
    base = totals(chosen, "drug,country")
    drug_kg = base.groupby("drug")["kg"].sum(min_count=1)
    drug_listings = flows_listings(chosen)
    off_years, on_years = _years(chosen, "offline"), _years(chosen, "online")
    by_year = totals(chosen, "drug,country,year")
    growth_tables = {}
    for kind, years in (("offline", off_years), ("online", on_years)):
        if len(years) >= 2:
            growth_tables[kind] = route_growth(chosen, years[-2], years[-1], source=kind)
    rows = []
    for r in base.itertuples(index=False):
        if r.country == UNKNOWN_CODE or r.country in REGION_CODES:
            continue
        kg = float(r.kg) if not pd.isna(r.kg) else math.nan
        if (math.isnan(kg) or kg <= min_kg) and r.listings == 0:
            continue
        total_kg = drug_kg.get(r.drug, math.nan)
        total_listings = drug_listings.get(r.drug, 0)
        part = by_year[(by_year["drug"] == r.drug) & (by_year["country"] == r.country)]
        trend, basis = math.nan, "-"
        if not math.isnan(kg) and kg > 0 and len(off_years) >= 2:
            a, b = off_years[-2], off_years[-1]
            before = float(part.loc[part["year"] == a, "kg"].sum())
            after = float(part.loc[part["year"] == b, "kg"].sum())
            trend, basis = _change(before, after), f"kg {a}-{b}"
        elif r.listings > 0 and len(on_years) >= 2:
            a, b = on_years[-2], on_years[-1]
            before = float(part.loc[part["year"] == a, "listings"].sum())
            after = float(part.loc[part["year"] == b, "listings"].sum())
            trend, basis = _change(before, after), f"listings {a}-{b}"
        new = 0
        for table in growth_tables.values():
            emerging = table[table["emerging"] & (table["drug"] == r.drug)]
            new += int(
                ((emerging["origin"] == r.country) | (emerging["destination"] == r.country)).sum()
            )
        rows.append(
            {
                "drug": r.drug,
                "country": r.country,
                "kg": kg,
                "kg_share": kg / total_kg if total_kg and not math.isnan(kg) else math.nan,
                "listings": int(r.listings),
                "vendors": int(r.vendors),
                "online_share": r.listings / total_listings if total_listings else math.nan,
                "trend": np.nan if trend is None else trend,
                "trend_label": trend_label(trend),
                "trend_basis": basis,
                "new_routes": new,
            }
        )
    table = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    table = table.sort_values(
        ["drug", "kg", "listings", "country"],
        ascending=[True, False, False, True],
        na_position="last",
        kind="stable",
    )
    if top is not None:
        table = table.groupby("drug", sort=False).head(top)
    return table.reset_index(drop=True)


def flows_listings(records: pd.DataFrame) -> dict[str, int]:
    """Distinct drug listings per drug group."""
    online = records[records["kind"] == "online"]
    return {str(k): int(v) for k, v in online.groupby("drug")["record"].nunique().items()}
