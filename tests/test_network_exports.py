"""Network exports: files read back by networkx, igraph, FollowTheMoney and cybertnoc's own
formats equal the graph written; Neo4j and analyst CSV have the exact layout the tools read; the
HTML view draws Caviar in a real headless Chromium without a single network request."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import math
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import followthemoney
import igraph
import networkx as nx
import numpy as np
import pytest

from conftest import chromium, shared_data
from cybertnoc.errors import InvalidValue
from cybertnoc.ingest import import_ftm
from cybertnoc.model import get_model
from cybertnoc.network import centrality_table, louvain
from cybertnoc.network.exports import (
    ANALYST_ENTITY_COLUMNS,
    ANALYST_LINK_COLUMNS,
    PALETTE,
    annotate,
    cypher_literal,
    network_html,
    render_network_html,
    write_analyst_csv,
    write_cypher,
    write_ftm,
    write_gexf,
    write_graphml,
    write_neo4j_csv,
)
from cybertnoc.network.load import network_from_file, workspace_network
from cybertnoc.report import self_containment_problems
from cybertnoc.store import Workspace

#: A label no export may break: comma, both quotes, a newline, a backslash, a backtick, a tab,
#: markup and an attempt to end a Cypher string and statement.
NASTY = "O'Brien, \"Big\" Jim\nLondon \\ `x`\t<b>&amp;</b> '}) DETACH DELETE n; //"


@pytest.fixture(scope="module")
def caviar() -> nx.Graph:
    path = shared_data("networks/caviar/morselli_caviar.csv")
    G = network_from_file(path, "ucinet-matrix", options={"directed": "false"})
    assert (G.number_of_nodes(), G.number_of_edges()) == (110, 205)  # Morselli (2009)
    return annotate(G, measures=centrality_table(G), communities=louvain(G))


@pytest.fixture(scope="module")
def montagna() -> nx.MultiGraph:
    """Montagna's two layers as one multigraph, each tie keyed and labelled by its layer."""
    M = nx.MultiGraph()
    for layer in ("meetings", "phonecalls"):
        path = shared_data(f"networks/montagna/Montagna_{layer}_edgelist.csv")
        L = network_from_file(path, "montagna-edgelist")
        M.add_nodes_from((n, {"label": d["label"]}) for n, d in L.nodes(data=True))
        for u, v, w in L.edges(data="weight"):
            M.add_edge(u, v, key=layer, layer=layer, weight=w)
    # Cavallaro et al. (2020): 101 and 100 nodes, 256 and 124 edges; Ficara et al. (2021):
    # the layers share 47 nodes.
    assert M.number_of_nodes() == 101 + 100 - 47
    assert M.number_of_edges() == 256 + 124
    return M


def _undirected_weights(G: nx.Graph) -> dict[frozenset, float]:
    return {frozenset((u, v)): w for u, v, w in G.edges(data="weight")}


def _same_attributes(read: dict, written: dict) -> None:
    assert set(read) == set(written)
    for key, value in written.items():
        assert type(read[key]) is type(value), key
        assert read[key] == value, key


# ----------------------------------------------------------------------------- GEXF, GraphML


def test_gexf_of_caviar_reads_back_equal_with_typed_attributes(caviar, tmp_path):
    path = write_gexf(caviar, tmp_path / "caviar.gexf")
    back = nx.read_gexf(path)
    assert list(back) == list(caviar)  # node order kept
    assert _undirected_weights(back) == _undirected_weights(caviar)
    for node, data in caviar.nodes(data=True):
        _same_attributes(back.nodes[node], data)  # floats exactly, ints as ints
    ns = {"g": "http://www.gexf.net/1.2draft"}
    declared = {
        a.get("title"): a.get("type")
        for a in ET.parse(path).getroot().iterfind(".//g:attributes[@class='node']/g:attribute", ns)
    }
    assert declared["betweenness"] == declared["constraint"] == "double"  # never 32-bit float
    assert declared["degree"] == declared["community"] == "long"
    assert declared["schema"] == "string"
    # The same graph gives the same bytes (networkx's date stamp is left out).
    assert write_gexf(caviar, tmp_path / "again.gexf").read_bytes() == path.read_bytes()


