"""Network formats: the real matrices, edge lists and two-mode data of ../shared/data/networks.

Each data set is imported through its format and the counts and figures of its SOURCE.md are
recomputed from the workspace with SQL (nodes, ties, weight totals, degrees, densities, attribute
means). GraphML and GEXF have no file in the shared collection: small files are written here.
"""

from __future__ import annotations

import networkx as nx
import pytest

from conftest import TEST_KEY, shared_data
from cybertnoc.errors import ImportRejected, InvalidValue
from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest.formats import get_format, import_format
from cybertnoc.store import Workspace
from cybertnoc.store.queries import entity_frame, list_sources

NET = "networks"
PSEUDO = Pseudonymiser(TEST_KEY)
DATA_TABLES = ("sources", "records", "entities", "statements", "relationships")


@pytest.fixture(scope="module")
def nets(tmp_path_factory):
    """One workspace holding every shared network data set, each under its own dataset."""
    paths = {
        "caviar": shared_data(f"{NET}/caviar/morselli_caviar.csv"),
        "phases": shared_data(f"{NET}/caviar/phases"),
        "cielnet": shared_data(f"{NET}/ucinet_more/morselli_cielnet.csv"),
        "french": shared_data(f"{NET}/ucinet_more/macdonald_tfc.csv"),
        "cocaine": shared_data(f"{NET}/natarajan_cocaine/natajaran_cocaine.csv"),
        "heroin": shared_data(f"{NET}/natarajan_heroin/natajaran_heroin.csv"),
        "london": shared_data(f"{NET}/london_gang"),
    }
    montagna = shared_data(f"{NET}/montagna")
    infinito = shared_data(f"{NET}/ndrangheta_infinito")
    ws = Workspace.create(tmp_path_factory.mktemp("networks") / "ws")
    results = {
        name: import_format(ws, path, "ucinet-matrix", pseudonymiser=PSEUDO)
        for name, path in paths.items()
    }
    results["montagna"] = import_format(ws, montagna, "montagna-edgelist")
    results["infinito"] = import_format(ws, infinito, "two-mode-matrix", pseudonymiser=PSEUDO)
    yield ws, results
    ws.close()


def _rows(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def _one(ws, sql, *params):
    return _rows(ws, sql, *params)[0]


def _count(ws, schema, dataset):
    return _one(
        ws, "SELECT count(*) FROM entities WHERE schema = ? AND dataset = ?", schema, dataset
    )[0]


def _weight(ws, schema, dataset, period=None):
    sql = """SELECT sum(CAST(w.value AS DOUBLE)) FROM statements w
             JOIN entities e ON e.id = w.entity_id
             WHERE w.prop = 'weight' AND e.schema = ? AND e.dataset = ?"""
    if period is None:
        return _one(ws, sql, schema, dataset)[0]
    sql += " AND e.id IN (SELECT entity_id FROM statements WHERE prop = 'period' AND value = ?)"
    return _one(ws, sql, schema, dataset, period)[0]


def _degrees(ws, dataset, *, direction="both", period=None):
    """Degree of each actor, by name: distinct neighbours (out, in, or either way)."""
    where = "r.dataset = ?"
    params = [dataset]
    if period is not None:
        where += (
            " AND r.id IN (SELECT entity_id FROM statements WHERE prop = 'period' AND value = ?)"
        )
        params.append(period)
    ends = {
        "out": "SELECT source AS a, target AS b FROM r",
        "in": "SELECT target AS a, source AS b FROM r",
        "both": "SELECT source AS a, target AS b FROM r UNION SELECT target, source FROM r",
    }[direction]
    sql = f"""
        WITH r AS (SELECT r.* FROM relationships r WHERE {where}), e AS ({ends})
        SELECT n.value, count(DISTINCT e.b) FROM e
        JOIN statements n ON n.entity_id = e.a AND n.prop = 'name'
        GROUP BY 1"""
    return dict(_rows(ws, sql, *params))


def _strength(ws, dataset, *, layer=None):
    """Weighted degree (sum of tie weights) of each actor, by name."""
    sql = """
        WITH t AS (SELECT r.source, r.target, CAST(w.value AS DOUBLE) AS w FROM relationships r
                   JOIN statements w ON w.entity_id = r.id AND w.prop = 'weight'
                   WHERE r.dataset = ? AND (? IS NULL OR r.id IN
                       (SELECT entity_id FROM statements WHERE prop = 'layer' AND value = ?))),
             e AS (SELECT source AS a, w FROM t UNION ALL SELECT target, w FROM t)
        SELECT n.value, sum(w) FROM e JOIN statements n ON n.entity_id = e.a AND n.prop = 'name'
        GROUP BY 1"""
    return dict(_rows(ws, sql, dataset, layer, layer))


def _top(counts, k=3):
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]


