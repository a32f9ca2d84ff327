"""Shared-selector groups of adverts: known connected components."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

import cybertnoc.domains.slavery.selectors as selectors_module
from cybertnoc.domains.slavery import GROUP_COLUMNS, shared_selector_groups
from cybertnoc.errors import InvalidValue


def adverts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "advert_id": ["a1", "a2", "a3", "a4", "b1", "b2", "c1", "d1"],
            # a1-a2 share a phone, a2-a3 an e-mail, a3-a4 a handle: one chain of four.
            "phone": ["p:1", "p:1", None, "p:9", "p:2", "p:2", "p:3", ""],
            "email": [None, "p:e", "p:e", None, None, np.nan, None, "  "],
            "handle": [None, None, "h:x", "h:x", None, None, None, None],
        }
    )


def test_transitive_links_form_one_group():
    groups = shared_selector_groups(adverts())
    assert list(groups.columns) == list(GROUP_COLUMNS)
    assert groups["adverts"].tolist() == [["a1", "a2", "a3", "a4"], ["b1", "b2"]]
    assert groups["size"].tolist() == [4, 2]
    assert groups["group"].tolist() == [1, 2]
    # a1..a4 carry p:1, p:9, p:e and h:x.
    assert groups["n_selectors"].tolist() == [4, 1]
    assert groups.iloc[0]["selectors"] == ["email:p:e", "handle:h:x", "phone:p:1", "phone:p:9"]


def test_singletons_on_request_and_blank_values_link_nothing():
    groups = shared_selector_groups(adverts(), min_size=1)
    assert groups["adverts"].tolist() == [["a1", "a2", "a3", "a4"], ["b1", "b2"], ["c1"], ["d1"]]
    assert groups["n_selectors"].tolist() == [4, 1, 1, 0]


def test_values_match_only_within_their_column():
    ads = pd.DataFrame(
        {"advert_id": [1, 2], "phone": ["x", None], "email": [None, "x"], "handle": [None, None]}
    )
    assert shared_selector_groups(ads).empty


def test_repeated_ids_and_list_cells():
    ads = pd.DataFrame(
        {
            "advert_id": [10, 10, 2, 3],
            "phone": ["p:1", "p:2", ["p:2", "p:7"], ("p:7",)],
            "email": [None] * 4,
            "handle": [None] * 4,
        }
    )
    groups = shared_selector_groups(ads)
    assert groups["adverts"].tolist() == [[2, 3, 10]]  # natural order of integer ids
    assert groups["n_selectors"].tolist() == [3]
    assert groups.attrs["adverts"] == 3


def test_cap_on_common_selectors_breaks_spurious_chains():
    ads = pd.DataFrame(
        {
            "advert_id": list("abcdef"),
            "phone": ["p:1", "p:1", "p:2", "p:2", "p:3", None],
            "email": ["info@site"] * 5 + [None],
            "handle": [None] * 6,
        }
    )
    assert shared_selector_groups(ads)["size"].tolist() == [5]
    capped = shared_selector_groups(ads, max_adverts_per_selector=4)
    assert capped["adverts"].tolist() == [["a", "b"], ["c", "d"]]
    assert capped.attrs["ignored_selectors"] == 1


def test_custom_columns_and_errors():
    ads = pd.DataFrame({"id": ["x", "y"], "tel": ["1", "1"]})
    groups = shared_selector_groups(ads, advert_id="id", selectors=["tel"])
    assert groups["adverts"].tolist() == [["x", "y"]]
    with pytest.raises(InvalidValue, match="phone"):
        shared_selector_groups(ads, advert_id="id")
    with pytest.raises(InvalidValue, match="min_size"):
        shared_selector_groups(ads, advert_id="id", selectors=["tel"], min_size=0)


def test_large_chain_is_one_group():
    n = 20_000
    ads = pd.DataFrame(
        {
            "advert_id": np.arange(n),
            "phone": [f"p:{i // 2}" for i in range(n)],  # pairs (0,1), (2,3), ...
            "email": [f"e:{(i + 1) // 2}" for i in range(n)],  # pairs (1,2), (3,4), ...
            "handle": [None] * n,
        }
    )
    groups = shared_selector_groups(ads)
    assert len(groups) == 1 and groups.iloc[0]["size"] == n


def test_doctests():
    result = doctest.testmod(selectors_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
