"""Modern slavery in a workspace: online adverts linked by shared contacts, and case data.

Reads ``Advert`` entities (site, category, city, country, contact selectors ``phone``, ``email``,
``handle``, already pseudonymised at ingest) and trafficking ``Case`` entities (citizenship,
country and type of exploitation, sex, age group, linked advert), groups adverts that share a
contact with :func:`~cybertnoc.domains.slavery.shared_selector_groups`, and finds the groups that
contain an advert linked to a known case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cybertnoc.domains.slavery.selectors import shared_selector_groups
from cybertnoc.store.queries import entity_frame
from cybertnoc.store.workspace import Workspace

__all__ = [
    "EXPLOITATION_TYPES",
    "SlaveryFindings",
    "adverts_frame",
    "analyse",
    "cases_frame",
    "exploitation_type",
]

SELECTORS = ("phone", "email", "handle")

#: Types of exploitation, as in UNODC's Global Report on Trafficking in Persons, matched by
#: keyword in the free text of case files ("Sexual", "sexual exploitation", "Forced labour").
EXPLOITATION_TYPES = (
    ("sexual", ("sex",)),
    ("labour", ("labour", "labor", "work")),
    ("criminal", ("crimin",)),
    ("domestic servitude", ("domestic", "servitude")),
    ("organ removal", ("organ",)),
)


def exploitation_type(value: object) -> str | None:
    """The exploitation type of a free-text value, ``"other"`` when none matches.

    Examples
    --------
    >>> [exploitation_type(v) for v in ("Sexual", "Forced labour", "domestic servitude", "x")]
    ['sexual', 'labour', 'domestic servitude', 'other']
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.lower()
    for name, keys in EXPLOITATION_TYPES:
        if any(k in text for k in keys):
            return name
    return "other"


def adverts_frame(ws: Workspace) -> pd.DataFrame:
    """Adverts: ``advert_id, site, category, city, country`` and list columns of selectors.

    Only adverts with at least a site or a contact selector are kept: the Advert entities that a
    case file creates for a linked advert id, with nothing else known, are not adverts seen.
    """
    meta = entity_frame(ws, "Advert", ["site", "category", "city", "country", "postedAt"])
    contacts = entity_frame(ws, "Advert", list(SELECTORS), first_only=False)
    frame = meta.merge(contacts[["id", *SELECTORS]], on="id", how="left")
    seen = frame["site"].notna() | frame[list(SELECTORS)].map(len).sum(axis=1).gt(0)
    frame = frame[seen].rename(columns={"id": "advert_id", "postedAt": "posted_at"})
    return frame.drop(columns=["schema", "source_id"]).reset_index(drop=True)


def cases_frame(ws: Workspace) -> pd.DataFrame:
    """Trafficking cases, one row each.

    Columns ``id, date, citizenship, exploitation_country, exploitation_type_raw, sex,
    age_group, advert`` (the linked advert entity id, or missing) and ``exploitation_type``
    (:func:`exploitation_type` of the raw value).
    """
    frame = entity_frame(
        ws,
        "Case",
        [
            "date",
            "citizenship",
            "exploitationCountry",
            "exploitationType",
            "sex",
            "ageGroup",
            "advert",
        ],
    )
    frame = frame.rename(
        columns={
            "exploitationCountry": "exploitation_country",
            "exploitationType": "exploitation_type_raw",
            "ageGroup": "age_group",
        }
    ).drop(columns=["schema", "source_id"])
    frame["exploitation_type"] = frame["exploitation_type_raw"].map(exploitation_type)
    return frame


@dataclass(frozen=True)
class SlaveryFindings:
    """What the slavery analysis found.

    Attributes
    ----------
    adverts : int
        Adverts seen.
    sites : dict
        Adverts by site, largest first.
    categories : dict
        Adverts by category, largest first.
    groups : pandas.DataFrame
        Groups of at least two adverts sharing a contact (see
        :func:`~cybertnoc.domains.slavery.shared_selector_groups`), with ``linked_cases``:
        the number of known cases whose linked advert is in the group.
    adverts_in_groups : int
        Adverts in those groups.
    ignored_selectors : int
        Selector values left out for being in more than ``max_adverts_per_selector`` adverts.
    cases : int
        Trafficking cases.
    cases_by_type, cases_by_citizenship, cases_by_country : dict
        Cases by type of exploitation, citizenship of the victim and country of exploitation.
    cases_with_advert : int
        Cases linked to an advert.
    """

    adverts: int
    sites: dict[str, int]
    categories: dict[str, int]
    groups: pd.DataFrame
    adverts_in_groups: int
    ignored_selectors: int
    cases: int
    cases_by_type: dict[str, int]
    cases_by_citizenship: dict[str, int]
    cases_by_country: dict[str, int]
    cases_with_advert: int
    params: dict[str, Any] = field(default_factory=dict)


def _counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.dropna().value_counts().items()}


def analyse(
    ws: Workspace, *, min_size: int = 2, max_adverts_per_selector: int | None = 50
) -> SlaveryFindings:
    """Advert groups by shared contact, and the case data beside them.

    Parameters
    ----------
    ws : Workspace
        The workspace to read.
    min_size : int
        Smallest group of adverts reported.
    max_adverts_per_selector : int, optional
        Contact values found in more adverts than this are not used to link (a site's default
        address would chain unrelated adverts); None uses every value.

    Returns
    -------
    SlaveryFindings

    References
    ----------
    Ibanez, M. & Suthers, D. D. (2014). Detection of domestic human trafficking indicators and
    movement trends using content available on open internet sources. HICSS.
    """
    adverts = adverts_frame(ws)
    cases = cases_frame(ws)
    if adverts.empty:
        groups = pd.DataFrame(columns=["group", "size", "n_selectors", "adverts", "selectors"])
        ignored = 0
    else:
        groups = shared_selector_groups(
            adverts,
            selectors=SELECTORS,
            min_size=min_size,
            max_adverts_per_selector=max_adverts_per_selector,
        )
        ignored = int(groups.attrs.get("ignored_selectors", 0))
    linked = cases["advert"].dropna()
    linked_counts = linked.value_counts()
    groups = groups.assign(
        linked_cases=[
            int(sum(linked_counts.get(a, 0) for a in members)) for members in groups["adverts"]
        ]
    )
    return SlaveryFindings(
        adverts=len(adverts),
        sites=_counts(adverts["site"]) if not adverts.empty else {},
        categories=_counts(adverts["category"]) if not adverts.empty else {},
        groups=groups,
        adverts_in_groups=int(groups["size"].sum()) if not groups.empty else 0,
        ignored_selectors=ignored,
        cases=len(cases),
        cases_by_type=_counts(cases["exploitation_type"]),
        cases_by_citizenship=_counts(cases["citizenship"]),
        cases_by_country=_counts(cases["exploitation_country"]),
        cases_with_advert=len(linked),
        params={"min_size": min_size, "max_adverts_per_selector": max_adverts_per_selector},
    )