def _unchanged(before, after):
    return {t: before[t] for t in DATA_TABLES} == {t: after[t] for t in DATA_TABLES}


# -- ucinet-matrix: Caviar --------------------------------------------------------------------


def test_caviar_full_matrix_counts_and_figures(nets):
    ws, results = nets
    (r,) = results["caviar"]
    assert (r.rows, r.flagged_rows, r.relationships) == (110 + 295, 0, 295)
    assert _count(ws, "Actor", "morselli_caviar") == 110
    assert _count(ws, "DirectedTie", "morselli_caviar") == 295
    assert _weight(ws, "DirectedTie", "morselli_caviar") == 3546
    n, m = 110, 295
    assert round(m / (n * (n - 1)), 4) == 0.0246  # Anastasiadis & Antoniou (2024): 0.024604
    out, into = (
        _degrees(ws, "morselli_caviar", direction="out"),
        _degrees(ws, "morselli_caviar", direction="in"),
    )
    assert _top(out) == [("1", 54), ("12", 20), ("3", 20)]
    assert max(into.values()) == into["1"] == 37
    both = _degrees(ws, "morselli_caviar")
    assert _top(both, 3) == [("1", 60), ("12", 28), ("3", 27)]
    reciprocated = _one(
        ws,
        """SELECT count(*) FROM relationships a JOIN relationships b
           ON a.source = b.target AND a.target = b.source AND a.source < a.target
           WHERE a.dataset = 'morselli_caviar' AND b.dataset = 'morselli_caviar'""",
    )[0]
    assert reciprocated == 90
    (source,) = [s for s in list_sources(ws) if s["dataset"] == "morselli_caviar"]
    assert source["title"].startswith("Project Caviar") and "Morselli" in source["citation"]
    assert source["format_name"] == "ucinet-matrix" and source["kind"] == "offline"


def test_caviar_read_as_undirected_sums_both_cells(tmp_path):
    path = shared_data(f"{NET}/caviar/morselli_caviar.csv")
    with Workspace.create(tmp_path / "ws") as ws:
        (r,) = import_format(ws, path, "ucinet-matrix", options={"directed": "false"})
        # 205 pairs; the 90 reciprocated pairs have a second cell, kept and flagged.
        assert (r.rows, r.relationships, r.flagged_rows) == (405, 205, 90)
        assert _count(ws, "Tie", "morselli_caviar") == 205
        assert _weight(ws, "Tie", "morselli_caviar") == 3546  # a_ij + a_ji
        degrees = _degrees(ws, "morselli_caviar")
        assert max(degrees.values()) == degrees["1"] == 60
        assert round(205 / (110 * 109 / 2), 4) == 0.0342
        strength = _strength(ws, "morselli_caviar")
        assert _top(strength, 3) == [("1", 2047.0), ("3", 754.0), ("12", 534.0)]


