"""Two-mode projection, multiplex layers and time slices: networkx equality and published figures.

Oracles: networkx's bipartite projections (same graphs, same weights); the Infinito figures of
networks/ndrangheta_infinito/SOURCE.md (156 persons x 47 summits, raw projection 1,619 edges,
Legramanti et al.'s 146-node / 1,569-edge matrix reproduced edge for edge); the Montagna layers
(101/256 and 100/124, 47 shared actors; Ficara et al. 2021); the Caviar phase table of
networks/caviar/SOURCE.md (nodes, arcs, undirected edges and weight of each of the 11 phases).
"""

from __future__ import annotations

import csv

import networkx as nx
import pandas as pd
import pytest
from networkx.algorithms import bipartite

from conftest import TEST_KEY, shared_data
from cybertnoc.errors import InvalidValue
from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest.formats import import_format
from cybertnoc.network.load import network_from_file
from cybertnoc.network.twomode import (
    layer_graphs,
    layer_overlap,
    merge_layers,
    project_two_mode,
    time_slices,
    two_mode_graph,
    workspace_projection,
    workspace_two_mode,
)
from cybertnoc.store import Workspace

NET = "networks"
PSEUDO = Pseudonymiser(TEST_KEY)

NX_PROJECTIONS = {
    None: lambda B, n: bipartite.projected_graph(B, n),
    "count": lambda B, n: bipartite.weighted_projected_graph(B, n),
    "ratio": lambda B, n: bipartite.weighted_projected_graph(B, n, ratio=True),
    "newman": lambda B, n: bipartite.collaboration_weighted_projected_graph(B, n),
    "jaccard": lambda B, n: bipartite.overlap_weighted_projected_graph(B, n),
    "overlap": lambda B, n: bipartite.overlap_weighted_projected_graph(B, n, jaccard=False),
}


def _assert_equal_to_networkx(B, nodes, weight):
    ours = project_two_mode(B, nodes, weight=weight)
    ref = NX_PROJECTIONS[weight](B, nodes)
    assert list(ours.nodes(data=True)) == list(ref.nodes(data=True))
    assert ours.graph == ref.graph
    mine = {frozenset((u, v)): d for u, v, d in ours.edges(data=True)}
    theirs = {frozenset((u, v)): d for u, v, d in ref.edges(data=True)}
    assert mine.keys() == theirs.keys()
    for key, data in theirs.items():
        assert mine[key].keys() == data.keys()
        if "weight" in data:
            assert mine[key]["weight"] == pytest.approx(data["weight"], abs=1e-12)
            assert type(mine[key]["weight"]) is type(data["weight"])  # int counts stay int
    return ours


@pytest.mark.parametrize("weight", list(NX_PROJECTIONS))
def test_projection_equals_networkx_on_davis_southern_women(weight):
    B = nx.davis_southern_women_graph()
    women = B.graph["top"]
    G = _assert_equal_to_networkx(B, women, weight)
    # Davis, Gardner & Gardner (1941): 18 women, 14 events; every woman shares an event with
    # at least 11 others, and the women's co-attendance network has 139 of the 153 pairs.
    assert (G.number_of_nodes(), G.number_of_edges()) == (18, 139)
    _assert_equal_to_networkx(B, B.graph["bottom"], weight)