def test_gexf_reads_back_through_cybertnoc_gexf_format(caviar, tmp_path):
    again = network_from_file(write_gexf(caviar, tmp_path / "c.gexf"), "gexf")
    assert set(again) == set(caviar)  # in the order the ties name them
    assert _undirected_weights(again) == _undirected_weights(caviar)
    # The importer files the community under Actor.group.
    assert {n: int(d["group"]) for n, d in again.nodes(data=True)} == {
        n: d["community"] for n, d in caviar.nodes(data=True)
    }


def test_gexf_viz_colours_sizes_and_places_nodes_as_the_html_view(caviar, tmp_path):
    path = write_gexf(caviar, tmp_path / "viz.gexf", viz=True, size_by="betweenness")
    back = nx.read_gexf(path)
    for node, data in caviar.nodes(data=True):
        color = back.nodes[node]["viz"]["color"]
        hex_color = "#{:02x}{:02x}{:02x}".format(color["r"], color["g"], color["b"])
        assert hex_color == PALETTE[data["community"]]  # communities number from the largest
    top = max(caviar, key=lambda n: caviar.nodes[n]["betweenness"])
    assert top == "1" and back.nodes["1"]["viz"]["size"] == 18.0
    page = render_network_html(caviar, size_by="betweenness")
    drawn = json.loads(_data_block(page))["nodes"]
    for node, point in zip(caviar, drawn, strict=True):
        assert back.nodes[node]["viz"]["position"]["x"] == point["x"]
        assert back.nodes[node]["viz"]["position"]["y"] == -point["y"]