PHASES = {  # SOURCE.md: nodes, arcs, undirected edges, total weight, top undirected degree
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


def test_caviar_phases_are_periods_of_one_network(nets):
    ws, results = nets
    parts = results["phases"]
    assert [p.file.rsplit("/", 1)[-1] for p in parts] == [f"phase{k}.csv" for k in PHASES]
    for (k, (nodes, arcs, edges, weight, top)), r in zip(PHASES.items(), parts, strict=True):
        assert (r.rows - r.relationships, r.relationships, r.flagged_rows) == (nodes, arcs, 0)
        assert _weight(ws, "DirectedTie", "phases", f"phase{k}") == weight
        degrees = _degrees(ws, "phases", period=f"phase{k}")
        assert _top(degrees, 1) == [top], k
        pairs = _one(
            ws,
            """SELECT count(DISTINCT least(source, target) || greatest(source, target))
               FROM relationships WHERE dataset = 'phases' AND id IN
               (SELECT entity_id FROM statements WHERE prop = 'period' AND value = ?)""",
            f"phase{k}",
        )[0]
        assert pairs == edges, k
    # One set of actors across the phases: 107 distinct participants (SOURCE.md), 650 arcs.
    assert _count(ws, "Actor", "phases") == 107
    assert _count(ws, "DirectedTie", "phases") == sum(v[1] for v in PHASES.values())
    (source,) = {s["title"] for s in list_sources(ws) if s["dataset"] == "phases"}
    assert "11 investigation phases" in source


# -- ucinet-matrix: CIELNET, Natarajan, French Connection --------------------------------------


def test_cielnet(nets):
    ws, results = nets
    (r,) = results["cielnet"]
    assert (r.rows, r.relationships) == (25 + 45, 45)
    assert _count(ws, "Actor", "morselli_cielnet") == 25
    degrees = _degrees(ws, "morselli_cielnet")
    assert sum(degrees.values()) == 2 * 35  # 35 undirected edges
    assert _top(degrees, 2) == [("N2", 12), ("N1", 10)]


def test_natarajan_cocaine_is_a_star_of_pseudonymised_names(nets):
    ws, results = nets
    (r,) = results["cocaine"]
    assert (r.rows, r.relationships, r.flagged_rows) == (28 + 40, 40, 0)
    assert _count(ws, "Actor", "natajaran_cocaine") == 28
    assert _weight(ws, "DirectedTie", "natajaran_cocaine") == 151  # 151 transcribed calls
    out = _degrees(ws, "natajaran_cocaine", direction="out")
    assert _top(out, 1) == [(PSEUDO("Kay"), 24)]
    strength = _rows(
        ws,
        """SELECT sum(CAST(w.value AS DOUBLE)) FROM relationships r
           JOIN statements w ON w.entity_id = r.id AND w.prop = 'weight'
           JOIN statements n ON n.entity_id = r.source AND n.prop = 'name'
           WHERE n.value = ?""",
        PSEUDO("Kay"),
    )
    assert strength == [(127.0,)]
    names = set(entity_frame(ws, "Actor", ["name"], dataset="natajaran_cocaine")["name"])
    assert all(name.startswith("p:") for name in names) and "Kay" not in names


def test_natarajan_heroin(nets):
    ws, results = nets
    (r,) = results["heroin"]
    assert (r.rows, r.relationships) == (38 + 168, 168)
    assert round(168 / (38 * 37), 4) == 0.1195
    assert sum(_degrees(ws, "natajaran_heroin").values()) == 2 * 87
    out = _degrees(ws, "natajaran_heroin", direction="out")
    assert _top(out, 2) == [("Mr.DD", 20), ("Mr.X", 18)]
    assert _weight(ws, "DirectedTie", "natajaran_heroin") == 168  # binary: weight 1 kept


def test_french_connection_symmetric_matrix_is_undirected_and_personal(nets):
    ws, results = nets
    (r,) = results["french"]
    assert (r.rows, r.relationships) == (112 + 361, 361)  # upper triangle only
    assert _count(ws, "Tie", "macdonald_tfc") == 361
    degrees = _degrees(ws, "macdonald_tfc")
    assert _top(degrees, 2) == sorted(
        [(PSEUDO("francesco coppola"), 27), (PSEUDO("salvatore lucania"), 26)],
        key=lambda kv: -kv[1],
    )


# -- ucinet-matrix: London gang with attributes ------------------------------------------------


def test_london_gang_ties_and_attributes(nets):
    ws, results = nets
    matrix, attributes = results["london"]
    assert (matrix.rows, matrix.relationships, matrix.flagged_rows) == (54 + 315, 315, 0)
    assert (attributes.rows, attributes.flagged_rows, attributes.entities) == (54, 0, 0)
    assert _count(ws, "Actor", "london_gang") == 54
    assert _weight(ws, "Tie", "london_gang") == 505
    weights = dict(
        _rows(
            ws,
            "SELECT value, count(*) FROM statements WHERE schema = 'Tie' AND prop = 'weight' "
            "AND dataset = 'london_gang' GROUP BY 1",
        )
    )
    assert weights == {"1": 182, "2": 92, "3": 25, "4": 16}
    assert round(315 / (54 * 53 / 2), 4) == 0.2201
    degrees = _degrees(ws, "london_gang")
    assert _top(degrees, 3) == [("1", 25), ("12", 25), ("7", 25)]
    actors = entity_frame(
        ws,
        "Actor",
        ["age", "arrests", "convictions", "rank", "prison", "residence"],
        dataset="london_gang",
    )
    # Bieri (2021), computed on UCINET's LONDON_GANG_ATTR.csv: the same means.
    assert round(actors["age"].astype(float).mean(), 2) == 19.83
    assert round(actors["arrests"].astype(float).mean(), 2) == 9.91
    assert round(actors["convictions"].astype(float).mean(), 2) == 4.20
    assert round(actors["rank"].astype(float).mean(), 2) == 3.46
    assert round((actors["prison"] == "1").mean(), 2) == 0.44
    other = entity_frame(ws, "Actor", ["attribute"], dataset="london_gang", first_only=False)
    assert all(sorted(a)[0].startswith("Birthplace=") for a in other["attribute"])
    sources = {s["file_name"]: s for s in list_sources(ws) if s["dataset"] == "london_gang"}
    assert sources["LONDON_GANG_ATTR_derived.csv"]["licence"].startswith("MIT")


def test_attributes_option_none_and_explicit_file(tmp_path):
    folder = shared_data(f"{NET}/london_gang")
    with Workspace.create(tmp_path / "ws") as ws:
        results = import_format(
            ws, folder / "LONDON_GANG.csv", "ucinet-matrix", options={"attributes": "none"}
        )
        assert len(results) == 1
        assert entity_frame(ws, "Actor", ["age"])["age"].isna().all()
    with Workspace.create(tmp_path / "ws2") as ws:
        results = import_format(
            ws,
            folder / "LONDON_GANG.csv",
            "ucinet-matrix",
            options={"attributes": "LONDON_GANG_ATTR_derived.csv", "layer": "co-offending"},
        )
        assert len(results) == 2
        layers = set(entity_frame(ws, "Tie", ["layer"])["layer"])
        assert layers == {"co-offending"}


# -- montagna-edgelist ------------------------------------------------------------------------


def test_montagna_last_row_wins(nets):
    ws, results = nets
    meetings, calls = results["montagna"]
    assert (meetings.rows, meetings.relationships, meetings.flagged_rows) == (289, 256, 33)
    assert (calls.rows, calls.relationships, calls.flagged_rows) == (150, 124, 26)
    assert _count(ws, "Actor", "montagna") == 154  # ids are shared by the two files
    by_layer = dict(
        _rows(
            ws,
            """SELECT l.value, count(DISTINCT a) FROM statements l
               JOIN relationships r ON r.id = l.entity_id,
               LATERAL (SELECT unnest([r.source, r.target]) AS a)
               WHERE l.prop = 'layer' AND r.dataset = 'montagna' GROUP BY 1""",
        )
    )
    assert by_layer == {"meetings": 101, "phone calls": 100}
    shared = _one(
        ws,
        """WITH n AS (SELECT DISTINCT l.value AS layer, unnest([r.source, r.target]) AS a
                      FROM statements l JOIN relationships r ON r.id = l.entity_id
                      WHERE l.prop = 'layer' AND r.dataset = 'montagna')
           SELECT count(*) FROM (SELECT a FROM n GROUP BY a HAVING count(*) = 2)""",
    )[0]
    assert shared == 47
    assert (
        _strength(ws, "montagna", layer="meetings") and _weight(ws, "Tie", "montagna") == 369 + 210
    )
    meetings_strength = _strength(ws, "montagna", layer="meetings")
    calls_strength = _strength(ws, "montagna", layer="phone calls")
    assert sum(meetings_strength.values()) / 2 == 369 and sum(calls_strength.values()) / 2 == 210
    assert _top(meetings_strength, 3) == [("47", 54.0), ("89", 34.0), ("18", 30.0)]
    assert _top(calls_strength, 2) == [("18", 51.0), ("47", 39.0)]
    degrees = _rows(
        ws,
        """WITH r AS (SELECT r.* FROM relationships r JOIN statements l ON l.entity_id = r.id
                      AND l.prop = 'layer' AND l.value = 'meetings'),
                e AS (SELECT source a, target b FROM r UNION SELECT target, source FROM r)
           SELECT n.value, count(DISTINCT b) FROM e JOIN statements n ON n.entity_id = e.a
           AND n.prop = 'name' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2""",
    )
    assert degrees == [("18", 24), ("47", 19)]
    flagged = _one(
        ws,
        "SELECT problems FROM records r JOIN sources s USING (source_id) "
        "WHERE s.file_name = 'Montagna_phonecalls_edgelist.csv' AND r.line = 2",
    )[0]
    assert "also on line 3" in flagged and "duplicates=last" in flagged


def test_montagna_duplicates_summed_on_request(tmp_path):
    path = shared_data(f"{NET}/montagna")
    with Workspace.create(tmp_path / "ws") as ws:
        import_format(ws, path, "montagna-edgelist", options={"duplicates": "sum"})
        assert _strength(ws, "montagna", layer="meetings")["47"] == 62  # SOURCE.md: 47 (62)
        assert sum(_strength(ws, "montagna", layer="meetings").values()) / 2 == 456
        assert sum(_strength(ws, "montagna", layer="phone calls").values()) / 2 == 276


def test_montagna_dirty_lines_are_kept_and_flagged(workspace, tmp_path):
    path = tmp_path / "Montagna_meetings_edgelist.csv"
    path.write_text("a\tb\tweight\n1\t2\t3\n2\t1\t4\nx\t3\n5\t5\t1\t9\n\t7\t1\n", encoding="utf-8")
    (r,) = import_format(workspace, path, "montagna-edgelist")
    assert (r.rows, r.relationships, r.flagged_rows) == (6, 3, 5)
    problems = {p.line: p.expected for p in r.problems}
    assert problems[1] == "no header line"
    assert "integer node id" in problems[4] or "weight" in problems[4]
    assert "three fields" in " ".join(p.expected for p in r.problems if p.line == 5)
    weights = dict(entity_frame(workspace, "Tie", ["weight", "layer"])[["weight", "layer"]].values)
    assert weights["4"] == "meetings"  # 1-2 listed twice: the last weight wins


# -- two-mode-matrix: Infinito --------------------------------------------------------------


def test_infinito_attendance(nets):
    ws, results = nets
    matrix, nodes = results["infinito"]
    assert (matrix.rows, matrix.relationships) == (47 + 156 + 455, 455)
    assert matrix.flagged_rows == 9  # summit labels with a spreadsheet's leading apostrophe
    assert (nodes.rows, nodes.flagged_rows) == (146, 0)
    ds = "ndrangheta_infinito"
    assert (_count(ws, "Actor", ds), _count(ws, "Event", ds), _count(ws, "UnknownLink", ds)) == (
        156,
        47,
        455,
    )
    sizes = [
        n
        for (n,) in _rows(
            ws, "SELECT count(*) FROM relationships WHERE dataset = ? GROUP BY target", ds
        )
    ]
    assert (min(sizes), max(sizes), round(sum(sizes) / len(sizes), 2)) == (4, 25, 9.68)
    per_person = _one(
        ws,
        "SELECT max(n), count(*) FROM (SELECT count(*) AS n FROM relationships WHERE dataset = ? "
        "GROUP BY source)",
        ds,
    )
    assert per_person == (17, 151)  # 5 of the 156 persons attended no recorded summit
    # The raw one-mode projection (co-attendance): 1,619 edges; MANNO Alessandro has degree 75.
    projection = """
        WITH p AS (SELECT DISTINCT a.source AS x, b.source AS y FROM relationships a
                   JOIN relationships b ON a.target = b.target AND a.source <> b.source
                   WHERE a.dataset = ? AND b.dataset = ?)"""
    assert _one(ws, projection + " SELECT count(*) / 2 FROM p", ds, ds)[0] == 1619
    top = _one(
        ws,
        projection
        + """ SELECT n.value, count(*) FROM p JOIN statements n ON n.entity_id = p.x
                          AND n.prop = 'name' GROUP BY 1 ORDER BY 2 DESC LIMIT 1""",
        ds,
        ds,
    )
    assert top == (PSEUDO("MANNO Alessandro"), 75)
    roles = dict(
        _rows(
            ws,
            "SELECT value, count(*) FROM statements "
            "WHERE schema = 'Actor' AND prop = 'role' GROUP BY 1",
        )
    )
    assert roles == {"aff": 94, "boss": 36, "miss": 16}
    locali = dict(
        _rows(
            ws,
            "SELECT value, count(*) FROM statements "
            "WHERE schema = 'Actor' AND prop = 'group' GROUP BY 1",
        )
    )
    assert {k: locali[k] for k in "ABCDE"} == {"A": 16, "B": 14, "C": 23, "D": 15, "E": 16}
    assert sum(locali[k] for k in "ABCDE") == 84  # Legramanti et al. (2022): V = 84
    events = entity_frame(ws, "Event", ["date", "name"], dataset=ds)
    assert events["date"].notna().all() and events["name"].str.startswith("p:").all()
    assert (events["date"].min(), events["date"].max()) == ("2007-10-18", "2009-10-31")
    link_roles = _rows(
        ws, "SELECT DISTINCT value FROM statements WHERE schema = 'UnknownLink' AND prop = 'role'"
    )
    assert link_roles == [("attended",)]


def test_two_mode_options_transpose_role_values_and_personal(workspace, tmp_path):
    path = tmp_path / "attendance.csv"
    path.write_text(
        ",Ann,Bob,Cy\n2001-05-01 dinner,1,0,2\n'03/06/2001 summit,1,1,\nempty,0,0,0\n",
        encoding="utf-8",
    )
    (r,) = import_format(
        workspace,
        path,
        "two-mode-matrix",
        options={"transpose": "true", "role": "present", "personal": "false"},
    )
    assert (r.relationships, r.flagged_rows) == (4, 1)
    actors = sorted(entity_frame(workspace, "Actor", ["name"])["name"])
    assert actors == ["Ann", "Bob", "Cy"]
    events = entity_frame(workspace, "Event", ["name", "date"]).sort_values("date")
    assert list(events["date"].dropna()) == ["2001-05-01", "2001-06-03"]
    assert "03/06/2001 summit" in set(events["name"])  # the leading apostrophe removed
    assert len(events) == 3  # an event nobody attended is kept
    links = entity_frame(workspace, "UnknownLink", ["role", "description"])
    assert set(links["role"]) == {"present"} and set(links["description"].dropna()) == {"value=2"}


def test_two_mode_directory_needs_one_matrix(workspace, tmp_path):
    (tmp_path / "a.csv").write_text(",e1\np,1\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(",e1\nq,1\n", encoding="utf-8")
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, tmp_path, "two-mode-matrix", pseudonymiser=PSEUDO)
    (problem,) = info.value.problems
    assert "one two-mode matrix" in problem.expected and "a.csv, b.csv" in problem.hint
    assert _unchanged(before, workspace.table_counts())


# -- errors and dirt in matrices -------------------------------------------------------------


def test_an_edge_list_is_not_a_matrix_and_nothing_is_written(workspace):
    folder = shared_data(f"{NET}/caviar")  # the matrix and the derived edge list side by side
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, folder, "ucinet-matrix")
    (problem,) = [p for p in info.value.problems if p.fatal]
    assert problem.file.endswith("caviar_full_edgelist_derived.csv")
    assert problem.expected.startswith("a square matrix") and "--format edgelist" in problem.hint
    after = workspace.table_counts()
    assert _unchanged(before, after) and after["audit_log"] == before["audit_log"] + 1


