"""Link prediction: ties that are probably there but were not observed.

Wiretaps and surveillance miss ties (a phone line not tapped, a meeting not watched). Link
prediction scores every unobserved pair of actors by how likely a tie is, from the structure
around them (Liben-Nowell & Kleinberg 2007; Lü & Zhou 2011):

- :func:`link_scores`: the five classic similarity indices, equal to networkx's functions;
- :class:`LinkModel` / :func:`fit_link_model`: a logistic regression on the five indices,
  trained on a seeded split of the observed ties (numpy only);
- :func:`auc` and :func:`precision_at_k`: Lü & Zhou's accuracy measures;
- :func:`evaluate_link_prediction`: hide a fraction of the ties, score, measure;
- :func:`suggest_links`: the best-scored missing ties of a network.

See ``docs/network-communities-links.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import rankdata

from cybertnoc.errors import InvalidValue

__all__ = [
    "LINK_INDICES",
    "LINK_METHODS",
    "LinkModel",
    "auc",
    "evaluate_link_prediction",
    "fit_link_model",
    "link_scores",
    "precision_at_k",
    "suggest_links",
]

log = logging.getLogger(__name__)

#: The similarity indices of :func:`link_scores`, in column order.
LINK_INDICES = (
    "common_neighbours",
    "jaccard",
    "adamic_adar",
    "resource_allocation",
    "preferential_attachment",
)
#: Every method :func:`evaluate_link_prediction` and :func:`suggest_links` accept.
LINK_METHODS = (*LINK_INDICES, "logistic")

#: Pairs scored per sparse batch (bounds memory on large candidate sets).
_BATCH = 200_000
#: Above this many non-adjacent pairs, candidate sets are sampled or restricted.
_MAX_PAIRS = 2_000_000


def _check_graph(G: nx.Graph) -> None:
    if G.is_directed() or G.is_multigraph():
        raise InvalidValue(
            type(G).__name__,
            "an undirected simple graph (networkx.Graph)",
            "Pass G.to_undirected() (a call in either direction is a tie) or nx.Graph(G).",
        )


class _Structure:
    """Adjacency of ``G`` as a sparse matrix, with networkx's degrees (self-loops count 2)."""

    def __init__(self, G: nx.Graph) -> None:
        self.nodes = list(G)
        self.index = {n: i for i, n in enumerate(self.nodes)}
        n = len(self.nodes)
        rows, cols, loops = [], [], np.zeros(n, dtype=bool)
        for u, v in G.edges():
            i, j = self.index[u], self.index[v]
            if i == j:
                loops[i] = True
                continue
            rows += [i, j]
            cols += [j, i]
        self.A = sp.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n, n))
        self.loops = loops
        #: networkx ``G.degree``: neighbours, a self-loop counted twice.
        self.degree = np.asarray(self.A.sum(axis=1)).ravel() + 2.0 * loops
        #: ``len(G[u])``: distinct neighbours, the node itself when it has a self-loop.
        self.neighbours = np.asarray(self.A.sum(axis=1)).ravel() + loops
        with np.errstate(divide="ignore"):
            self.inv_log = np.where(self.degree > 1, 1.0 / np.log(self.degree), 0.0)
            self.inv = np.where(self.degree > 0, 1.0 / self.degree, 0.0)

    def pairs(self, pairs: Iterable[tuple[Hashable, Hashable]]) -> tuple[np.ndarray, np.ndarray]:
        i, j = [], []
        for u, v in pairs:
            if u not in self.index or v not in self.index:
                raise InvalidValue((u, v), "a pair of nodes of the graph", "")
            if u == v:
                raise InvalidValue((u, v), "a pair of two different nodes", "")
            i.append(self.index[u])
            j.append(self.index[v])
        return np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)

    def non_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Every non-adjacent pair i < j, in node order."""
        n = len(self.nodes)
        i, j = np.triu_indices(n, k=1)
        if len(i):
            adjacent = np.asarray(self.A[i, j]).ravel() > 0
            i, j = i[~adjacent], j[~adjacent]
        return i.astype(np.int64), j.astype(np.int64)

    def scores(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The five indices of pairs (i, j): an array of shape (len(i), 5)."""
        out = np.empty((len(i), len(LINK_INDICES)), dtype=np.float64)
        for start in range(0, len(i), _BATCH):
            bi, bj = i[start : start + _BATCH], j[start : start + _BATCH]
            common = self.A[bi].multiply(self.A[bj]).tocsr()
            cn = np.asarray(common.sum(axis=1)).ravel()
            adjacent = np.asarray(self.A[bi, bj]).ravel() > 0 if len(bi) else np.zeros(0, bool)
            # |N(u) ∩ N(v)| with the nodes themselves (a self-loop puts u in N(u)).
            full = cn + (adjacent & self.loops[bi]) + (adjacent & self.loops[bj])
            union = self.neighbours[bi] + self.neighbours[bj] - full
            out[start : start + len(bi), 0] = cn
            out[start : start + len(bi), 1] = np.divide(
                cn, union, out=np.zeros_like(cn), where=union > 0
            )
            out[start : start + len(bi), 2] = common @ self.inv_log
            out[start : start + len(bi), 3] = common @ self.inv
            out[start : start + len(bi), 4] = self.degree[bi] * self.degree[bj]
        return out