def test_graphml_of_montagna_multiplex_reads_back_equal(montagna, tmp_path):
    path = write_graphml(montagna, tmp_path / "montagna.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert list(back) == list(montagna)

    def ties(G):
        edges = G.edges(keys=True, data=True)
        return sorted((min(u, v), max(u, v), k, d["layer"], d["weight"]) for u, v, k, d in edges)

    assert ties(back) == ties(montagna)
    layers = [d["layer"] for *_, d in back.edges(keys=True, data=True)]
    assert (layers.count("meetings"), layers.count("phonecalls")) == (256, 124)
    # igraph reads the same file with the same counts.
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (154, 380)
    assert sorted(g.es["weight"]) == sorted(w for *_, w in montagna.edges(data="weight"))


def test_graphml_types_are_harmonised_and_missing_values_left_out(tmp_path):
    G = nx.DiGraph()
    G.add_node("a", score=np.float64(0.25), n=np.int64(3), flag=True, mixed=1, note=None)
    G.add_node("b", score=1, n=4, flag=False, mixed="x", tags=["p", "q"], bad="ctl\x01char")
    G.add_node("c", score=math.nan, n=5)
    G.add_edge("a", "b", weight=2, layer="calls")
    G.add_edge("b", "c", weight=0.5)
    path = write_graphml(G, tmp_path / "typed.graphml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    types = {
        k.get("attr.name"): k.get("attr.type")
        for k in ET.parse(path).getroot().iterfind("g:key[@for='node']", ns)
    }
    assert types == {
        "score": "double",
        "n": "long",
        "flag": "boolean",
        "mixed": "string",
        "tags": "string",
        "bad": "string",
    }
    back = nx.read_graphml(path)
    assert back.is_directed()
    assert back.nodes["a"] == {"score": 0.25, "n": 3, "flag": True, "mixed": "1"}
    assert back.nodes["b"]["score"] == 1.0 and back.nodes["b"]["tags"] == '["p", "q"]'
    assert back.nodes["b"]["bad"] == "ctl\ufffdchar"  # XML 1.0 cannot hold \x01
    assert back.nodes["c"] == {"n": 5}  # NaN is missing, not "nan"
    assert back.edges["a", "b"] == {"weight": 2.0, "layer": "calls"}
    assert back.edges["b", "c"] == {"weight": 0.5}


def test_node_keys_that_read_the_same_are_refused(tmp_path):
    with pytest.raises(InvalidValue, match="relabel"):
        write_graphml(nx.Graph([(1, "1")]), tmp_path / "x.graphml")


# ----------------------------------------------------------------------------- Neo4j

_CYPHER_TOKEN = re.compile(r"'((?:[^'\\]|\\.)*)'|`((?:[^`]|``)*)`|(;)|([^'`;]+)", re.S)
_CYPHER_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


def _cypher_statement(line: str) -> tuple[list[str], list[str]]:
    """Tokenise one line as Cypher does: the string literals and the quoted names it holds.

    Fails unless the line is exactly one statement ending with ``;``.
    """
    strings, names, pos, ends = [], [], 0, 0
    for match in _CYPHER_TOKEN.finditer(line):
        assert match.start() == pos, f"unterminated literal in {line!r}"
        pos = match.end()
        if match.group(1) is not None:
            strings.append(
                _CYPHER_ESCAPE.sub(
                    lambda m: chr(int(m[1][1:], 16)) if m[1][0] == "u" else _SIMPLE[m[1]],
                    match.group(1),
                )
            )
        elif match.group(2) is not None:
            names.append(match.group(2).replace("``", "`"))
        elif match.group(3):
            ends += 1
            assert pos == len(line), f"a statement ends before the line does: {line!r}"
    assert pos == len(line) and ends == 1, line
    return strings, names


def test_cypher_script_keeps_every_value_inside_its_literal(tmp_path):
    G = nx.Graph()
    G.add_node("O'Brien", label=NASTY, **{"odd`name": 1.5, "n": 2, "ok": True})
    G.add_node("b\\", label="b", score=math.nan)
    G.add_edge("O'Brien", "b\\", weight=3.0, layer="co-offending, serious")
    path = write_cypher(G, tmp_path / "g.cypher", label="Gang member", type_by="layer")
    lines = path.read_text(encoding="utf-8").splitlines()
    statements = [line for line in lines if not line.startswith("//")]
    assert len(statements) == 1 + 2 + 1  # constraint, nodes, relationship
    parsed = [_cypher_statement(s) for s in statements]
    assert parsed[1] == (["O'Brien", NASTY], ["Gang member", "id", "label", "odd`name", "n", "ok"])
    assert statements[1].endswith("n.`odd``name` = 1.5, n.`n` = 2, n.`ok` = true;")
    assert parsed[2] == (["b\\", "b"], ["Gang member", "id", "label"])  # NaN left out
    assert parsed[3] == (
        ["O'Brien", "b\\", "co-offending, serious"],
        ["Gang member", "id", "Gang member", "id", "co-offending, serious", "weight", "layer"],
    )
    assert statements[3].startswith("MATCH (a:`Gang member` {`id`: 'O\\'Brien'})")
    assert "MERGE (a)-[r:`co-offending, serious`]->(b) SET r.`weight` = 3.0" in statements[3]
    assert cypher_literal("\x00\u2028") == "'\\u0000\\u2028'"


def test_cypher_script_of_montagna_has_one_statement_per_node_and_tie(montagna, tmp_path):
    path = write_cypher(montagna, tmp_path / "m.cypher", merge=False, type_by="layer")
    statements = [
        s for s in path.read_text(encoding="utf-8").splitlines() if not s.startswith("//")
    ]
    assert len(statements) == 1 + 154 + 380
    for s in statements:
        _cypher_statement(s)
    creates = [s for s in statements if "CREATE (a)-" in s]
    assert sum("[:`meetings` {`key`: 'meetings'" in s for s in creates) == 256
    assert sum("[:`phonecalls` {`key`: 'phonecalls'" in s for s in creates) == 124


def test_neo4j_admin_csv_headers_and_quoting(tmp_path):
    G = nx.DiGraph()
    G.add_node("1", label=NASTY, betweenness=0.5, degree=2, leader=True)
    G.add_node("2", label="plain")
    G.add_edge("1", "2", weight=3.0, count=2, layer="calls")
    nodes, ties = write_neo4j_csv(G, tmp_path / "neo4j", label="Person")
    text = nodes.read_text(encoding="utf-8")
    header = "id:ID,:LABEL,label,betweenness:double,degree:long,leader:boolean"
    quoted = '"' + NASTY.replace('"', '""') + '"'  # RFC 4180: quoted, quotes doubled
    assert text == f"{header}\n1,Person,{quoted},0.5,2,true\n2,Person,plain,,,\n"
    assert ties.read_text(encoding="utf-8") == (
        ":START_ID,:END_ID,:TYPE,weight:double,count:long,layer\n1,2,TIE,3.0,2,calls\n"
    )
    with nodes.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][2] == NASTY


