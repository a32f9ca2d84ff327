"""`cybertnoc network ...`: the interface scripts rely on, on the real data sets and small files.

The commands read the files through the built-in formats, exactly as a user types them; results
are compared with networkx (the reference definitions), with the published figures of the data
sets' SOURCE.md, and with the published Montagna curves of Cavallaro et al. (2020).
"""

from __future__ import annotations

import io
import json

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import TEST_KEY, shared_data
from cybertnoc.cli import cli
from cybertnoc.network.load import network_from_file
from cybertnoc.report import self_containment_problems


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("CYBERTNOC_WORKSPACE", raising=False)
    monkeypatch.setenv("CYBERTNOC_KEY", TEST_KEY.decode())
    return CliRunner()


def _ok(runner, args):
    result = runner.invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


@pytest.fixture(scope="module")
def caviar():
    return shared_data("networks/caviar/morselli_caviar.csv")


@pytest.fixture(scope="module")
def meetings():
    return shared_data("networks/montagna/Montagna_meetings_edgelist.csv")


@pytest.fixture
def bridge(tmp_path):
    """Two triangles joined through the bridge 2-3-4 (the example of kpp_neg's docstring)."""
    f = tmp_path / "bridge.csv"
    ties = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (4, 6)]
    f.write_text("source,target\n" + "".join(f"n{a},n{b}\n" for a, b in ties))
    return f


def test_metrics_rows_and_columns_equal_networkx(runner, caviar, tmp_path):
    out = tmp_path / "caviar.csv"
    _ok(runner, ["network", "metrics", caviar, "--format", "ucinet-matrix", "--undirected",
                 "-o", out])  # fmt: skip
    table = pd.read_csv(out, dtype={"node": str})
    G = network_from_file(caviar, "ucinet-matrix", directed=False)
    assert table["node"].tolist() == list(G)  # the labels as in the file, in file order
    for column, reference in {
        "degree_centrality": nx.degree_centrality(G),
        "betweenness_centrality": nx.betweenness_centrality(G),
        "closeness_centrality": nx.closeness_centrality(G),
        "eigenvector_centrality": nx.eigenvector_centrality(G, max_iter=1000, tol=1e-12),
        "pagerank": nx.pagerank(G, weight=None, tol=1e-12),
        "core_number": nx.core_number(G),
        "clustering": nx.clustering(G),
    }.items():
        got = dict(zip(table["node"], table[column], strict=True))
        assert got == pytest.approx(reference, abs=1e-9), column
    assert table.loc[table["node"] == "1", "degree"].item() == 60


def test_metrics_weighted_reproduces_n1_and_writes_parquet_and_json(runner, caviar, tmp_path):
    _ok(runner, ["network", "metrics", caviar, "--format", "ucinet-matrix", "--undirected",
                 "--weighted", "--lengths", "inverse", "-o", tmp_path / "w.parquet"])  # fmt: skip
    table = pd.read_parquet(tmp_path / "w.parquet")
    n1 = table.loc[table["node"] == "1", "betweenness_centrality"].item()
    assert round(n1, 6) == 0.895005  # SOURCE.md: weighted betweenness of N1
    _ok(runner, ["network", "metrics", caviar, "--format", "ucinet-matrix", "--undirected",
                 "-o", tmp_path / "m.json"])  # fmt: skip
    rows = json.loads((tmp_path / "m.json").read_text())
    assert len(rows) == 110 and rows[0]["node"] == "1"


def test_summary_json_gives_the_caviar_figures_of_source_md(runner, caviar):
    result = _ok(runner, ["network", "summary", caviar, "--format", "ucinet-matrix",
                          "--undirected", "--json"])  # fmt: skip
    s = json.loads(result.stdout)
    assert (s["nodes"], s["edges"], s["max_degree"], s["components"]) == (110, 205, 60, 1)
    assert round(s["density"], 4) == 0.0342
    assert round(s["degree_assortativity"], 4) == -0.3616


def test_summary_from_a_workspace(runner, caviar, tmp_path):
    ws = tmp_path / "ws"
    _ok(runner, ["init", ws])
    _ok(runner, ["import", caviar, "--format", "ucinet-matrix", "-w", ws])
    s = json.loads(_ok(runner, ["network", "summary", "-w", ws, "--undirected", "--json"]).stdout)
    assert (s["nodes"], s["edges"]) == (110, 205)


@pytest.mark.parametrize("mode", ["sequential", "block"])
def test_disrupt_reproduces_the_published_montagna_curve(runner, meetings, tmp_path, mode):
    out = tmp_path / "curve.csv"
    args = ["--strategy", "betweenness", "--mode", mode, "--block-size", 5, "-o", out]
    _ok(runner, ["network", "disrupt", meetings, "--format", "montagna-edgelist", *args])
    curve = pd.read_csv(out)
    reference = pd.read_csv(
        shared_data(
            f"networks/montagna/reference_cavallaro2020/{mode}_meeting_Unweighted_5nrem.csv"
        )
    )
    assert curve["removed"].tolist() == reference["No"].tolist()
    assert curve["lcc_fraction"].tolist() == pytest.approx(
        reference["Betweenness"].tolist(), abs=1e-15
    )