def test_two_mode_matrix_is_not_one_mode(workspace):
    path = shared_data(f"{NET}/ndrangheta_infinito/NDRANGHETAMAFIA_2M.csv")
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, path, "ucinet-matrix")
    assert "--format two-mode-matrix" in info.value.problems[0].hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (",a,a\na,0,1\na,1,0\n", "unique column labels"),
        (",a,\na,0,1\nb,1,0\n", "a label in every field"),
        ("", "a square adjacency matrix"),
    ],
)
def test_matrix_layout_errors(workspace, tmp_path, text, expected):
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, path, "ucinet-matrix")
    assert info.value.problems[0].expected.startswith(expected)
    assert workspace.table_counts()["sources"] == 0


def test_matrix_dirt_is_kept_and_flagged(workspace, tmp_path):
    path = tmp_path / "dirty.csv"
    path.write_text(";a;b;c;d\na;0;2;x;0\nb;2;0\nc;0;0;1;0\n;1;1;1;1\n", encoding="utf-8")
    (r,) = import_format(workspace, path, "ucinet-matrix")
    # nodes a, b, c + d (a column without row); ties a-b, c-c; a bad cell, a short row, an
    # unlabelled row
    assert (r.relationships, r.flagged_rows) == (2, 4)
    assert sorted(entity_frame(workspace, "Actor", ["name"])["name"]) == ["a", "b", "c", "d"]
    expected = {p.line: p.expected for p in r.problems}
    assert expected[2].startswith("a number") and expected[3].startswith("4 cells")
    assert expected[4].startswith("a zero diagonal") and expected[5].startswith("a label")
    (tie,) = entity_frame(workspace, "Tie", ["weight"]).query("weight == '2'")["weight"]
    assert tie == "2"  # symmetric: one undirected tie, not two