def test_neo4j_admin_csv_of_montagna_types_ties_by_layer(montagna, tmp_path):
    nodes, ties = write_neo4j_csv(montagna, tmp_path, type_by="layer")
    with nodes.open(encoding="utf-8", newline="") as f:
        node_rows = list(csv.DictReader(f))
    with ties.open(encoding="utf-8", newline="") as f:
        tie_rows = list(csv.DictReader(f))
    assert len(node_rows) == 154 and {r[":LABEL"] for r in node_rows} == {"Actor"}
    assert list(tie_rows[0]) == [":START_ID", ":END_ID", ":TYPE", "key", "layer", "weight:double"]
    types = [r[":TYPE"] for r in tie_rows]
    assert (types.count("meetings"), types.count("phonecalls")) == (256, 124)
    ids = {r["id:ID"] for r in node_rows}
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in tie_rows)


def test_neo4j_csv_refuses_what_neo4j_admin_would_misread(tmp_path):
    with pytest.raises(InvalidValue, match="';'"):
        write_neo4j_csv(nx.path_graph(2), tmp_path, label="A;B")
    G = nx.Graph([("a", "b")])
    G.nodes["a"]["score:x"] = 1
    with pytest.raises(InvalidValue, match="without ':'"):
        write_neo4j_csv(G, tmp_path)


# ----------------------------------------------------------------------------- FollowTheMoney


