"""Drug trafficking in a workspace: seizure routes offline, listing routes online, compared.

Reads ``Seizure`` entities (origin, transit, destination, quantity, drug) and ``Listing`` entities
(ships-from, ships-to, market, category) and builds route tables with
:func:`~cybertnoc.domains.drugs.seizure_routes` and :func:`~cybertnoc.domains.drugs.listing_routes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cybertnoc.domains.drugs import flows
from cybertnoc.domains.drugs.indicators import drug_indicators
from cybertnoc.domains.drugs.routes import compare_routes, listing_routes, seizure_routes
from cybertnoc.store.queries import entity_frame
from cybertnoc.store.workspace import Workspace

__all__ = ["DrugFindings", "analyse", "listings_frame", "seizures_frame"]


def seizures_frame(ws: Workspace) -> pd.DataFrame:
    """Seizures: ``id, drug, quantity, unit, date, country, origin, transit, destination``."""
    frame = entity_frame(
        ws,
        "Seizure",
        ["drug", "quantity", "unit", "date", "country", "origin", "transit", "destination"],
    )
    frame["quantity"] = pd.to_numeric(frame["quantity"], errors="coerce")
    return frame


def listings_frame(ws: Workspace) -> pd.DataFrame:
    """Listings, one row per ships-from x ships-to pair: ``id, market, category, ships_from,
    ships_to, amount, currency, vendor``."""
    frame = entity_frame(
        ws, "Listing", ["market", "category", "amount", "currency", "vendor"], first_only=True
    )
    places = entity_frame(ws, "Listing", ["shipsFrom", "shipsTo"], first_only=False)
    frame = frame.merge(places[["id", "shipsFrom", "shipsTo"]], on="id", how="left")
    frame["ships_from"] = frame["shipsFrom"].map(lambda v: v if isinstance(v, list) else [])
    frame["ships_to"] = frame["shipsTo"].map(lambda v: v if isinstance(v, list) else [])
    frame = frame.drop(columns=["shipsFrom", "shipsTo"])
    frame = frame.explode("ships_from").explode("ships_to")
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce")
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class DrugFindings:
    seizures: int
    seizure_quantity_by_drug: pd.DataFrame
    seizure_routes: pd.DataFrame
    listings: int
    vendors: int
    markets: dict[str, int]
    categories: dict[str, int]
    listing_routes: pd.DataFrame
    comparison: dict[str, Any]
    #: SOCTA/IOCTA-style indicators per drug and country (:func:`drug_indicators`).
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: kg seized per seizing country (the map's choropleth).
    country_kg: dict[str, float] = field(default_factory=dict)
    #: Top origin -> destination routes (origin, destination, seizures) of the seizures.
    map_flows: list[tuple[str, str, float]] = field(default_factory=list)
    #: Share of drug listings and of seizures whose origin is unknown.
    unknown_origin: dict[str, float | None] = field(default_factory=dict)
    #: kg seized (offline) and listings (online) per drug group and period
    #: (:func:`~cybertnoc.domains.drugs.flows.trends`).
    trends: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Routes new in the latest year of each kind (:func:`~flows.emerging_routes`).
    emerging_routes: pd.DataFrame = field(default_factory=pd.DataFrame)


def analyse(ws: Workspace, *, top: int = 10) -> DrugFindings:
    """Route tables for seizures and listings, and their comparison on the top ``top`` routes."""
    seizures = seizures_frame(ws)
    listings = listings_frame(ws)
    if not seizures.empty:
        s_routes = seizure_routes(seizures.dropna(subset=["origin", "destination"], how="all"))
        by_drug = (
            seizures.groupby(["drug", "unit"], dropna=False)["quantity"]
            .agg(["count", "sum"])
            .reset_index()
            .sort_values("sum", ascending=False)
        )
    else:
        s_routes = pd.DataFrame(columns=["source", "target", "count", "quantity", "share"])
        by_drug = pd.DataFrame(columns=["drug", "unit", "count", "sum"])
    usable = listings.dropna(subset=["ships_from", "ships_to"])
    if not usable.empty:
        l_routes = listing_routes(usable)
    else:
        l_routes = pd.DataFrame(columns=["source", "target", "count", "share"])
    comparison: dict[str, Any] = {}
    if not s_routes.empty and not l_routes.empty:
        comparison = compare_routes(l_routes, s_routes, top=top)
    unique = listings.drop_duplicates("id")
    records = flows.workspace_records(ws)
    indicators = drug_indicators(records, top=5) if len(records) else pd.DataFrame()
    trend_table = flows.trends(records) if len(records) else pd.DataFrame()
    emerging = flows.emerging_routes(records, top=5) if len(records) else pd.DataFrame()
    country_kg: dict[str, float] = {}
    map_flows: list[tuple[str, str, float]] = []
    unknown: dict[str, float | None] = {}
    if len(records):
        by_country = (
            flows.totals(records, "country", source="offline")
            if (records["kind"] == "offline").any()
            else pd.DataFrame()
        )
        if len(by_country):
            country_kg = {
                str(r.country): float(r.kg)
                for r in by_country.itertuples()
                if r.kg == r.kg and r.kg > 0 and r.country != "XX"
            }
        for kind in ("offline", "online"):
            if (records["kind"] == kind).any():
                table = flows.routes(
                    records, source=kind, by_drug=False, include_regional=False,
                    include_domestic=False,
                )  # fmt: skip
                unknown[kind] = table.attrs["unknown_origin_share"]
                if kind == "offline" and len(table):
                    map_flows = [
                        (r.origin, r.destination, float(r.seizures))
                        for r in table.head(top + 5).itertuples()
                    ]
    return DrugFindings(
        seizures=len(seizures),
        seizure_quantity_by_drug=by_drug,
        seizure_routes=s_routes,
        listings=len(unique),
        vendors=int(unique["vendor"].nunique()) if not unique.empty else 0,
        markets={str(k): int(v) for k, v in unique["market"].value_counts().items()},
        categories={str(k): int(v) for k, v in unique["category"].value_counts().items()},
        listing_routes=l_routes,
        comparison=comparison,
        indicators=indicators,
        country_kg=country_kg,
        map_flows=map_flows,
        unknown_origin=unknown,
        trends=trend_table,
        emerging_routes=emerging,
    )