def test_unlabelled_matrix_directory_as_layers(workspace, tmp_path):
    folder = tmp_path / "multiplex"
    folder.mkdir()
    (folder / "calls.csv").write_text("0 1 0\n1 0 1\n0 1 0\n", encoding="utf-8")
    (folder / "meetings.csv").write_text("0 0 1\n0 0 0\n0 0 0\n", encoding="utf-8")
    results = import_format(workspace, folder, "ucinet-matrix", options={"directory": "layer"})
    assert [r.relationships for r in results] == [2, 1]
    ties = entity_frame(workspace, ["Tie", "DirectedTie"], ["layer"])
    assert dict(ties["schema"].value_counts()) == {"Tie": 2, "DirectedTie": 1}
    assert sorted(ties["layer"]) == ["calls", "calls", "meetings"]
    with pytest.raises(InvalidValue, match="Each file of the directory"):
        import_format(
            workspace, folder, "ucinet-matrix", options={"layer": "x", "directory": "layer"}
        )


# -- graphml and gexf ---------------------------------------------------------------------


GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="label" attr.type="string"/>
  <key id="d1" for="node" attr.name="role" attr.type="string"><default>member</default></key>
  <key id="d2" for="node" attr.name="nickname" attr.type="string"/>
  <key id="w" for="edge" attr.name="weight" attr.type="double"/>
  <key id="t" for="edge" attr.name="year" attr.type="string"/>
  <graph id="G" edgedefault="undirected">
    <node id="n1"><data key="d0">Boss</data><data key="d1">leader</data></node>
    <node id="n2"><data key="d0">Runner</data><data key="d2">Fox</data></node>
    <node id="n3"/>
    <node id="n4"><data key="d0">Loner</data></node>
    <edge id="e1" source="n1" target="n2"><data key="w">2</data><data key="t">1995</data></edge>
    <edge id="e2" source="n2" target="n1"><data key="w">3</data><data key="t">1995</data></edge>
    <edge id="e3" source="n1" target="n3" directed="true"><data key="w">1</data></edge>
    <edge id="e4" source="n3" target="n9"/>
    <hyperedge><endpoint node="n1"/><endpoint node="n2"/><endpoint node="n3"/></hyperedge>
  </graph>