def _entities(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _valid(model, entity: dict) -> None:
    schema = model[entity["schema"]]
    assert schema.validate(entity) is None
    for prop in schema.required:
        assert entity["properties"].get(prop), (entity, prop)
    # FtM's own cleaning leaves every value as written.
    proxy = model.make_entity(schema.name)
    proxy.id = entity["id"]
    for prop, values in entity["properties"].items():
        proxy.add(prop, values)
    assert proxy.to_dict() == entity


def test_ftm_of_caviar_validates_and_imports_back_to_the_same_network(caviar, tmp_path):
    path = write_ftm(caviar, tmp_path / "caviar.ftm.json")
    entities = _entities(path)
    model = get_model()
    for entity in entities:
        _valid(model, entity)
    actors = [e for e in entities if e["schema"] == "Actor"]
    ties = [e for e in entities if e["schema"] == "Tie"]
    assert (len(actors), len(ties)) == (110, 205)
    assert actors[0]["id"] == caviar.nodes["1"]["entity_id"]  # workspace identity kept
    assert f"community={caviar.nodes['1']['community']}" in actors[0]["properties"]["attribute"]
    ids = {e["id"] for e in actors}
    assert all({t["properties"]["subject"][0], t["properties"]["object"][0]} <= ids for t in ties)
    with Workspace.create(tmp_path / "ws") as ws:
        result = import_ftm(ws, path, dataset="caviar")
        assert (result.entities, result.relationships) == (315, 205)
        again = workspace_network(ws, nodes="label")
    assert set(again) == set(caviar)
    assert _undirected_weights(again) == _undirected_weights(caviar)


def test_ftm_plain_person_and_unknown_link_validate_against_followthemoney(tmp_path):
    G = nx.DiGraph([("a", "b", {"weight": 2.0, "layer": "calls"})])
    G.nodes["a"].update(label=NASTY, group="cell 1", betweenness=0.5)
    path = write_ftm(
        G,
        tmp_path / "plain.ftm.json",
        node_schema="Person",
        edge_schema="UnknownLink",
        model=followthemoney.model,
    )
    entities = _entities(path)
    for entity in entities:
        _valid(followthemoney.model, entity)
    person, _, link = entities
    # FtM's name type folds the newline and the tab into spaces; all else is kept.
    assert person["properties"]["name"] == [" ".join(NASTY.split())]
    assert sorted(person["properties"]["notes"]) == ["betweenness=0.5", "group=cell 1"]
    assert sorted(link["properties"]["description"]) == ["layer=calls", "weight=2.0"]
    with pytest.raises(InvalidValue, match="LegalEntity"):
        write_ftm(G, tmp_path / "x.json", node_schema="Tie")


# ----------------------------------------------------------------------------- i2 / Maltego CSV


def test_analyst_csv_of_montagna(montagna, tmp_path):
    entities, links = write_analyst_csv(montagna, tmp_path, type_by="layer")
    assert entities.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    with entities.open(encoding="utf-8-sig", newline="") as f:
        entity_rows = list(csv.reader(f))
    with links.open(encoding="utf-8-sig", newline="") as f:
        link_rows = list(csv.reader(f))
    assert tuple(entity_rows[0]) == ANALYST_ENTITY_COLUMNS
    assert tuple(link_rows[0]) == (*ANALYST_LINK_COLUMNS, "layer", "weight")
    assert len(entity_rows) == 1 + 154 and len(link_rows) == 1 + 380
    types = [r[5] for r in link_rows[1:]]
    assert (types.count("meetings"), types.count("phonecalls")) == (256, 124)
    assert {r[6] for r in link_rows[1:]} == {"undirected"}
    assert [r[0] for r in link_rows[1:]] == [str(i) for i in range(1, 381)]


def test_analyst_csv_quotes_labels_and_defuses_formulas(tmp_path):
    G = nx.DiGraph([("x", "y", {"note": "-1"}), ("y", "z", {"note": "@SUM(A1)"})])
    G.nodes["x"]["label"] = NASTY
    G.nodes["z"]["label"] = "=cmd|' /C calc'!A0"
    entities, links = write_analyst_csv(G, tmp_path)
    with entities.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert [r[2] for r in rows[1:]] == [NASTY, "y", "'=cmd|' /C calc'!A0"]
    with links.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert [(r[1], r[3], r[6], r[7]) for r in rows[1:]] == [
        ("x", "y", "directed", "-1"),  # a number stays a number
        ("y", "z", "directed", "'@SUM(A1)"),
    ]
    _, raw = write_analyst_csv(G, tmp_path / "raw", formula_guard=False)
    assert "@SUM(A1)\r\n" in raw.read_bytes().decode("utf-8-sig")


# ----------------------------------------------------------------------------- HTML view


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.csp: list[str] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._open = attrs
            self.scripts.append((attrs, ""))
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(attrs["content"])

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def _data_block(page: str) -> str:
    return re.search(
        r'<script type="application/json" id="network-data">(.*?)</script>', page
    ).group(1)


def _open_in_chromium(page: Path, tmp_path: Path, fragment: str = "") -> tuple[str, set[str]]:
    """The DOM after the page's scripts ran, and the URLs Chromium's own net log saw."""
    log = tmp_path / f"{page.stem}.netlog.json"
    done = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / f'{page.stem}-profile'}",
            f"--log-net-log={log}",
            "--dump-dom",
            page.as_uri() + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    events = json.loads(log.read_text(encoding="utf-8"))["events"]
    urls = {e["params"]["url"] for e in events if "url" in e.get("params", {})}
    browser_own = re.compile(r"^https?://[^/]*\.(google\.com|googleapis\.com|gstatic\.com)/")
    own_page = page.as_uri()
    return done.stdout, {
        u for u in urls if not browser_own.match(u) and u.split("#")[0] != own_page
    }


def test_html_view_is_self_contained_with_a_hashed_script(caviar, tmp_path):
    page = render_network_html(caviar, size_by="betweenness", title="Caviar <network>")
    assert self_containment_problems(page) == []
    assert not re.search(r"https?://", page)
    parser = _Scripts()
    parser.feed(page)
    (policy,) = parser.csp
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    code = [text for attrs, text in parser.scripts if attrs.get("type") != "application/json"]
    assert len(code) == 1 and all(not attrs.get("src") for attrs, _ in parser.scripts)
    digest = base64.b64encode(hashlib.sha256(code[0].encode("utf-8")).digest()).decode()
    assert directives["script-src"] == f"'sha256-{digest}'"
    assert "<title>Caviar &lt;network&gt;</title>" in page
    # Deterministic: same graph and seed, same page; another seed moves the nodes.
    assert render_network_html(caviar, size_by="betweenness", title="Caviar <network>") == page
    other = json.loads(_data_block(render_network_html(caviar, seed=1)))["nodes"]
    assert [n["x"] for n in other] != [n["x"] for n in json.loads(_data_block(page))["nodes"]]