def link_scores(
    G: nx.Graph,
    pairs: Iterable[tuple[Hashable, Hashable]] | None = None,
    *,
    methods: Sequence[str] = LINK_INDICES,
) -> pd.DataFrame:
    """Similarity indices of pairs of nodes: the classic local link predictors.

    With :math:`\\Gamma(u)` the neighbours of :math:`u` and :math:`k_z` the degree of :math:`z`
    (Liben-Nowell & Kleinberg 2007; Lü & Zhou 2011, Table 1):

    - ``common_neighbours``: :math:`|\\Gamma(u) \\cap \\Gamma(v)|`;
    - ``jaccard``: :math:`|\\Gamma(u) \\cap \\Gamma(v)| / |\\Gamma(u) \\cup \\Gamma(v)|`
      (0 when both have no neighbour);
    - ``adamic_adar``: :math:`\\sum_{z \\in \\Gamma(u) \\cap \\Gamma(v)} 1 / \\log k_z`
      (Adamic & Adar 2003): a shared contact with few contacts counts more;
    - ``resource_allocation``: :math:`\\sum_{z \\in \\Gamma(u) \\cap \\Gamma(v)} 1 / k_z`
      (Zhou, Lü & Zhang 2009);
    - ``preferential_attachment``: :math:`k_u k_v` (Barabási & Albert 1999).

    Every value equals networkx's ``common_neighbors``, ``jaccard_coefficient``,
    ``adamic_adar_index``, ``resource_allocation_index`` and ``preferential_attachment`` (within
    1e-12; self-loops treated as networkx does: a self-loop adds 2 to the degree). They are
    computed for all pairs at once with sparse matrix products.

    Parameters
    ----------
    G : networkx.Graph
        Undirected; edge weights are ignored.
    pairs : iterable of (node, node), optional
        The pairs to score; by default every pair of non-adjacent nodes (networkx's
        ``non_edges``), in node order (u before v in ``G``).
    methods : sequence of str
        The indices to return (see :data:`LINK_INDICES`).

    Returns
    -------
    pandas.DataFrame
        Columns ``u``, ``v`` and one per index.

    References
    ----------
    Liben-Nowell, D. & Kleinberg, J. (2007). The link-prediction problem for social networks.
    JASIST 58(7), 1019-1031.
    Lü, L. & Zhou, T. (2011). Link prediction in complex networks: a survey. Physica A 390(6),
    1150-1170.

    Examples
    --------
    A path a - b - c and a pendant d on c:

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> scores = link_scores(G, [("a", "c"), ("a", "d")])
    >>> scores[["u", "v", "common_neighbours", "jaccard", "preferential_attachment"]]
       u  v  common_neighbours  jaccard  preferential_attachment
    0  a  c                1.0      0.5                      2.0
    1  a  d                0.0      0.0                      1.0
    >>> round(float(scores.loc[0, "adamic_adar"]), 4), float(scores.loc[0, "resource_allocation"])
    (1.4427, 0.5)
    """
    _check_graph(G)
    unknown = [m for m in methods if m not in LINK_INDICES]
    if unknown:
        raise InvalidValue(unknown, f"indices among {', '.join(LINK_INDICES)}", "")
    s = _Structure(G)
    i, j = s.non_edges() if pairs is None else s.pairs(pairs)
    values = s.scores(i, j)
    frame = pd.DataFrame({"u": [s.nodes[k] for k in i], "v": [s.nodes[k] for k in j]})
    for m in methods:
        frame[m] = values[:, LINK_INDICES.index(m)]
    return frame