</graphml>
"""


def test_graphml_nodes_ties_and_dirt(workspace, tmp_path):
    path = tmp_path / "net.graphml"
    path.write_text(GRAPHML, encoding="utf-8")
    (r,) = import_format(workspace, path, "graphml")
    # 4 nodes + 4 edges + 1 hyperedge; ties n1-n2 (2 lines), n1->n3, n3-n9
    assert (r.rows, r.relationships) == (9, 3)
    assert r.flagged_rows == 3  # the second n1-n2 line, the edge to undeclared n9, the hyperedge
    actors = entity_frame(workspace, "Actor", ["name", "role", "attribute"]).set_index("name")
    assert sorted(actors.index) == ["Boss", "Loner", "Runner", "n3", "n9"]  # isolated Loner kept
    assert actors.loc["Boss", "role"] == "leader" and actors.loc["Runner", "role"] == "member"
    assert actors.loc["Runner", "attribute"] == "nickname=Fox"
    ties = entity_frame(workspace, "Tie", ["weight", "period", "recordId"])
    assert sorted(ties["weight"].dropna()) == ["5"]  # n1-n2 listed twice: 2 + 3 (sum)
    assert set(ties["period"].dropna()) == {"1995"}
    arcs = entity_frame(workspace, "DirectedTie", ["weight", "recordId"])
    assert list(arcs["recordId"]) == ["e3"]
    lines = {p.line for p in r.problems}
    assert lines == {14, 16, 17}  # the physical lines of the flagged elements


def test_graphml_from_networkx_with_options(workspace, tmp_path):
    g = nx.DiGraph()
    g.add_edge("Ann Smith", "Bo Li", strength=4)
    g.add_edge("Bo Li", "Ann Smith", strength=1)
    g.add_node("Cy")
    path = tmp_path / "people.graphml"
    nx.write_graphml(g, path)
    (r,) = import_format(
        workspace,
        path,
        "graphml",
        pseudonymiser=PSEUDO,
        options={
            "directed": "false",
            "weight": "strength",
            "personal": "true",
            "duplicates": "max",
        },
    )
    assert (r.rows, r.relationships) == (5, 1)
    (weight,) = entity_frame(workspace, "Tie", ["weight"])["weight"]
    assert weight == "4"
    names = set(entity_frame(workspace, "Actor", ["name"])["name"])
    assert names == {PSEUDO("Ann Smith"), PSEUDO("Bo Li"), PSEUDO("Cy")}


GEXF = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph mode="dynamic" defaultedgetype="directed" timeformat="date">
    <attributes class="node">
      <attribute id="0" title="group" type="string"/>
      <attribute id="1" title="arrests" type="integer"><default>0</default></attribute>
    </attributes>
    <attributes class="edge">
      <attribute id="0" title="channel" type="string"/>
    </attributes>
    <nodes>
      <node id="1" label="Alpha">
        <attvalues><attvalue for="0" value="cell A"/><attvalue for="1" value="3"/></attvalues>
      </node>
      <node id="2" label="Beta"/>
      <node id="3" label="Gamma" start="2001-01-01"/>
    </nodes>
    <edges>
      <edge id="a" source="1" target="2" weight="2" kind="calls">
        <attvalues><attvalue for="0" value="mobile"/></attvalues>
        <spells><spell start="2001" end="2002"/><spell start="2004" end="2005"/></spells>
      </edge>
      <edge id="b" source="2" target="3" type="mutual" weight="x"/>
      <edge id="c" source="1" target="2" weight="5" kind="calls" start="2001" end="2002"/>
    </edges>
  </graph>
</gexf>
"""