def test_communities_recover_the_infinito_locali(runner, tmp_path):
    folder = shared_data("networks/ndrangheta_infinito")
    out = tmp_path / "communities.csv"
    result = _ok(runner, ["network", "communities", folder, "--format", "two-mode-matrix",
                          "--compare", "group", "--json", "-o", out])  # fmt: skip
    report = json.loads(result.stdout)
    assert report["sizes"] == [50, 38, 19, 17, 12, 11, 4, 1, 1, 1, 1, 1]
    assert round(report["modularity"], 4) == 0.4786
    assert round(report["agreement"]["nmi"], 4) == 0.5063  # 146 coded persons, OUT/MISS as groups
    table = pd.read_csv(out)
    assert len(table) == 156 and set(table["community"]) == set(range(12))
    text = _ok(runner, ["network", "communities", folder, "--format", "two-mode-matrix"]).output
    assert "modularity 0.4786" in text


def test_keyplayers_neg_and_pos(runner, bridge):
    neg = json.loads(_ok(runner, ["network", "keyplayers", bridge, "-k", 2, "--json"]).stdout)
    assert neg["nodes"] == ["n2", "n4"] and round(neg["score"], 4) == 0.8
    assert neg["kind"] == "kpp-neg" and neg["seed"] == 0
    text = _ok(runner, ["network", "keyplayers", bridge, "-k", 1]).output
    assert "n3" in text and "fragmentation" in text
    pos = json.loads(
        _ok(runner, ["network", "keyplayers", bridge, "-k", 2, "--kind", "pos", "--json"]).stdout
    )
    assert pos["objective"] == "distance-weighted" and len(pos["nodes"]) == 2


def test_keyplayers_refuses_a_wrong_objective(runner, bridge):
    result = runner.invoke(cli, ["network", "keyplayers", str(bridge), "--objective", "m-reach"])
    assert result.exit_code == 2
    assert "m-reach" in result.output and "fragmentation or distance-weighted" in result.output


def test_brokerage_from_a_groups_file(runner, tmp_path):
    # a -> b -> c: b brokers between a and c. Groups X, X, Y: b is a representative.
    # c -> d -> e with groups Y, Z, Y: d is an itinerant; d -> e -> f (Y, Z): e is... see below.
    f = tmp_path / "ties.csv"
    f.write_text("source,target\na,b\nb,c\nc,d\nd,e\n")
    groups = tmp_path / "groups.csv"
    groups.write_text("node,group\na,X\nb,X\nc,Y\nd,Z\ne,Y\n")
    result = _ok(runner, ["network", "brokerage", f, "--directed", "--groups", groups, "--json"])
    rows = {r["node"]: r for r in json.loads(result.stdout)}
    assert rows["b"]["representative"] == 1 and rows["b"]["total"] == 1  # a(X)->b(X)->c(Y)
    assert rows["c"]["liaison"] == 1  # b(X)->c(Y)->d(Z)
    assert rows["d"]["itinerant"] == 1  # c(Y)->d(Z)->e(Y)
    assert rows["a"]["total"] == 0 and rows["e"]["total"] == 0


def test_brokerage_names_the_attributes_a_network_has(runner, bridge):
    result = runner.invoke(cli, ["network", "brokerage", str(bridge), "--attribute", "faction"])
    assert result.exit_code == 2
    assert "faction" in result.output and "--groups" in result.output


def test_links_evaluate_and_suggest(runner, meetings):
    result = _ok(runner, ["network", "links", meetings, "--format", "montagna-edgelist",
                          "--evaluate", "--seed", 0, "--json"])  # fmt: skip
    rows = {r["method"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"common_neighbours", "jaccard", "adamic_adar", "resource_allocation",
                         "preferential_attachment", "logistic"}  # fmt: skip
    assert all(r["seed"] == 0 and r["hidden_edges"] == 26 for r in rows.values())
    assert rows["resource_allocation"]["auc"] > 0.9 > rows["preferential_attachment"]["auc"]
    again = _ok(runner, ["network", "links", meetings, "--format", "montagna-edgelist",
                         "--evaluate", "--seed", 0, "--json"])  # fmt: skip
    assert again.stdout == result.stdout  # seeded
    text = _ok(runner, ["network", "links", meetings, "--format", "montagna-edgelist", "-k", 5])
    table = pd.read_csv(io.StringIO(text.stdout))
    assert table.columns.tolist() == ["rank", "u", "v", "score", "common_neighbours"]
    assert len(table) == 5 and table["score"].is_monotonic_decreasing


def test_export_gexf_graphml_and_html(runner, caviar, tmp_path):
    for target in ("gexf", "graphml", "html", "ftm", "cypher"):
        _ok(runner, ["network", "export", caviar, "--format", "ucinet-matrix", "--undirected",
                     "--to", target, "-o", tmp_path / "out" / f"caviar.{target}"])  # fmt: skip
    G = nx.read_gexf(tmp_path / "out" / "caviar.gexf")
    assert (len(G), G.number_of_edges()) == (110, 205)
    assert {"community", "betweenness_centrality"} <= set(G.nodes["1"])
    H = nx.read_graphml(tmp_path / "out" / "caviar.graphml")
    assert H.number_of_edges() == 205
    page = (tmp_path / "out" / "caviar.html").read_text(encoding="utf-8")
    assert self_containment_problems(page) == []
    assert "morselli_caviar.csv" in page
    for target in ("neo4j-csv", "analyst-csv"):
        _ok(runner, ["network", "export", caviar, "--format", "ucinet-matrix",
                     "--to", target, "-o", tmp_path / target])  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "neo4j-csv").iterdir()) == [
        "nodes.csv",
        "relationships.csv",
    ]


def test_a_file_without_ties_is_refused_with_a_hint(runner, tmp_path):
    f = tmp_path / "empty.csv"
    f.write_text("source,target\n")
    result = runner.invoke(cli, ["network", "summary", str(f)])
    assert result.exit_code == 2
    assert "empty.csv" in result.output and "no tie" in result.output
    assert "--format" in result.output