def _features(values: np.ndarray) -> np.ndarray:
    """Features of the logistic model: log(1 + index) of the five indices."""
    return np.log1p(values)


@dataclass(frozen=True)
class LinkModel:
    """A logistic regression of "tie or not" on the five indices of :func:`link_scores`.

    :math:`P(\\text{tie}) = 1 / (1 + e^{-(b_0 + \\sum_k b_k z_k)})` with :math:`z_k` the
    standardised :math:`\\log(1 + \\text{index}_k)`. Fitted by :func:`fit_link_model`.

    Attributes
    ----------
    intercept : float
    coefficients : tuple of float
        One per index of :data:`LINK_INDICES`, on the standardised scale.
    mean, scale : tuple of float
        Standardisation of the features (training mean and standard deviation).
    positives, negatives : int
        Training pairs: held-out observed ties and non-adjacent pairs.
    seed : int
    """

    intercept: float
    coefficients: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    positives: int
    negatives: int
    seed: int

    def _z(self, values: np.ndarray) -> np.ndarray:
        return (_features(values) - np.asarray(self.mean)) / np.asarray(self.scale)

    def predict(self, values: np.ndarray) -> np.ndarray:
        """Tie probabilities from an array of the five indices (one row per pair)."""
        eta = self.intercept + self._z(values) @ np.asarray(self.coefficients)
        return 1.0 / (1.0 + np.exp(-eta))

    def score(
        self, G: nx.Graph, pairs: Iterable[tuple[Hashable, Hashable]] | None = None
    ) -> pd.DataFrame:
        """Tie probabilities of pairs of ``G`` (default: every non-adjacent pair): ``u, v, p``."""
        _check_graph(G)
        s = _Structure(G)
        i, j = s.non_edges() if pairs is None else s.pairs(pairs)
        p = self.predict(s.scores(i, j))
        return pd.DataFrame({"u": [s.nodes[k] for k in i], "v": [s.nodes[k] for k in j], "p": p})


def _fit_logistic(
    X: np.ndarray, y: np.ndarray, l2: float, iterations: int = 100
) -> tuple[float, np.ndarray]:
    """Penalised logistic regression by Newton–Raphson (intercept not penalised)."""
    Z = np.column_stack([np.ones(len(X)), X])
    beta = np.zeros(Z.shape[1])
    penalty = np.full(Z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        eta = np.clip(Z @ beta, -30, 30)
        p = 1.0 / (1.0 + np.exp(-eta))
        gradient = Z.T @ (y - p) - penalty * beta
        hessian = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(penalty) + 1e-10 * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), beta[1:]