def test_gexf_nodes_spells_kinds_and_mutual_edges(workspace, tmp_path):
    path = tmp_path / "net.gexf"
    path.write_text(GEXF, encoding="utf-8")
    (r,) = import_format(workspace, path, "gexf")
    # 3 nodes; edge a in two spells (two ties), b undirected, c the same tie as a's first spell
    assert (r.rows, r.relationships) == (3 + 2 + 1 + 1, 3)
    actors = entity_frame(workspace, "Actor", ["name", "group", "arrests", "attribute"])
    actors = actors.set_index("name")
    assert actors.loc["Alpha", "group"] == "cell A" and actors.loc["Alpha", "arrests"] == "3"
    assert actors.loc["Beta", "arrests"] == "0"  # the attribute's default
    assert actors.loc["Gamma", "attribute"] == "period=2001-01-01/.."
    arcs = entity_frame(workspace, "DirectedTie", ["period", "weight", "layer", "description"])
    assert dict(zip(arcs["period"], arcs["weight"], strict=True)) == {
        "2001/2002": "7",  # 2 + 5: edges a and c in the same period (sum)
        "2004/2005": "2",
    }
    assert set(arcs["layer"]) == {"calls"} and set(arcs["description"]) == {"channel=mobile"}
    (mutual,) = entity_frame(workspace, "Tie", ["weight"])["weight"]
    assert mutual is None  # "x" is no number: the tie is kept without it and flagged
    assert any(p.column == "weight" and p.value == "x" for p in r.problems)