@pytest.mark.parametrize("weight", list(NX_PROJECTIONS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_projection_equals_networkx_on_random_two_mode_graphs(weight, seed):
    B = bipartite.random_graph(30, 12, 0.15, seed=seed)
    B.add_node("lonely", bipartite=0)  # a person at no event stays, isolated
    people = [n for n, d in B.nodes(data="bipartite") if d == 0]
    G = _assert_equal_to_networkx(B, people, weight)
    assert G.degree("lonely") == 0


def test_hand_worked_weights():
    # Ann and Bob at m1 (a meeting of 2) and m2 (of 3, with Cy); Dan alone at m3.
    B = nx.Graph([("Ann", "m1"), ("Bob", "m1"), ("Ann", "m2"), ("Bob", "m2"), ("Cy", "m2")])
    B.add_edge("Dan", "m3")
    people = ["Ann", "Bob", "Cy", "Dan"]

    def w(kind):
        return {
            tuple(sorted(e[:2])): e[2]
            for e in project_two_mode(B, people, weight=kind).edges(data="weight")
        }

    assert w("count") == {("Ann", "Bob"): 2, ("Ann", "Cy"): 1, ("Bob", "Cy"): 1}
    assert w("ratio")[("Ann", "Bob")] == pytest.approx(2 / 3)  # 3 events
    assert w("newman") == {("Ann", "Bob"): 1 / 1 + 1 / 2, ("Ann", "Cy"): 0.5, ("Bob", "Cy"): 0.5}
    assert w("jaccard") == {("Ann", "Bob"): 1.0, ("Ann", "Cy"): 0.5, ("Bob", "Cy"): 0.5}
    assert w("overlap") == {("Ann", "Bob"): 1.0, ("Ann", "Cy"): 1.0, ("Bob", "Cy"): 1.0}


def test_projection_errors():
    B = nx.Graph([("a", "e1"), ("b", "e1")])
    with pytest.raises(InvalidValue, match="distinct"):
        project_two_mode(B, ["a", "a"])
    with pytest.raises(InvalidValue, match="nodes of B"):
        project_two_mode(B, ["a", "zz"])
    with pytest.raises(InvalidValue, match="weighting"):
        project_two_mode(B, ["a", "b"], weight="sum")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="undirected"):
        project_two_mode(nx.DiGraph(B), ["a", "b"])
    B.add_edge("a", "b")  # not two-mode
    with pytest.raises(InvalidValue, match="bipartite"):
        project_two_mode(B, ["a", "b"])


def test_two_mode_graph_from_a_table():
    ties = pd.DataFrame({"who": ["Ann", "Bob", "Bob", None], "what": ["m1", "m1", "m2", "m3"]})
    B = two_mode_graph(ties, actor="who", event="what")
    assert list(B.nodes(data="bipartite")) == [("Ann", 0), ("Bob", 0), ("m1", 1), ("m2", 1)]
    assert B.number_of_edges() == 3
    with pytest.raises(InvalidValue, match="not both"):
        two_mode_graph(pd.DataFrame({"actor": ["x"], "event": ["x"]}))


# -- Operazione Infinito ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def infinito(tmp_path_factory):
    folder = shared_data(f"{NET}/ndrangheta_infinito")
    ws = Workspace.create(tmp_path_factory.mktemp("infinito") / "ws")
    import_format(ws, folder, "two-mode-matrix", pseudonymiser=PSEUDO)
    yield ws, folder
    ws.close()


def test_infinito_two_mode_graph_from_the_workspace(infinito):
    ws, _ = infinito
    B = workspace_two_mode(ws)
    actors = [n for n, side in B.nodes(data="bipartite") if side == 0]
    events = [n for n, side in B.nodes(data="bipartite") if side == 1]
    assert (len(actors), len(events), B.number_of_edges()) == (156, 47, 455)
    assert sum(1 for a in actors if B.degree(a) == 0) == 5  # attended no recorded summit
    sizes = [B.degree(e) for e in events]
    assert (min(sizes), max(sizes), round(sum(sizes) / len(sizes), 2)) == (4, 25, 9.68)
    assert max(B.degree(a) for a in actors) == 17
    assert B.nodes[PSEUDO("MANNO Alessandro")]["role"] == "boss"
    groups = pd.Series([B.nodes[a].get("group") for a in actors]).value_counts()
    assert {k: int(groups[k]) for k in "ABCDE"} == {"A": 16, "B": 14, "C": 23, "D": 15, "E": 16}
    assert workspace_two_mode(ws, roles=["attended"]).number_of_edges() == 455
    assert workspace_two_mode(ws, roles=["chaired"]).number_of_edges() == 0
    assert len(workspace_two_mode(ws, isolates=False)) == 151 + 47


def test_infinito_raw_projection_reproduces_source_figures(infinito):
    ws, _ = infinito
    G = workspace_projection(ws)
    # SOURCE.md: 156 persons, 1,619 edges, 5 isolates, total weight 2,458, density 0.1339.
    assert (G.number_of_nodes(), G.number_of_edges()) == (156, 1619)
    assert nx.number_of_isolates(G) == 5
    assert G.size(weight="weight") == 2458
    assert round(nx.density(G), 4) == 0.1339
    top_degree = max(G.degree, key=lambda x: x[1])
    top_strength = max(G.degree(weight="weight"), key=lambda x: x[1])
    assert top_degree == (PSEUDO("MANNO Alessandro"), 75)
    assert top_strength == (PSEUDO("MANNO Alessandro"), 171)
    assert G.degree(PSEUDO("PANETTA Pietro Francesco")) == 65
    B = workspace_two_mode(ws)
    actors = [n for n, side in B.nodes(data="bipartite") if side == 0]
    _assert_equal_to_networkx(B, actors, "count")
    _assert_equal_to_networkx(B, actors, "newman")


def test_infinito_legramanti_preprocessing_reproduced_edge_for_edge(infinito):
    """Legramanti et al. (2022): 4 imputed attendances, 10 persons dropped, B·Bᵀ > 0."""
    ws, folder = infinito
    with open(folder / "NDRANGHETAMAFIA_2M.csv", encoding="utf-8-sig", newline="") as fh:
        names = [row[0] for row in list(csv.reader(fh))[1:]]
    B = workspace_two_mode(ws)
    summit = {}
    for n, data in B.nodes(data=True):
        if data["bipartite"] == 1:
            (number,) = ws.con.execute(
                "SELECT value FROM statements WHERE entity_id = ? AND prop = 'recordId'",
                [data["entity_id"]],
            ).fetchone()
            summit[int(number)] = n
    # R indices with the name column as column 1: A[23, 20] is row 23, summit 19.
    for row, column in ((23, 20), (48, 23), (78, 35), (115, 22)):
        person = PSEUDO(names[row - 1])
        assert not B.has_edge(person, summit[column - 1])
        B.add_edge(person, summit[column - 1])
    first_names_only = [PSEUDO(names[r - 1]) for r in (38, 105, 106, 125, 135)]
    assert [names[r - 1] for r in (38, 105, 106, 125, 135)] == [
        "Carmelo",
        "Mario",
        "Mauro",
        "Pino",
        "Raffaele",
    ]
    B.remove_nodes_from(first_names_only)
    B.remove_nodes_from([n for n, s in B.nodes(data="bipartite") if s == 0 and B.degree(n) == 0])
    G = project_two_mode(B, [n for n, s in B.nodes(data="bipartite") if s == 0], weight=None)
    assert (G.number_of_nodes(), G.number_of_edges()) == (146, 1569)
    with open(folder / "infinito146_nodes_derived.csv", encoding="utf-8", newline="") as fh:
        ids = {r["id"]: PSEUDO(r["name_in_2M_file"]) for r in csv.DictReader(fh)}
    with open(folder / "infinito146_edgelist_derived.csv", encoding="utf-8", newline="") as fh:
        greed = {frozenset((ids[r["source"]], ids[r["target"]])) for r in csv.DictReader(fh)}
    assert {frozenset(e) for e in G.edges()} == greed
    assert set(G) == set(ids.values())


# -- Montagna: two layers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def montagna(tmp_path_factory):
    folder = shared_data(f"{NET}/montagna")
    ws = Workspace.create(tmp_path_factory.mktemp("montagna") / "ws")
    import_format(ws, folder, "montagna-edgelist")
    yield ws, folder
    ws.close()


def test_montagna_layers_apart(montagna):
    ws, folder = montagna
    layers = layer_graphs(ws)
    assert list(layers) == ["meetings", "phone calls"]
    meetings, calls = layers["meetings"], layers["phone calls"]
    assert (meetings.number_of_nodes(), meetings.number_of_edges()) == (101, 256)
    assert (calls.number_of_nodes(), calls.number_of_edges()) == (100, 124)
    # Last-row-wins weights (the authors' loader): 369 and 210.
    assert (meetings.size("weight"), calls.size("weight")) == (369, 210)
    # The same graphs as the file read on its own, node order included.
    for layer, name in ((meetings, "meetings"), (calls, "phonecalls")):
        alone = network_from_file(folder / f"Montagna_{name}_edgelist.csv", "montagna-edgelist")
        assert list(layer) == list(alone)
        assert {frozenset(e): w for *e, w in layer.edges(data="weight")} == {
            frozenset(e): w for *e, w in alone.edges(data="weight")
        }
    overlap = layer_overlap(layers).iloc[0]
    assert overlap["shared_nodes"] == 47  # Ficara et al. (2021): the layers share 47 nodes
    assert (overlap["nodes_a"], overlap["nodes_b"]) == (101, 100)
    assert overlap["shared_edges"] == 38  # pairs both met and phoned
    assert overlap["shared_edges"] == len(
        {frozenset(e) for e in meetings.edges()} & {frozenset(e) for e in calls.edges()}
    )


def test_montagna_layers_merged(montagna):
    ws, _ = montagna
    layers = layer_graphs(ws)
    G = merge_layers(layers)
    assert G.number_of_nodes() == 154  # union of the two layers (SOURCE.md)
    shared = layer_overlap(layers).iloc[0]["shared_edges"]
    assert G.number_of_edges() == 256 + 124 - shared == 342
    assert sum(d["weight:meetings"] for *_, d in G.edges(data=True)) == 369
    assert sum(d["weight:phone calls"] for *_, d in G.edges(data=True)) == 210
    assert G.size("weight") == 369 + 210
    assert sum(1 for *_, k in G.edges(data="layers") if k == 2) == shared
    for u, v, d in G.edges(data=True):
        assert d["weight:meetings"] == layers["meetings"].get_edge_data(u, v, {}).get("weight", 0)
    calls_first = layer_graphs(ws, ["phone calls", "meetings"])
    assert list(calls_first) == ["phone calls", "meetings"]
    assert list(merge_layers(calls_first))[:100] == list(layers["phone calls"])
    with pytest.raises(InvalidValue, match="all directed"):
        merge_layers({"a": nx.Graph([(1, 2)]), "b": nx.DiGraph([(1, 2)])})


# -- Caviar: 11 phases -----------------------------------------------------------------------

#: networks/caviar/SOURCE.md: nodes, arcs, undirected edges, total weight, top undirected degree.
CAVIAR_PHASES = {
    1: (15, 26, 18, 59, ("1", 12)),
    2: (24, 35, 28, 120, ("1", 19)),
    3: (33, 68, 56, 282, ("1", 27)),
    4: (33, 65, 48, 456, ("1", 23)),
    5: (32, 50, 39, 162, ("1", 22)),
    6: (27, 68, 47, 668, ("1", 18)),
    7: (36, 63, 49, 379, ("1", 24)),
    8: (42, 75, 58, 335, ("1", 20)),
    9: (34, 60, 44, 317, ("3", 11)),
    10: (42, 68, 50, 478, ("1", 13)),
    11: (41, 72, 50, 355, ("12", 12)),
}


@pytest.fixture(scope="module")
def caviar(tmp_path_factory):
    ws = Workspace.create(tmp_path_factory.mktemp("caviar") / "ws")
    import_format(ws, shared_data(f"{NET}/caviar/phases"), "ucinet-matrix")
    yield ws
    ws.close()


def test_caviar_time_slices_reproduce_the_phase_table(caviar):
    slices = time_slices(caviar)
    assert list(slices) == [f"phase{k}" for k in range(1, 12)]  # phase2 before phase10
    for k, (nodes, arcs, edges, weight, top) in CAVIAR_PHASES.items():
        G = slices[f"phase{k}"]
        assert G.is_directed()
        assert (G.number_of_nodes(), G.number_of_edges(), G.size("weight")) == (
            nodes,
            arcs,
            weight,
        )
        U = G.to_undirected()
        assert U.number_of_edges() == edges
        assert round(nx.density(U), 4) == round(2 * edges / (nodes * (nodes - 1)), 4)
        best = max(U.degree, key=lambda x: (x[1], -int(x[0])))
        assert best == top


def test_caviar_cumulative_and_aligned_slices(caviar):
    cumulative = time_slices(caviar, cumulative=True)
    last = cumulative["phase11"]
    # SOURCE.md: the union of the phase arcs is 303 arcs on 107 nodes; weights add up.
    assert (last.number_of_nodes(), last.number_of_edges()) == (107, 303)
    assert last.size("weight") == sum(v[3] for v in CAVIAR_PHASES.values())
    assert cumulative["phase1"].number_of_edges() == 26
    sizes = [g.number_of_edges() for g in cumulative.values()]
    assert sizes == sorted(sizes)
    aligned = time_slices(caviar, all_nodes=True)
    assert {g.number_of_nodes() for g in aligned.values()} == {107}
    assert aligned["phase1"].number_of_edges() == 26
    chosen = time_slices(caviar, ["phase10", "phase2"], directed=False)
    assert list(chosen) == ["phase10", "phase2"]
    assert chosen["phase2"].number_of_edges() == 28
