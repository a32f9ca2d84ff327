"""Drug routes: seizure legs, listing pairs and the online/offline comparison, known answers."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

import cybertnoc.domains.drugs.routes as routes_module
from cybertnoc.domains.drugs import compare_routes, listing_routes, seizure_routes
from cybertnoc.errors import InvalidValue
from cybertnoc.network import graph_from_edges


def seizures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "origin": ["CO", "CO", "CO", "PE", None, "BO", "AF"],
            "transit": ["EC", "EC;PA", None, "XX", None, "", ["PK", "IR"]],
            "destination": ["ES", "NL", "ES", "ES", "ES", "BR", "tr "],
            "kg": [100.0, 20.0, 5.0, 7.0, 1.0, np.nan, 30.0],
        }
    )


def test_transit_splits_into_legs_and_unknown_ends_are_counted():
    routes = seizure_routes(seizures(), quantity="kg")
    legs = {(r.source, r.target): (r.count, r.quantity) for r in routes.itertuples()}
    assert legs[("CO", "EC")] == (2, 120.0)  # two seizures went CO -> EC
    assert legs[("EC", "ES")] == (1, 100.0)
    assert legs[("EC", "PA")] == (1, 20.0) and legs[("PA", "NL")] == (1, 20.0)
    assert legs[("CO", "ES")] == (1, 5.0)  # no transit: the direct leg
    assert ("CO", "NL") not in legs  # a transit is never skipped
    assert legs[("AF", "PK")] == (1, 30.0) and legs[("IR", "TR")] == (1, 30.0)
    assert np.isnan(legs[("BO", "BR")][1])  # counted, quantity unknown
    # PE -> XX -> ES gives two unknown legs, the missing origin one more.
    assert routes.attrs == {
        "seizures": 7,
        "seizures_with_route": 5,
        "legs": 10,
        "excluded_legs": 3,
    }
    assert routes["share"].sum() == pytest.approx(1.0)
    assert routes["count"].sum() == 10
    assert routes["quantity_share"].sum() == pytest.approx(1.0)
    assert routes.iloc[0][["source", "target"]].tolist() == ["CO", "EC"]  # the top leg


def test_region_codes_and_domestic_legs_are_flagged_not_dropped():
    frame = pd.DataFrame(
        {
            "origin": ["XS", "ES"],
            "transit": [None, None],
            "destination": ["EU", "ES"],
            "quantity": [1, 2],
        }
    )
    routes = seizure_routes(frame).set_index(["source", "target"])
    assert bool(routes.loc[("XS", "EU"), "regional"]) and not routes.loc[("XS", "EU"), "domestic"]
    assert bool(routes.loc[("ES", "ES"), "domestic"])


def test_seizure_routes_without_transit_or_quantity_columns():
    frame = pd.DataFrame({"from": ["CO", "CO"], "to": ["US", "US"]})
    routes = seizure_routes(frame, origin="from", destination="to", transit=None, quantity=None)
    assert routes[["source", "target", "count"]].values.tolist() == [["CO", "US", 2]]
    assert routes["quantity"].isna().all()


def test_bad_codes_and_columns_are_named():
    frame = pd.DataFrame(
        {"origin": ["Colombia"], "destination": ["ES"], "transit": [None], "quantity": [1]}
    )
    with pytest.raises(InvalidValue, match="COLOMBIA"):
        seizure_routes(frame)
    with pytest.raises(InvalidValue, match="weight_kg"):
        seizure_routes(frame, quantity="weight_kg")
    two = pd.DataFrame(
        {"origin": ["CO;PE"], "destination": ["ES"], "transit": [None], "quantity": [1]}
    )
    with pytest.raises(InvalidValue, match="one place per seizure"):
        seizure_routes(two)


def test_listing_routes_count_each_destination_and_keep_regions():
    listings = pd.DataFrame(
        {
            "ships_from": ["NL", "NL", "NL", "DE", "US", None, "GB"],
            "ships_to": ["ZZ", "DE, GB", "DE", "EU", "US|CA", "US", None],
        }
    )
    routes = listing_routes(listings)
    table = routes.set_index(["source", "target"])
    assert table.loc[("NL", "DE"), "count"] == 2
    assert table.loc[("NL", "GB"), "count"] == 1
    assert table.loc[("NL", "ZZ"), "count"] == 1 and bool(table.loc[("NL", "ZZ"), "regional"])
    assert bool(table.loc[("DE", "EU"), "regional"])
    assert bool(table.loc[("US", "US"), "domestic"])
    assert routes.attrs == {
        "listings": 7,
        "listings_with_route": 5,
        "pairs": 7,
        "excluded_pairs": 2,
    }
    assert routes.iloc[0][["source", "target", "count"]].tolist() == ["NL", "DE", 2]
    assert routes["share"].sum() == pytest.approx(1.0)


def test_route_table_feeds_the_network_projection():
    routes = listing_routes(
        pd.DataFrame({"ships_from": ["NL", "NL", "DE"], "ships_to": ["DE", "DE", "NL"]})
    )
    G = graph_from_edges(routes, weight="count", directed=True)
    assert G["NL"]["DE"]["weight"] == 2.0 and G["DE"]["NL"]["weight"] == 1.0


def table(pairs: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [(k.split("->")[0], k.split("->")[1], v) for k, v in pairs.items()],
        columns=["source", "target", "count"],
    )


def test_compare_identical_and_reversed_rankings():
    a = table({"NL->GB": 50, "DE->GB": 40, "US->CA": 30, "CO->ES": 20})
    same = compare_routes(a, a, top=4)
    assert same["spearman"] == pytest.approx(1.0)
    assert (same["overlap"], same["overlap_share"], same["jaccard"]) == (4, 1.0, 1.0)
    b = table({"NL->GB": 20, "DE->GB": 30, "US->CA": 40, "CO->ES": 50})
    assert compare_routes(a, b, top=4)["spearman"] == pytest.approx(-1.0)


def test_compare_known_answer_with_ties_and_missing_routes():
    online = table({"NL->GB": 40, "DE->GB": 30, "US->CA": 20, "NL->ZZ": 99, "DE->DE": 80})
    offline = table({"NL->GB": 12, "DE->GB": 12, "CO->ES": 8})
    result = compare_routes(online, offline, top=3)
    # Union of the top-3 lists (regional NL->ZZ and domestic DE->DE left out):
    # NL->GB, DE->GB, US->CA, CO->ES with online (40, 30, 20, 0) and offline (12, 12, 0, 8).
    # Ranks online 1, 2, 3, 4; offline 1.5, 1.5, 4, 3 (the tie shares rank 1.5). Deviations
    # from the mean rank 2.5: dx = (-1.5, -0.5, 0.5, 1.5), dy = (-1, -1, 1.5, 0.5);
    # rho = sum(dx*dy) / sqrt(sum(dx^2) * sum(dy^2)) = 3.5 / sqrt(5 * 4.5).
    assert result["spearman"] == pytest.approx(3.5 / (5 * 4.5) ** 0.5)
    assert result["n_routes"] == 4
    assert result["shared"] == ["NL->GB", "DE->GB"]
    assert result["only_online"] == ["US->CA"] and result["only_offline"] == ["CO->ES"]
    assert result["overlap_share"] == pytest.approx(2 / 3)
    assert result["jaccard"] == pytest.approx(0.5)
    assert [r["offline"] for r in result["routes"]] == [12.0, 12.0, 0.0, 8.0]
    with_regions = compare_routes(
        online, offline, top=3, include_regional=True, include_domestic=True
    )
    assert with_regions["only_online"] == ["NL->ZZ", "DE->DE"]
    assert with_regions["shared"] == ["NL->GB"]


def test_compare_degenerate_cases():
    one = table({"NL->GB": 5})
    assert compare_routes(one, one)["spearman"] is None  # a single route has no ranking
    empty = table({})
    result = compare_routes(empty, empty)
    assert result["n_routes"] == 0 and result["spearman"] is None and result["jaccard"] is None
    with pytest.raises(InvalidValue, match="top"):
        compare_routes(one, one, top=0)


def test_compare_seizures_with_listings_end_to_end():
    online = listing_routes(
        pd.DataFrame({"ships_from": ["NL", "NL", "DE"], "ships_to": ["GB", "GB", "GB"]})
    )
    offline = seizure_routes(
        pd.DataFrame(
            {
                "origin": ["NL", "DE", "DE"],
                "transit": [None] * 3,
                "destination": ["GB"] * 3,
                "quantity": [1, 1, 1],
            }
        )
    )
    result = compare_routes(online, offline, top=2)
    assert result["shared"] == ["NL->GB", "DE->GB"]
    assert result["spearman"] == pytest.approx(-1.0)


def test_doctests():
    result = doctest.testmod(routes_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