@pytest.mark.parametrize(
    ("fmt", "text", "expected", "hint"),
    [
        ("graphml", GEXF, "a GraphML file: root element <graphml>", "use --format gexf"),
        ("gexf", GRAPHML, "a GEXF file: root element <gexf>", "use --format graphml"),
        ("graphml", "<graphml><graph><node id='1'></graph>", "well-formed XML", "mismatched tag"),
        ("gexf", "<gexf version='1.3'/>", "a <graph> element", "no graph"),
        (
            "graphml",
            '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><graphml/>',
            "a GraphML file without entity declarations",
            "ENTITY",
        ),
    ],
)
def test_xml_layout_errors(workspace, tmp_path, fmt, text, expected, hint):
    path = tmp_path / f"bad.{fmt}"
    path.write_text(text, encoding="utf-8")
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, path, fmt)
    (problem,) = info.value.problems
    assert problem.expected.startswith(expected) and hint in problem.hint
    assert _unchanged(before, workspace.table_counts())


# -- the formats themselves -------------------------------------------------------------------


def test_formats_are_registered_with_their_options():
    assert "duplicates" in get_format("montagna-edgelist").options
    assert {"directed", "attributes", "period", "directory"} <= set(
        get_format("ucinet-matrix").options
    )
    assert {"transpose", "nodes", "role"} <= set(get_format("two-mode-matrix").options)
    for name in ("graphml", "gexf", "ucinet-matrix", "montagna-edgelist", "two-mode-matrix"):
        fmt = get_format(name)
        assert fmt.crime_area == "networks" and fmt.kind == "offline"


def test_bad_option_values_are_refused(workspace, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(",a,b\na,0,1\nb,1,0\n", encoding="utf-8")
    with pytest.raises(InvalidValue, match="true, false or auto"):
        import_format(workspace, path, "ucinet-matrix", options={"directed": "sometimes"})
    with pytest.raises(InvalidValue, match="duplicates rule"):
        import_format(workspace, path, "montagna-edgelist", options={"duplicates": "mean"})
    with pytest.raises(ImportRejected, match="node attribute file"):
        import_format(workspace, path, "ucinet-matrix", options={"attributes": "missing.csv"})
    assert workspace.table_counts()["sources"] == 0