def _sample_non_edges(
    s: _Structure, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` distinct non-adjacent pairs (i < j) drawn uniformly."""
    n = len(s.nodes)
    total = n * (n - 1) // 2 - s.A.nnz // 2
    if total <= _MAX_PAIRS:
        i, j = s.non_edges()
        pick = rng.choice(len(i), size=min(count, len(i)), replace=False)
        pick.sort()
        return i[pick], j[pick]
    chosen: dict[tuple[int, int], None] = {}
    while len(chosen) < count:
        a, b = rng.integers(0, n, size=2)
        if a == b:
            continue
        key = (int(min(a, b)), int(max(a, b)))
        if key in chosen or s.A[key[0], key[1]]:
            continue
        chosen[key] = None
    pairs = np.array(list(chosen), dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def fit_link_model(
    G: nx.Graph,
    *,
    holdout: float = 0.2,
    negatives: float = 1.0,
    l2: float = 1.0,
    seed: int = 0,
) -> LinkModel:
    """Train a :class:`LinkModel` on the observed ties of ``G``.

    A seeded ``holdout`` fraction of the edges is removed; the five indices are computed on
    the remaining graph for the removed edges (positives) and for ``negatives`` times as many
    non-adjacent pairs of ``G`` drawn uniformly (negatives); a logistic regression with an L2
    penalty ``l2`` on the standardised :math:`\\log(1 + \\text{index})` features is fitted by
    Newton–Raphson. Supervised combination of topological indices as in Lichtenwalter, Lussier
    & Chawla (2010), with logistic regression instead of their ensemble of trees.

    Parameters
    ----------
    G : networkx.Graph
        Undirected; at least 2 edges and one non-adjacent pair.
    holdout : float
        Fraction of the edges used as positive training pairs, in (0, 1).
    negatives : float
        Negative pairs per positive pair.
    l2 : float
        Ridge penalty (0: plain maximum likelihood, which may diverge on separable data).
    seed : int
        Seed of the split and of the negative sample.

    Returns
    -------
    LinkModel

    References
    ----------
    Lichtenwalter, R. N., Lussier, J. T. & Chawla, N. V. (2010). New perspectives and methods
    in link prediction. KDD '10, 243-252.
    """
    _check_graph(G)
    if not 0 < holdout < 1:
        raise InvalidValue(holdout, "a fraction between 0 and 1 (exclusive)", "")
    edges = [(u, v) for u, v in G.edges() if u != v]
    if len(edges) < 2:
        raise InvalidValue(len(edges), "at least 2 edges to learn from", "")
    rng = np.random.default_rng(seed)
    n_pos = max(1, round(holdout * len(edges)))
    held = rng.choice(len(edges), size=n_pos, replace=False)
    positives = [edges[k] for k in sorted(held)]
    train = G.copy()
    train.remove_edges_from(positives)
    s_all = _Structure(G)
    ni, nj = _sample_non_edges(s_all, max(1, round(negatives * n_pos)), rng)
    if len(ni) == 0:
        raise InvalidValue(0, "a graph with at least one non-adjacent pair", "")
    s = _Structure(train)
    pi, pj = s.pairs(positives)
    values = np.vstack([s.scores(pi, pj), s.scores(ni, nj)])
    y = np.concatenate([np.ones(len(pi)), np.zeros(len(ni))])
    X = _features(values)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    intercept, coefficients = _fit_logistic((X - mean) / scale, y, l2)
    log.debug("fit_link_model: %d positives, %d negatives", len(pi), len(ni))
    return LinkModel(
        intercept,
        tuple(float(c) for c in coefficients),
        tuple(float(m) for m in mean),
        tuple(float(c) for c in scale),
        len(pi),
        len(ni),
        seed,
    )


def auc(
    positive: Sequence[float] | np.ndarray,
    negative: Sequence[float] | np.ndarray,
    *,
    samples: int | None = None,
    seed: int = 0,
) -> float:
    """Area under the ROC curve of link scores (Lü & Zhou 2011).

    The probability that a hidden (true) tie scores higher than a non-existent pair, ties
    between the two counting 1/2:
    :math:`\\mathrm{AUC} = (n' + 0.5\\, n'') / n` over :math:`n` comparisons, :math:`n'` of
    them won and :math:`n''` tied. With ``samples=None`` every (positive, negative)
    comparison is made (exactly, through ranks: the Mann–Whitney statistic); with
    ``samples=n``, ``n`` independent comparisons of a random positive and a random negative
    are drawn with ``seed``, as in Lü & Zhou.

    Examples
    --------
    Hidden ties scoring 3 and 1 against non-existent pairs scoring 1, 0 and 2: 3 beats all
    three, 1 ties one and beats one, so (3 + 1 + 0.5) / 6:

    >>> auc([3, 1], [1, 0, 2])
    0.75
    """
    pos = np.asarray(positive, dtype=np.float64)
    neg = np.asarray(negative, dtype=np.float64)
    if len(pos) == 0 or len(neg) == 0:
        raise InvalidValue((len(pos), len(neg)), "at least one positive and one negative score", "")
    if samples is None:
        ranks = rankdata(np.concatenate([pos, neg]))
        u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
        return float(u / (len(pos) * len(neg)))
    if samples < 1:
        raise InvalidValue(samples, "a positive number of comparisons", "")
    rng = np.random.default_rng(seed)
    a = pos[rng.integers(0, len(pos), size=samples)]
    b = neg[rng.integers(0, len(neg), size=samples)]
    return float((np.sum(a > b) + 0.5 * np.sum(a == b)) / samples)


def _ranked(scores: np.ndarray, rng: np.random.Generator | None) -> np.ndarray:
    """Indices by decreasing score; ties in a random (seeded) or in the given order."""
    if rng is None:
        return np.argsort(-scores, kind="stable")
    shuffle = rng.permutation(len(scores))
    return shuffle[np.argsort(-scores[shuffle], kind="stable")]


def precision_at_k(
    scores: Sequence[float] | np.ndarray,
    hidden: Sequence[bool] | np.ndarray,
    k: int,
    *,
    seed: int | None = 0,
) -> float:
    """Precision of the top ``k`` pairs: the fraction that are hidden (true) ties.

    Candidates are ranked by decreasing score; pairs with equal scores are put in a random
    order drawn with ``seed`` (None keeps their given order). Lü & Zhou (2011) call it
    precision at L.

    Examples
    --------
    >>> precision_at_k([0.9, 0.8, 0.3, 0.1], [True, False, True, False], 2)
    0.5
    """
    values = np.asarray(scores, dtype=np.float64)
    truth = np.asarray(hidden, dtype=bool)
    if len(values) != len(truth):
        raise InvalidValue((len(values), len(truth)), "scores and labels of equal length", "")
    if not 1 <= k <= len(values):
        raise InvalidValue(k, f"a number of pairs between 1 and {len(values)}", "")
    order = _ranked(values, None if seed is None else np.random.default_rng(seed))
    return float(truth[order[:k]].mean())


def evaluate_link_prediction(
    G: nx.Graph,
    *,
    hidden: float = 0.1,
    seed: int = 0,
    methods: Sequence[str] = LINK_METHODS,
    k: int | None = None,
    samples: int | None = None,
    repeats: int = 1,
    max_pairs: int = _MAX_PAIRS,
) -> pd.DataFrame:
    """How well each method recovers ties hidden from the network.

    Lü & Zhou's (2011) protocol: a random ``hidden`` fraction of the edges (the probe set
    :math:`E^P`, drawn with ``seed``) is removed; every method scores the pairs not tied in the
    remaining training graph, using the training graph only; the scores of the hidden ties are
    compared with those of the non-existent pairs (not tied in ``G``) by :func:`auc`, and the
    top ``k`` candidates by :func:`precision_at_k`. All methods see the same split. With
    ``repeats`` > 1 the procedure is repeated on independent splits (all drawn from ``seed``)
    and averaged. Self-loops are ignored.

    Parameters
    ----------
    G : networkx.Graph
        Undirected; edge weights are ignored.
    hidden : float
        Fraction of edges hidden, in (0, 1) (rounded, at least one edge).
    seed : int
        Seed of the splits, of the logistic model's training split and of the tie-breaking of
        the precision ranking.
    methods : sequence of str
        Among :data:`LINK_METHODS`.
    k : int, optional
        Number of top candidates for the precision; default the number of hidden edges.
    samples : int, optional
        AUC from this many sampled comparisons instead of all (see :func:`auc`).
    repeats : int
        Independent splits averaged.
    max_pairs : int
        When the non-existent pairs exceed this, a uniform sample of ``max_pairs`` of them is
        used (logged); the AUC stays unbiased, the precision is then that of the sample.

    Returns
    -------
    pandas.DataFrame
        One row per method: ``method``, ``auc``, ``auc_sd`` and ``precision``,
        ``precision_sd`` (standard deviations over repeats; NaN for one), ``k``,
        ``hidden_edges``, ``nonexistent_pairs``, ``repeats``, ``seed``.
    """
    _check_graph(G)
    unknown = [m for m in methods if m not in LINK_METHODS]
    if unknown:
        raise InvalidValue(unknown, f"methods among {', '.join(LINK_METHODS)}", "")
    if not 0 < hidden < 1:
        raise InvalidValue(hidden, "a fraction between 0 and 1 (exclusive)", "")
    if repeats < 1:
        raise InvalidValue(repeats, "at least one repeat", "")
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    edges = list(H.edges())
    n_hidden = max(1, round(hidden * len(edges)))
    if n_hidden >= len(edges):
        raise InvalidValue(hidden, "a fraction that leaves some edges observed", "")
    rng = np.random.default_rng(seed)
    full = _Structure(H)
    ni, nj = full.non_edges()
    if len(ni) == 0:
        raise InvalidValue(0, "a graph with at least one non-adjacent pair", "")
    results: dict[str, list[tuple[float, float]]] = {m: [] for m in methods}
    used_k = k if k is not None else n_hidden
    for repeat in range(repeats):
        probe = [edges[x] for x in sorted(rng.choice(len(edges), size=n_hidden, replace=False))]
        train = H.copy()
        train.remove_edges_from(probe)
        s = _Structure(train)
        pi, pj = s.pairs(probe)
        qi, qj = ni, nj
        if len(ni) > max_pairs:
            pick = np.sort(rng.choice(len(ni), size=max_pairs, replace=False))
            qi, qj = ni[pick], nj[pick]
            log.info("evaluate_link_prediction: %d of %d non-existent pairs", max_pairs, len(ni))
        values = s.scores(np.concatenate([pi, qi]), np.concatenate([pj, qj]))
        truth = np.concatenate([np.ones(len(pi), bool), np.zeros(len(qi), bool)])
        for m in methods:
            if m == "logistic":
                model = fit_link_model(train, seed=seed + repeat)
                score = model.predict(values)
            else:
                score = values[:, LINK_INDICES.index(m)]
            a = auc(score[truth], score[~truth], samples=samples, seed=seed + repeat)
            p = precision_at_k(score, truth, min(used_k, len(score)), seed=seed + repeat)
            results[m].append((a, p))
    rows = []
    for m in methods:
        values_ = np.asarray(results[m])
        sd = np.std(values_, axis=0, ddof=1) if repeats > 1 else np.full(2, np.nan)
        rows.append(
            {
                "method": m,
                "auc": float(values_[:, 0].mean()),
                "auc_sd": float(sd[0]),
                "precision": float(values_[:, 1].mean()),
                "precision_sd": float(sd[1]),
                "k": used_k,
                "hidden_edges": n_hidden,
                "nonexistent_pairs": int(min(len(ni), max_pairs)),
                "repeats": repeats,
                "seed": seed,
            }
        )
    return pd.DataFrame(rows)


def suggest_links(
    G: nx.Graph,
    k: int = 10,
    *,
    method: str = "resource_allocation",
    seed: int = 0,
    candidates: Iterable[tuple[Hashable, Hashable]] | None = None,
) -> pd.DataFrame:
    """The ``k`` most likely missing ties of ``G``: pairs to check in the case files.

    Every candidate pair (by default every non-adjacent pair; on graphs with more than two
    million such pairs, only the pairs at distance two, which are the only ones the
    neighbourhood indices score above zero) is scored by ``method`` and the best ``k`` with a
    score above zero are returned, ties in score broken by node order. ``logistic`` fits a
    :func:`fit_link_model` on ``G`` with ``seed`` first.

    A suggestion is a hypothesis from structure alone (two suspects with many shared contacts),
    not evidence of a tie: use it to direct a search of the sources.

    Returns
    -------
    pandas.DataFrame
        Columns ``rank`` (from 1), ``u``, ``v``, ``score`` and ``common_neighbours``.

    Examples
    --------
    Two people who share three contacts but were never recorded together:

    >>> G = nx.Graph([("x", c) for c in "abc"] + [("y", c) for c in "abc"] + [("a", "z")])
    >>> suggest_links(G, 2)[["u", "v", "common_neighbours"]].to_dict("records")
    [{'u': 'x', 'v': 'y', 'common_neighbours': 3}, {'u': 'a', 'v': 'b', 'common_neighbours': 2}]
    """
    _check_graph(G)
    if method not in LINK_METHODS:
        raise InvalidValue(method, f"one of {', '.join(LINK_METHODS)}", "")
    if k < 1:
        raise InvalidValue(k, "a positive number of suggestions", "")
    s = _Structure(G)
    if candidates is not None:
        i, j = s.pairs(candidates)
    else:
        n = len(s.nodes)
        if n * (n - 1) // 2 - s.A.nnz // 2 <= _MAX_PAIRS:
            i, j = s.non_edges()
        else:
            two = sp.triu(s.A @ s.A, k=1).tocsr()
            two = two - two.multiply(s.A)
            two.eliminate_zeros()
            coo = two.tocoo()
            i, j = coo.row.astype(np.int64), coo.col.astype(np.int64)
            order = np.lexsort((j, i))
            i, j = i[order], j[order]
            log.info("suggest_links: %d candidate pairs at distance two", len(i))
    values = s.scores(i, j)
    if method == "logistic":
        score = fit_link_model(G, seed=seed).predict(values)
    else:
        score = values[:, LINK_INDICES.index(method)]
    order = _ranked(score, None)
    order = order[score[order] > 0][:k]
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(order) + 1),
            "u": [s.nodes[x] for x in i[order]],
            "v": [s.nodes[x] for x in j[order]],
            "score": score[order],
            "common_neighbours": values[order, 0].astype(int),
        }
    )