def test_html_view_draws_caviar_in_chromium_without_a_network_request(caviar, tmp_path):
    control = tmp_path / "control.html"
    control.write_text(
        '<!DOCTYPE html><img src="http://127.0.0.1:9/x.png">'
        '<script src="https://example.org/a.js"></script>',
        encoding="utf-8",
    )
    _, seen = _open_in_chromium(control, tmp_path)
    assert {"http://127.0.0.1:9/x.png", "https://example.org/a.js"} <= seen  # the check sees

    G = caviar.copy()
    G.nodes["3"]["label"] = "</script><img src=x onerror=\"document.title='pwned'\">"
    path = network_html(G, tmp_path / "caviar.html", size_by="betweenness", title="Caviar")
    dom, urls = _open_in_chromium(path, tmp_path, "#node=1")
    assert urls == set()
    assert 'data-drawn="110"' in dom and 'data-edges-drawn="205"' in dom
    assert len(re.findall(r"<circle ", dom)) == 110 and len(re.findall(r"<line ", dom)) == 205
    # #node=1 opened N1's tooltip: max degree 60 (Anastasiadis & Antoniou 2024) and its
    # betweenness as centrality_table computes it.
    tip = re.search(r'<div id="tip"[^>]*data-node="1"[^>]*>(.*?)</div>', dom).group(1)
    assert "<strong>1</strong>" in tip and "<td>degree</td><td>60</td>" in tip
    assert f"<td>betweenness</td><td>{caviar.nodes['1']['betweenness']:.4g}</td>" in tip
    # The hostile label is text: no <img> element, the title untouched.
    assert "<img" not in dom and "<title>Caviar</title>" in dom
    assert 'aria-label="&lt;/script&gt;&lt;img src=x onerror=' in dom


def test_html_view_of_a_directed_graph_colours_by_a_numeric_attribute(tmp_path):
    G = nx.gnp_random_graph(40, 0.1, seed=3, directed=True)
    for node in G:
        G.nodes[node]["score"] = node / 39
    path = network_html(G, tmp_path / "directed.html", color_by="score", size_by=None)
    dom, urls = _open_in_chromium(path, tmp_path)
    assert urls == set()
    assert 'data-drawn="40"' in dom and len(re.findall(r'marker-end="url\(#arrow\)"', dom)) == (
        G.number_of_edges()
    )
    nodes = json.loads(_data_block(path.read_text(encoding="utf-8")))["nodes"]
    assert nodes[0]["c"] == "#440154" and nodes[-1]["c"] == "#fde725"  # viridis ends
    assert {n["r"] for n in nodes} == {6.0}


def test_html_view_refuses_an_unknown_or_textual_size_measure():
    with pytest.raises(InvalidValue, match="betweenness"):
        render_network_html(nx.path_graph(3), size_by="importance")
    G = nx.path_graph(3)
    nx.set_node_attributes(G, "high", "rank")
    with pytest.raises(InvalidValue, match="numeric"):
        render_network_html(G, size_by="rank")
    empty = render_network_html(nx.Graph(), title="Nothing")
    assert self_containment_problems(empty) == [] and "0 nodes, 0 undirected ties" in empty


def test_annotate_refuses_measures_of_another_graph():
    G = nx.path_graph(3)
    with pytest.raises(InvalidValue, match="another graph"):
        annotate(G, measures=centrality_table(nx.path_graph(4)))
    with pytest.raises(InvalidValue, match="another graph"):
        annotate(G, communities={9: 0})


def test_html_legend_entries_pick_out_their_own_nodes():
    G = nx.path_graph(30)
    for n in range(28):
        G.nodes[n]["role"] = f"r{n % 14}"  # 14 roles of 2 nodes; nodes 28 and 29 have none
    page = render_network_html(G, color_by="role", size_by=None)
    nodes = json.loads(_data_block(page))["nodes"]
    entries = re.findall(
        r'data-group="(\d+)"><span class="swatch" style="background:(#[0-9a-f]{6})"></span>'
        r'([^<]*) <span class="count">\((\d+)\)',
        page,
    )
    legend = {int(g): (color, text, int(count)) for g, color, text, count in entries}
    assert len(legend) == len(PALETTE) + 1  # 11 roles, "other", "(none)"
    for node in nodes:
        assert legend[node["g"]][0] == node["c"]
    assert legend[11][1:] == ("other (3 values)", 6) and legend[12][1:] == ("(none)", 2)
    assert sum(count for *_, count in legend.values()) == 30
