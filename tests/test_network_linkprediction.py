"""Link prediction: indices equal networkx, AUC and precision by hand, Montagna's hidden ties.

Oracles: networkx's ``common_neighbors``, ``jaccard_coefficient``, ``adamic_adar_index``,
``resource_allocation_index`` and ``preferential_attachment`` (within 1e-12), AUC worked by hand
and by brute force over every (hidden, non-existent) comparison (Lü & Zhou 2011), logistic
regression against its closed-form maximum likelihood, and the Montagna meetings network
(Cavallaro et al. 2020 data) with 10% of the ties hidden, seed 0.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pytest

from conftest import shared_data
from cybertnoc.errors import InvalidValue
from cybertnoc.network.linkprediction import (
    LINK_INDICES,
    LINK_METHODS,
    LinkModel,
    _fit_logistic,
    auc,
    evaluate_link_prediction,
    fit_link_model,
    link_scores,
    precision_at_k,
    suggest_links,
)
from cybertnoc.network.load import network_from_file

NX_INDICES = {
    "jaccard": nx.jaccard_coefficient,
    "adamic_adar": nx.adamic_adar_index,
    "resource_allocation": nx.resource_allocation_index,
    "preferential_attachment": nx.preferential_attachment,
}


def _assert_equal_to_networkx(G, pairs=None):
    table = link_scores(G, pairs)
    pairs = list(zip(table["u"], table["v"], strict=True))
    cn = [len(nx.common_neighbors(G, u, v)) for u, v in pairs]
    assert table["common_neighbours"].tolist() == cn
    for name, function in NX_INDICES.items():
        ref = [s for _, _, s in function(G, pairs)]
        difference = np.abs(table[name].to_numpy() - np.asarray(ref, dtype=float))
        assert np.max(difference, initial=0) < 1e-12
    return table


def test_indices_equal_networkx_on_karate():
    G = nx.karate_club_graph()
    table = _assert_equal_to_networkx(G)
    assert len(table) == 34 * 33 // 2 - 78  # every non-adjacent pair
    assert {frozenset(p) for p in zip(table["u"], table["v"], strict=True)} == {
        frozenset(p) for p in nx.non_edges(G)
    }
    _assert_equal_to_networkx(G, list(G.edges()))  # observed pairs can be scored too


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_indices_equal_networkx_with_self_loops_and_isolates(seed):
    G = nx.gnp_random_graph(35, 0.12, seed=seed)
    rng = random.Random(seed)
    for node in rng.sample(list(G), 4):
        G.add_edge(node, node)
    G.add_nodes_from(["iso1", "iso2"])
    table = _assert_equal_to_networkx(G)
    iso = table[(table["u"] == "iso1") & (table["v"] == "iso2")].iloc[0]
    assert iso["jaccard"] == 0.0 and iso["preferential_attachment"] == 0.0
    _assert_equal_to_networkx(G, [(u, v) for u, v in G.edges() if u != v] + [("iso1", 0)])


def test_hand_worked_indices():
    # u and v share z1 (degree 2) and z2 (degree 3); u has one more contact.
    G = nx.Graph([("u", "z1"), ("v", "z1"), ("u", "z2"), ("v", "z2"), ("z2", "w"), ("u", "x")])
    row = link_scores(G, [("u", "v")]).iloc[0]
    assert row["common_neighbours"] == 2
    assert row["jaccard"] == pytest.approx(2 / 3)  # {z1, z2} of {z1, z2, x}
    assert row["adamic_adar"] == pytest.approx(1 / math.log(2) + 1 / math.log(3))
    assert row["resource_allocation"] == pytest.approx(1 / 2 + 1 / 3)
    assert row["preferential_attachment"] == 3 * 2
    assert list(link_scores(G, [("u", "v")], methods=["jaccard"]).columns) == ["u", "v", "jaccard"]


def test_link_scores_errors():
    G = nx.path_graph(3)
    with pytest.raises(InvalidValue, match="undirected"):
        link_scores(nx.DiGraph(G))
    with pytest.raises(InvalidValue, match="indices"):
        link_scores(G, methods=["katz"])
    with pytest.raises(InvalidValue, match="two different"):
        link_scores(G, [(0, 0)])
    with pytest.raises(InvalidValue, match="nodes of the graph"):
        link_scores(G, [(0, 9)])


# -- AUC and precision -----------------------------------------------------------------------


def test_auc_hand_worked():
    # 3 beats 1, 0, 2; 1 ties 1, beats 0, loses to 2: (3 + 1.5) / 6.
    assert auc([3, 1], [1, 0, 2]) == 0.75
    assert auc([1, 1], [1, 1, 1]) == 0.5  # all tied: chance
    assert auc([5, 6], [1, 2]) == 1.0 and auc([1, 2], [5, 6]) == 0.0
    with pytest.raises(InvalidValue):
        auc([], [1])


@pytest.mark.parametrize("seed", [0, 1])
def test_auc_equals_brute_force_and_sampling_converges(seed):
    rng = np.random.default_rng(seed)
    pos = rng.integers(0, 6, size=40).astype(float)  # many ties
    neg = rng.integers(0, 4, size=300).astype(float)
    brute = np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])
    assert auc(pos, neg) == pytest.approx(brute, abs=1e-12)
    sampled = auc(pos, neg, samples=200_000, seed=seed)
    assert sampled == auc(pos, neg, samples=200_000, seed=seed)  # seeded
    assert abs(sampled - brute) < 0.005


def test_precision_at_k():
    assert precision_at_k([0.9, 0.8, 0.3, 0.1], [True, False, True, False], 2) == 0.5
    assert precision_at_k([0.9, 0.8, 0.3, 0.1], [True, False, True, False], 1) == 1.0
    # Four tied candidates, two true: the seeded tie order decides, the same every time.
    tied = [precision_at_k([1, 1, 1, 1], [True, True, False, False], 1, seed=s) for s in range(20)]
    assert set(tied) == {0.0, 1.0} and tied == [
        precision_at_k([1, 1, 1, 1], [True, True, False, False], 1, seed=s) for s in range(20)
    ]
    assert precision_at_k([1, 1, 1, 1], [True, True, False, False], 1, seed=None) == 1.0
    with pytest.raises(InvalidValue):
        precision_at_k([1.0], [True], 2)


# -- supervised combination -------------------------------------------------------------------


def test_logistic_fit_equals_closed_form_maximum_likelihood():
    # One binary feature: the MLE is intercept = logit(p0), slope = logit(p1) - logit(p0).
    x = np.array([0] * 10 + [1] * 10, dtype=float)[:, None]
    y = np.array([1] * 3 + [0] * 7 + [1] * 8 + [0] * 2, dtype=float)
    intercept, (slope,) = _fit_logistic(x, y, l2=0.0)

    def logit(p):
        return math.log(p / (1 - p))

    assert intercept == pytest.approx(logit(0.3), abs=1e-9)
    assert slope == pytest.approx(logit(0.8) - logit(0.3), abs=1e-9)
    # With a penalty the score equations hold: X'(y - p) = l2 * beta (intercept free).
    X = np.random.default_rng(0).normal(size=(200, 3))
    t = (X @ [1.0, -2.0, 0.5] + np.random.default_rng(1).logistic(size=200) > 0).astype(float)
    b0, b = _fit_logistic(X, t, l2=2.0)
    p = 1 / (1 + np.exp(-(b0 + X @ b)))
    assert abs(np.sum(t - p)) < 1e-8
    assert np.allclose(X.T @ (t - p), 2.0 * b, atol=1e-8)


def test_link_model_is_seeded_and_scores_probabilities():
    G = nx.karate_club_graph()
    a, b = fit_link_model(G, seed=4), fit_link_model(G, seed=4)
    assert a == b and isinstance(a, LinkModel)
    assert (a.positives, a.negatives) == (16, 16)  # 20% of 78 edges, as many non-edges
    assert len(a.coefficients) == len(LINK_INDICES)
    scores = a.score(G)
    assert len(scores) == 34 * 33 // 2 - 78
    assert scores["p"].between(0, 1).all()
    assert fit_link_model(G, seed=5) != a
    with pytest.raises(InvalidValue):
        fit_link_model(G, holdout=1.5)


# -- evaluation ------------------------------------------------------------------------------


def test_evaluation_on_disjoint_cliques_has_known_answers():
    # Four K6: a hidden tie keeps 4 common neighbours inside its clique, a non-existent pair
    # (across cliques) has none, so every neighbourhood index ranks all hidden ties first.
    G = nx.disjoint_union_all([nx.complete_graph(6) for _ in range(4)])
    table = evaluate_link_prediction(G, hidden=0.1, seed=3).set_index("method")
    assert list(table.index) == list(LINK_METHODS)
    assert table.loc["common_neighbours", "hidden_edges"] == 6  # 10% of 60 edges
    assert table.loc["common_neighbours", "nonexistent_pairs"] == 276 - 60
    for m in ("common_neighbours", "jaccard", "adamic_adar", "resource_allocation"):
        assert table.loc[m, "auc"] == 1.0 and table.loc[m, "precision"] == 1.0
    # Hidden ties lower their ends' degrees: preferential attachment ranks them last.
    assert table.loc["preferential_attachment", "auc"] < 0.5
    assert np.isnan(table.loc["jaccard", "auc_sd"])


@pytest.fixture(scope="module")
def meetings():
    path = shared_data("networks/montagna/Montagna_meetings_edgelist.csv")
    return network_from_file(path, "montagna-edgelist")


#: Montagna meetings, 10% of the 256 ties hidden (26), seed 0, exact AUC over the 4,794
#: non-existent pairs, precision at 26. Recorded in docs/network-communities-links.md.
MONTAGNA_SEED0 = {
    "common_neighbours": (0.9271, 0.4231),
    "jaccard": (0.9237, 0.2308),
    "adamic_adar": (0.9357, 0.5),
    "resource_allocation": (0.9358, 0.4615),
    "preferential_attachment": (0.7156, 0.0),
    "logistic": (0.9541, 0.4231),
}


def test_montagna_meetings_hidden_ties_are_recovered(meetings):
    assert (meetings.number_of_nodes(), meetings.number_of_edges()) == (101, 256)
    table = evaluate_link_prediction(meetings, hidden=0.1, seed=0)
    assert set(table["hidden_edges"]) == {26} and set(table["k"]) == {26}
    assert set(table["nonexistent_pairs"]) == {101 * 100 // 2 - 256}
    got = {
        r.method: (round(r.auc, 4), round(r.precision, 4)) for r in table.itertuples(index=False)
    }
    assert got == MONTAGNA_SEED0
    assert (table["auc"] > 0.7).all()  # every method well above chance (0.5)
    again = evaluate_link_prediction(meetings, hidden=0.1, seed=0)
    assert again.equals(table)  # the seed fixes the split, the training and the tie order


def test_montagna_meetings_repeated_splits(meetings):
    table = evaluate_link_prediction(meetings, hidden=0.1, seed=0, repeats=20).set_index("method")
    # Mean AUC over 20 splits (seed 0): resource allocation 0.920, logistic 0.930,
    # preferential attachment 0.723; the local indices beat preferential attachment.
    assert round(table.loc["resource_allocation", "auc"], 3) == 0.920
    assert round(table.loc["logistic", "auc"], 3) == 0.930
    assert round(table.loc["preferential_attachment", "auc"], 3) == 0.723
    assert (table["auc_sd"] < 0.1).all()
    local = table.loc[["common_neighbours", "adamic_adar", "resource_allocation"], "auc"]
    assert (local > table.loc["preferential_attachment", "auc"] + 0.1).all()
    sampled = evaluate_link_prediction(meetings, seed=0, samples=50_000, methods=["adamic_adar"])
    assert abs(sampled["auc"].iloc[0] - MONTAGNA_SEED0["adamic_adar"][0]) < 0.01


def test_suggest_links_on_montagna_and_hand_example(meetings):
    G = nx.Graph([("x", c) for c in "abc"] + [("y", c) for c in "abc"] + [("a", "z")])
    top = suggest_links(G, 3)
    assert list(zip(top["u"], top["v"], strict=True)) == [("x", "y"), ("a", "b"), ("a", "c")]
    assert top["score"].tolist() == pytest.approx([1 / 3 + 1 / 2 + 1 / 2, 2 / 3, 2 / 3])
    assert top["rank"].tolist() == [1, 2, 3]
    suggestions = suggest_links(meetings, 5)
    assert len(suggestions) == 5
    assert not any(
        meetings.has_edge(u, v) for u, v in zip(suggestions.u, suggestions.v, strict=True)
    )
    best = suggestions.iloc[0]
    assert (best["u"], best["v"], best["common_neighbours"]) == ("51", "68", 8)
    ra = link_scores(meetings, methods=["resource_allocation"])
    assert best["score"] == pytest.approx(ra["resource_allocation"].max())
    assert len(suggest_links(meetings, 3, method="logistic")) == 3
    assert len(suggest_links(G, 10, method="jaccard")) < 10  # zero scores are not suggested
    with pytest.raises(InvalidValue, match="undirected"):
        suggest_links(nx.DiGraph(G))
