"""Finance formats: AMLSim, AMLworld (+ patterns), Elliptic, GraphSense TagPacks, OFAC lists.

The real data sets of ../shared/data are imported through the real importer; the counts and
figures their SOURCE.md gives are computed back from the workspace. Elliptic is not in
../shared/data: a small file set in its exact layout is generated here.
"""

from __future__ import annotations

import random

import pytest

from conftest import shared_data
from cybertnoc.errors import ImportRejected, InvalidValue
from cybertnoc.ingest.formats import get_format, import_format
from cybertnoc.store import Workspace
from cybertnoc.store.queries import entity_frame, list_sources

AMLSIM = "finance/amlsim_ibm"
AMLWORLD = "finance/ibm_amlworld_hi_small_patterns"
TAGPACKS = "finance/graphsense_tagpacks"
OFAC = "finance/ofac_sanctioned_addresses"

#: SOURCE.md of amlsim_ibm: accounts, isFraud=1 accounts, transactions, transactions between two
#: isFraud=1 accounts (its proxy for laundering transfers).
AMLSIM_RUNS = {
    "20K_cycle200": (20_000, 945, 117_805, 3_686),
    "20K_fanin200": (20_000, 954, 118_250, 3_435),
    "20K_fanin200cycle200": (20_000, 1_804, 120_558, 7_885),
}

# Payments whose payer and beneficiary are both labelled illicit (AmlLabel.illicit = 1).
BOTH_ILLICIT = """
    WITH bad AS (
        SELECT s.value AS account FROM statements s
        JOIN statements i ON i.entity_id = s.entity_id AND i.prop = 'illicit' AND i.value = '1'
        WHERE s.schema = 'AmlLabel' AND s.prop = 'subject' AND s.dataset = ?)
    SELECT count(*) FROM relationships r
    WHERE r.schema = 'Payment' AND r.dataset = ?
      AND r.source IN (SELECT account FROM bad) AND r.target IN (SELECT account FROM bad)
"""


def _one(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()[0]


def _all(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def _unchanged(ws, before):
    after = ws.table_counts()
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }


def _rejected(ws, path, fmt, **kwargs):
    before = ws.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(ws, path, fmt, **kwargs)
    _unchanged(ws, before)
    return info.value.problems


# -- amlsim -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def amlsim(tmp_path_factory):
    """The three 20K runs and the demo outputs, each its own dataset (about 40 s)."""
    root = shared_data(AMLSIM)
    ws = Workspace.create(tmp_path_factory.mktemp("amlsim") / "ws")
    results = {run: import_format(ws, root / run, "amlsim") for run in AMLSIM_RUNS}
    results["sample_outputs"] = import_format(ws, root / "sample_outputs", "amlsim")
    yield ws, results
    ws.close()


@pytest.mark.parametrize("run", sorted(AMLSIM_RUNS))
def test_amlsim_runs_counts_and_fraud_edges(amlsim, run):
    ws, results = amlsim
    accounts, fraud, transactions, fraud_edges = AMLSIM_RUNS[run]
    nodes, txs = results[run]
    assert (nodes.rows, nodes.flagged_rows, txs.rows, txs.flagged_rows) == (
        accounts,
        0,
        transactions,
        0,
    )
    assert txs.relationships == transactions  # one Payment (payer -> beneficiary) per line
    dataset = nodes.dataset
    assert dataset == "d" + run.lower()
    assert _one(
        ws,
        "SELECT count(*) FROM entities WHERE dataset = ? AND schema = 'BankAccount'",
        dataset,
    ) == (accounts,)
    labels = _one(
        ws,
        "SELECT count(*), count(*) FILTER (WHERE value = '1') FROM statements "
        "WHERE dataset = ? AND schema = 'AmlLabel' AND prop = 'illicit'",
        dataset,
    )
    assert labels == (accounts, fraud)
    assert _one(ws, BOTH_ILLICIT, dataset, dataset) == (fraud_edges,)


def test_amlsim_metadata_that_disagrees_is_a_warning(amlsim):
    _, results = amlsim
    nodes, _ = results["20K_fanin200cycle200"]
    (warning,) = nodes.problems  # metadata.txt says 1,803; nodes.csv has 1,804
    assert not warning.fatal and warning.file.endswith("metadata.txt")
    assert "1,804 isFraud=1 accounts" in warning.expected and "1,803" in warning.hint
    assert results["20K_cycle200"][0].problems == []


def test_amlsim_ids_steps_dates_and_provenance(amlsim):
    ws, results = amlsim
    dataset = results["20K_cycle200"][0].dataset
    # The first transfer of transactions.csv: 280 -> 15349, 147.8 at step 1 (line 2).
    row = _one(
        ws,
        """
        SELECT max(s.value) FILTER (WHERE s.prop = 'amount'),
               max(s.value) FILTER (WHERE s.prop = 'date'),
               max(s.value) FILTER (WHERE s.prop = 'sequenceNumber'),
               max(r.line)
        FROM statements s JOIN records r ON r.source_id = s.source_id
             AND r.row_number = s.row_number
        WHERE s.dataset = ? AND s.schema = 'Payment' AND r.line = 2
        """,
        dataset,
    )
    assert row == ("147.8", "2017-01-02", "1", 2)
    numbers = entity_frame(ws, "BankAccount", ["accountNumber", "balance"], dataset=dataset)
    assert set(numbers["accountNumber"]) == {str(i) for i in range(20_000)}
    steps = _one(
        ws,
        "SELECT min(value::INT), max(value::INT), count(*) FROM statements "
        "WHERE dataset = ? AND schema = 'AmlLabel' AND prop = 'step'",
        dataset,
    )
    # fraudStep -1 is left out: 463 of the 945 isFraud=1 accounts have a step (18 to 149), the
    # others -1 like the licit ones (SOURCE.md reads -1 as "not fraud": not quite).
    assert steps == (18, 149, 463)
    source = next(s for s in list_sources(ws) if s["dataset"] == dataset)
    assert source["format_name"] == "amlsim" and "7338a4bc" in source["provenance"]
    assert source["licence"] == "Apache-2.0" and "Suzumura" in source["citation"]


def test_amlsim_sample_outputs(amlsim):
    ws, results = amlsim
    accounts, tx, cash, alerts = results["sample_outputs"]
    assert [r.rows for r in (accounts, tx, cash, alerts)] == [30, 45, 88, 2]
    assert sum(r.flagged_rows for r in (accounts, tx, cash, alerts)) == 0
    dataset = accounts.dataset
    fraud = _all(
        ws,
        "SELECT value, count(*) FROM statements WHERE dataset = ? AND schema = 'AmlLabel' "
        "AND prop = 'illicit' AND entity_id IN (SELECT entity_id FROM statements "
        "WHERE prop = 'scheme' AND value = 'AMLSim isFraud') GROUP BY 1 ORDER BY 1",
        dataset,
    )
    assert fraud == [("0", 26), ("1", 4)]  # accounts 20, 24, 25, 26
    # Both alerts are cycles on accounts 24 and 25, dated 2017-01-28 and 2017-02-18.
    alerted = _all(
        ws,
        """
        SELECT a.value, t.value, d.value FROM statements t
        JOIN statements d ON d.entity_id = t.entity_id AND d.prop = 'date'
        JOIN statements s ON s.entity_id = t.entity_id AND s.prop = 'subject'
        JOIN statements a ON a.entity_id = s.value AND a.prop = 'accountNumber'
        WHERE t.dataset = ? AND t.prop = 'typology' ORDER BY 1
        """,
        dataset,
    )
    assert alerted == [("24", "cycle", "2017-01-28"), ("25", "cycle", "2017-02-18")]
    # Cash never passes for a transfer: a cash-out goes from the account to a branch.
    rails = _all(
        ws,
        """
        SELECT p.value, b.schema, count(*) FROM relationships r
        JOIN entities b ON b.id = r.target
        JOIN statements p ON p.entity_id = r.id AND p.prop = 'programme'
        WHERE r.dataset = ? GROUP BY 1, 2 ORDER BY 1, 2
        """,
        dataset,
    )
    kinds = {(k, s): n for k, s, n in rails}
    assert sum(n for (k, _), n in kinds.items() if k.startswith("CASH")) == 88
    assert all(s == "Organization" for (k, s) in kinds if k == "CASH-OUT")
    assert all(s == "BankAccount" for (k, s) in kinds if not k.startswith("CASH"))


def test_amlsim_options_and_single_files(tmp_path):
    root = shared_data(AMLSIM)
    with Workspace.create(tmp_path / "ws") as ws:
        (r,) = import_format(
            ws,
            root / "sample_outputs" / "tx.csv",
            "amlsim",
            options={"base_date": "none", "currency": "USD"},
        )
        assert r.rows == 45 and r.flagged_rows == 0
        payments = entity_frame(ws, "Payment", ["date", "sequenceNumber", "currency"])
        assert payments["date"].isna().all() and set(payments["currency"]) == {"USD"}
        assert sorted(payments["sequenceNumber"].astype(int))[:2] == [1, 2]
        with pytest.raises(InvalidValue, match="base date"):
            import_format(ws, root / "sample_outputs", "amlsim", options={"base_date": "soon"})
        with pytest.raises(InvalidValue, match="currency"):
            import_format(ws, root / "sample_outputs", "amlsim", options={"currency": "ZZQ"})


def test_amlsim_layout_errors(workspace, tmp_path):
    root = shared_data(AMLSIM)
    (p,) = _rejected(workspace, root / "paramFiles_typologies", "amlsim")
    assert "parameter set" in p.hint and "nodes.csv and transactions.csv" in p.expected
    (p,) = _rejected(workspace, root, "amlsim")
    assert "several runs (20K_cycle200, 20K_fanin200, 20K_fanin200cycle200)" in p.hint
    empty = tmp_path / "run"
    empty.mkdir()
    (empty / "nodes.csv").write_text("nodeid,isFraud\n0,0\n", encoding="utf-8")
    (p,) = _rejected(workspace, empty, "amlsim")
    assert "Found: nodes.csv" in p.hint and "nodes.csv and transactions.csv" in p.expected
    (empty / "transactions.csv").write_text("src,dst,value\n0,1,2\n", encoding="utf-8")
    problems = _rejected(workspace, empty, "amlsim")
    assert "sourceNodeId" in problems[0].expected and "Missing" in problems[0].hint


def test_amlsim_dirty_rows_are_kept_and_flagged(workspace, tmp_path):
    run = tmp_path / "my_run"
    run.mkdir()
    (run / "nodes.csv").write_text(
        "nodeid,isFraud,init_balance,fraudStep\n0,1,10.5,3\n1,maybe,x,-1\n,0,1,-1\n",
        encoding="utf-8",
    )
    (run / "transactions.csv").write_text(
        "sourceNodeId,targetNodeId,value,time\n0,1,12.5,3\n1,,4,4\n0,1,-3,999999\n7,0,1,5\n",
        encoding="utf-8",
    )
    nodes, txs = import_format(workspace, run, "amlsim")
    assert (nodes.rows, nodes.flagged_rows, txs.rows, txs.flagged_rows) == (3, 2, 4, 3)
    assert {(p.line, p.column) for p in nodes.problems} == {
        (3, "isFraud"),
        (3, "balance"),
        (4, "nodeid"),
    }
    found = {(p.line, p.column) for p in txs.problems}
    assert found == {(3, "targetNodeId"), (4, "amount"), (4, "time"), (5, "sourceNodeId")}
    assert txs.relationships == 3  # the line without a beneficiary has no payment
    # Account 7 is not in nodes.csv: it is made from the transfer, with its number.
    numbers = entity_frame(workspace, "BankAccount", ["accountNumber"])
    assert sorted(numbers["accountNumber"].dropna()) == ["0", "1", "7"]


# -- amlworld and amlworld-patterns -------------------------------------------------------------
FAMILIES = {  # SOURCE.md: attempts (transactions) per family
    "BIPARTITE": (49, 263),
    "CYCLE": (54, 287),
    "FAN-IN": (40, 318),
    "FAN-OUT": (48, 342),
    "GATHER-SCATTER": (51, 716),
    "RANDOM": (41, 191),
    "SCATTER-GATHER": (44, 626),
    "STACK": (43, 466),
}


@pytest.fixture(scope="module")
def amlworld(tmp_path_factory):
    """The 1,000-row transaction sample and the 370 laundering attempts (about 2 s)."""
    root = shared_data(AMLWORLD)
    ws = Workspace.create(tmp_path_factory.mktemp("amlworld") / "ws")
    trans = import_format(ws, root / "transactions_sample_first1000.csv", "amlworld")
    patterns = import_format(ws, root, "amlworld-patterns")
    yield ws, trans, patterns
    ws.close()


def test_amlworld_sample_counts_and_figures(amlworld):
    ws, (r,), _ = amlworld
    assert (r.rows, r.flagged_rows) == (1000, 0)
    assert r.relationships == 1000
    dataset = r.dataset
    # SOURCE.md: all 1,000 rows are licit, from 2022/09/01 00:00-00:29.
    assert _one(
        ws,
        "SELECT count(*), count(*) FILTER (WHERE value = '0') FROM statements "
        "WHERE dataset = ? AND schema = 'AmlLabel' AND prop = 'illicit'",
        dataset,
    ) == (1000, 1000)
    assert _one(
        ws,
        "SELECT min(value), max(value) FROM statements "
        "WHERE dataset = ? AND schema = 'Payment' AND prop = 'date'",
        dataset,
    ) == ("2022-09-01T00:00:00", "2022-09-01T00:29:00")
    formats = dict(
        _all(
            ws,
            "SELECT value, count(*) FROM statements WHERE dataset = ? AND prop = 'programme' "
            "GROUP BY 1",
            dataset,
        )
    )
    assert formats["Reinvestment"] == 720 and sum(formats.values()) == 1000
    currency = _all(
        ws,
        "SELECT value, count(*) FROM statements WHERE dataset = ? "
        "AND schema = 'Payment' AND prop = 'currency' GROUP BY ALL",
        dataset,
    )
    assert currency == [("USD", 1000)]  # "US Dollar" in the file
    # Reinvestments are payments from an account to itself.
    assert _one(
        ws,
        "SELECT count(*) FROM relationships WHERE dataset = ? AND source = target",
        dataset,
    ) == (732,)


def test_amlworld_patterns_counts_and_typologies(amlworld):
    ws, _, (r,) = amlworld
    assert (r.rows, r.flagged_rows, r.relationships) == (370 + 3209, 0, 3209)
    assert r.problems == []  # ground_truth_summary.json agrees with the file
    dataset = r.dataset
    attempts = _all(
        ws,
        "SELECT value, count(*) FROM statements WHERE dataset = ? AND schema = 'Event' "
        "AND prop = 'keywords' GROUP BY 1 ORDER BY 1",
        dataset,
    )
    transactions = _all(
        ws,
        "SELECT value, count(*) FROM statements WHERE dataset = ? AND schema = 'AmlLabel' "
        "AND prop = 'typology' GROUP BY 1 ORDER BY 1",
        dataset,
    )
    assert attempts == [(f, a) for f, (a, _) in sorted(FAMILIES.items())]
    assert transactions == [(f, t) for f, (_, t) in sorted(FAMILIES.items())]
    formats = _all(
        ws,
        "SELECT value, count(*) FROM statements WHERE dataset = ? AND prop = 'programme' "
        "GROUP BY 1 ORDER BY 1",
        dataset,
    )
    assert formats == [("ACH", 3208), ("Bitcoin", 1)]
    assert _one(
        ws,
        "SELECT count(DISTINCT value), min(value), max(value) FROM statements "
        "WHERE dataset = ? AND schema = 'Payment' AND prop = 'currency'",
        dataset,
    ) == (15, "AUD", "USD")
    assert _one(
        ws,
        "SELECT min(value), max(value) FROM statements "
        "WHERE dataset = ? AND schema = 'Payment' AND prop = 'date'",
        dataset,
    ) == ("2022-09-01T00:03:00", "2022-09-18T16:18:00")


def test_amlworld_cycles_are_closed(amlworld):
    """SOURCE.md: in all 54 CYCLE attempts every account sends as often as it receives."""
    ws, _, (r,) = amlworld
    row = _one(
        ws,
        """
        WITH cyc AS (
            SELECT s.value AS payment, a.value AS attempt FROM statements s
            JOIN statements t ON t.entity_id = s.entity_id AND t.prop = 'typology'
                 AND t.value = 'CYCLE'
            JOIN statements a ON a.entity_id = s.entity_id AND a.prop = 'attempt'
            WHERE s.dataset = ? AND s.schema = 'AmlLabel' AND s.prop = 'subject'),
        ends AS (
            SELECT c.attempt, r.source AS account, 1 AS sent, 0 AS got
            FROM cyc c JOIN relationships r ON r.id = c.payment
            UNION ALL
            SELECT c.attempt, r.target, 0, 1 FROM cyc c JOIN relationships r ON r.id = c.payment),
        per AS (SELECT attempt, account, sum(sent) AS s, sum(got) AS g FROM ends GROUP BY ALL)
        SELECT count(DISTINCT attempt), count(*) FILTER (WHERE s <> g) FROM per
        """,
        r.dataset,
    )
    assert row == (54, 0)


def test_amlworld_patterns_and_transactions_share_payments(workspace, tmp_path):
    """The original layouts: _Trans.csv (two "Account" columns) and the BEGIN/END text file."""
    trans = tmp_path / "HI-Small_Trans.csv"
    trans.write_text(
        "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
        "Amount Paid,Payment Currency,Payment Format,Is Laundering\n"
        "2022/09/01 00:03,1467,8013C4030,20,80BC62F10,58702.10,Yuan,58702.10,Yuan,ACH,1\n"
        "2022/09/01 02:52,20,80BC62F10,1467,8013C4030,7945.55,US Dollar,7945.55,US Dollar,ACH,1\n"
        "2022/09/01 03:00,20,80BC62F10,20,80BC62F10,10.00,Rupee,10.00,Rupee,Cash,x\n",
        encoding="utf-8",
    )
    patterns = tmp_path / "HI-Small_Patterns.txt"
    patterns.write_text(
        "BEGIN LAUNDERING ATTEMPT - CYCLE:  Max 2 hops\n"
        "2022/09/01 00:03,01467,8013C4030,020,80BC62F10,58702.1,Yuan,58702.1,Yuan,ACH,1\n"
        "2022/09/01 02:52,020,80BC62F10,01467,8013C4030,7945.55,US Dollar,7945.55,US Dollar,"
        "ACH,1\n"
        "END LAUNDERING ATTEMPT - CYCLE\n"
        "\n"
        "BEGIN LAUNDERING ATTEMPT - FAN-IN\n"
        "2022/09/02 10:00,020,80BC62F10,01467,8013C4030,5.00,UK Pound,5.00,UK Pound,ACH\n",
        encoding="utf-8",
    )
    (t,) = import_format(workspace, trans, "amlworld")
    assert (t.rows, t.flagged_rows) == (3, 1)
    assert [(p.line, p.column) for p in t.problems] == [(4, "Is Laundering")]
    (p,) = import_format(workspace, patterns, "amlworld-patterns")
    assert (p.rows, p.flagged_rows) == (2 + 3, 2)  # FAN-IN: no END line; its row has 10 fields
    assert {q.line for q in p.problems} == {6, 7}
    assert p.relationships == 1  # the two cycle payments are those of the _Trans.csv file
    labels = _all(
        workspace,
        """
        SELECT s.value, count(DISTINCT l.dataset) FROM statements l
        JOIN statements s ON s.entity_id = l.value AND s.prop = 'amount'
        WHERE l.schema = 'AmlLabel' AND l.prop = 'subject' GROUP BY 1 ORDER BY 1
        """,
    )
    assert labels == [("10", 1), ("5", 1), ("58702.1", 2), ("7945.55", 2)]
    currencies = entity_frame(workspace, "Payment", ["currency"])
    assert sorted(currencies["currency"]) == ["CNY", "GBP", "INR", "USD"]


def test_amlworld_layout_errors(workspace, tmp_path):
    bad = tmp_path / "trans.csv"
    bad.write_text("when,who,amount\n2022/09/01,a,1\n", encoding="utf-8")
    (p,) = _rejected(workspace, bad, "amlworld")
    assert "From Bank" in p.expected and "Missing: Timestamp" in p.hint and p.line == 1
    text = tmp_path / "patterns.txt"
    text.write_text("2022/09/01 00:03,1,2,3,4,5,Euro,5,Euro,ACH,1\n", encoding="utf-8")
    (p,) = _rejected(workspace, text, "amlworld-patterns")
    assert "BEGIN LAUNDERING ATTEMPT" in p.expected
    root = shared_data(AMLWORLD)
    (p,) = _rejected(workspace, root / "ground_truth_summary.json", "amlworld-patterns")
    assert "counts only" in p.hint
    broken = tmp_path / "laundering_patterns.json"
    broken.write_text('{"patterns": [\n {"pattern_type": "STACK",\n "transactions": [}', "utf-8")
    (p,) = _rejected(workspace, broken, "amlworld-patterns")
    assert p.line == 3 and "JSON" in p.expected


# -- elliptic -----------------------------------------------------------------------------------
def _elliptic(root, header=False, prefix="elliptic_"):
    """A small Elliptic Data Set: 30 transactions in 3 time steps, 3 illicit and 8 licit."""
    rng = random.Random(7)
    root.mkdir()
    ids = [230_425_980 + 7 * i for i in range(30)]
    lines = []
    if header:
        lines.append(
            ",".join(["txId", "Time step"] + [f"Local_feature_{i}" for i in range(1, 94)])
            + ","
            + ",".join(f"Aggregate_feature_{i}" for i in range(1, 73))
        )
    for i, tx in enumerate(ids):
        features = [f"{rng.uniform(-1, 5):.6f}" for _ in range(165)]
        if i == 29:
            features = features[:10]  # a truncated line
        lines.append(",".join([str(tx), str(1 + i // 10), *features]))
    (root / f"{prefix}txs_features.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    classes = ["1"] * 3 + ["2"] * 8 + ["unknown"] * 18 + ["3"]
    (root / f"{prefix}txs_classes.csv").write_text(
        "txId,class\n" + "".join(f"{t},{c}\n" for t, c in zip(ids, classes, strict=True)),
        encoding="utf-8",
    )
    edges = [(ids[i], ids[i + 1]) for i in range(29) if i % 10 != 9]  # chains within a step
    edges += [(ids[0], ids[5]), (ids[0], ids[5])]  # the last one is a duplicate line
    (root / f"{prefix}txs_edgelist.csv").write_text(
        "txId1,txId2\n" + "".join(f"{a},{b}\n" for a, b in edges), encoding="utf-8"
    )
    return ids, edges


def test_elliptic_generated_data_set(workspace, tmp_path):
    _, edges = _elliptic(tmp_path / "elliptic_bitcoin_dataset")
    features, classes, flows = import_format(
        workspace, tmp_path / "elliptic_bitcoin_dataset", "elliptic"
    )
    assert (features.rows, features.flagged_rows, features.entities) == (30, 1, 30)
    assert (classes.rows, classes.flagged_rows, classes.entities) == (30, 1, 30)  # the labels
    assert (flows.rows, flows.flagged_rows, flows.relationships) == (29, 1, 28)
    assert features.problems[0].line == 30 and "167 fields" in features.problems[0].expected
    assert classes.problems[0].value == "3"
    assert {s["dataset"] for s in list_sources(workspace)} == {"elliptic"}
    # Shares of the labelled transactions, as the Elliptic paper reports them (2 % / 21 %).
    row = _one(
        workspace,
        "SELECT count(*) FILTER (WHERE value = '1'), count(*) FILTER (WHERE value = '0'), "
        "(SELECT count(*) FROM entities WHERE schema = 'CryptoTransaction') "
        "FROM statements WHERE schema = 'AmlLabel' AND prop = 'illicit'",
    )
    assert row == (3, 8, 30)
    steps = _all(
        workspace,
        "SELECT value, count(*) FROM statements WHERE prop = 'timeStep' GROUP BY 1 ORDER BY 1",
    )
    assert steps == [("1", 10), ("2", 10), ("3", 10)]
    # Flows link the transactions as in the edge list (ids as written in txId).
    tx = dict(_all(workspace, "SELECT entity_id, value FROM statements WHERE prop = 'txId'"))
    linked = {
        (int(tx[s]), int(tx[t]))
        for s, t in _all(workspace, "SELECT source, target FROM relationships")
    }
    assert linked == set(edges)
    assert _one(workspace, "SELECT count(*) FROM relationships WHERE directed") == (28,)


def test_elliptic_plus_plus_header_and_single_files(workspace, tmp_path):
    _elliptic(tmp_path / "epp", header=True, prefix="")
    (r,) = import_format(workspace, tmp_path / "epp" / "txs_features.csv", "elliptic")
    assert (r.rows, r.flagged_rows) == (30, 1)  # the header line is not a transaction


def test_elliptic_layout_errors(workspace, tmp_path):
    _elliptic(tmp_path / "e")
    (tmp_path / "e" / "elliptic_txs_classes.csv").unlink()
    (p,) = _rejected(workspace, tmp_path / "e", "elliptic")
    assert "Missing: elliptic_txs_classes.csv" in p.hint
    (p,) = _rejected(workspace, tmp_path / "e" / "elliptic_txs_features.csv", "tagpack")
    assert "tags:" in p.expected
    other = tmp_path / "other.csv"
    other.write_text("a,b\n", encoding="utf-8")
    (p,) = _rejected(workspace, other, "elliptic")
    assert "elliptic_txs_features.csv" in p.expected
    edges = tmp_path / "elliptic_txs_edgelist.csv"
    edges.write_text("from;to\n1;2\n", encoding="utf-8")
    (p,) = _rejected(workspace, edges, "elliptic")
    assert "txId1" in p.expected


# -- tagpack ------------------------------------------------------------------------------------
TAGPACK_COUNTS = {  # SOURCE.md: tags (unique addresses), distinct labels
    "etherscamdb_tagpack.yaml": (3117, 2299, 2601),
    "hacks.yaml": (608, 606, 33),
    "ransomware.yaml": (7178, 7178, 37),
    "ransomwhere.yaml": (7457, 7457, 122),
    "sextortion_excello.yaml": (12527, 12527, 1),
    "walletexplorer.yaml": (386, 386, 272),
}


@pytest.fixture(scope="module")
def tagpacks(tmp_path_factory):
    """The six tag packs, imported as one directory (about 7 s)."""
    ws = Workspace.create(tmp_path_factory.mktemp("tagpacks") / "ws")
    results = import_format(ws, shared_data(TAGPACKS), "tagpack")
    yield ws, {r.file.rsplit("/", 1)[-1]: r for r in results}
    ws.close()


def test_tagpack_counts(tagpacks):
    ws, results = tagpacks
    assert {name: r.rows for name, r in results.items()} == {
        name: tags for name, (tags, _, _) in TAGPACK_COUNTS.items()
    }
    per_file = _all(
        ws,
        """
        SELECT so.file_name, count(DISTINCT w.value), count(DISTINCT d.value)
        FROM statements w JOIN sources so USING (source_id)
        JOIN statements d ON d.entity_id = w.entity_id AND d.prop = 'description'
        WHERE w.schema = 'Note' AND w.prop = 'entity' GROUP BY 1 ORDER BY 1
        """,
    )
    # Unique addresses: 17 Ethereum addresses of etherscamdb are written in two cases (EIP-55
    # and lower case); checksummed, they are one wallet each: 2,299 as written, 2,282 wallets.
    expected = {n: (u, labels) for n, (_, u, labels) in TAGPACK_COUNTS.items()}
    expected["etherscamdb_tagpack.yaml"] = (2299 - 17, 2601)
    assert {name: (u, labels) for name, u, labels in per_file} == expected
    # Dirty addresses (bad checksums) are kept and flagged: 1 in etherscamdb, 6 in sextortion.
    assert {n: r.flagged_rows for n, r in results.items() if r.flagged_rows} == {
        "etherscamdb_tagpack.yaml": 1,
        "sextortion_excello.yaml": 6,
    }


def test_tagpack_figures(tagpacks):
    ws, _ = tagpacks
    top = _all(
        ws,
        """
        SELECT so.file_name, d.value, count(*) AS n FROM statements d JOIN sources so
        USING (source_id) WHERE d.schema = 'Note' AND d.prop = 'description'
        GROUP BY 1, 2 QUALIFY row_number() OVER (PARTITION BY so.file_name ORDER BY n DESC) = 1
        ORDER BY 1
        """,
    )
    assert top == [
        ("etherscamdb_tagpack.yaml", "top-ethereum.com", 7),
        ("hacks.yaml", "Bitfinex", 196),
        ("ransomware.yaml", "Locky", 7036),  # SOURCE.md: Locky 7,036
        ("ransomwhere.yaml", "Locky", 7037),  # SOURCE.md: Locky 7,037
        ("sextortion_excello.yaml", "Sextortion Spam", 12527),
        ("walletexplorer.yaml", "HelixMixer", 35),  # SOURCE.md: HelixMixer 35
    ]
    # etherscamdb's tags per currency (a tag inherits the pack's currency where it has none).
    currencies = _all(
        ws,
        """
        SELECT c.value, count(*) FROM statements n JOIN sources so USING (source_id)
        JOIN statements c ON c.entity_id = n.value AND c.prop = 'currency'
        WHERE so.file_name = 'etherscamdb_tagpack.yaml' AND n.prop = 'entity'
        GROUP BY 1 ORDER BY 2 DESC, 1
        """,
    )
    assert currencies == [("ETH", 2793), ("BTC", 305), ("LTC", 15), ("BCH", 2), ("ZEC", 2)]
    # Header fields are inherited: every ransomware tag is abuse=ransomware, confidence forensic.
    assert _one(
        ws,
        """
        SELECT count(*) FILTER (WHERE k.value = 'ransomware'),
               count(*) FILTER (WHERE n.value LIKE '%confidence: forensic%')
        FROM statements k JOIN statements n ON n.entity_id = k.entity_id AND n.prop = 'notes'
        JOIN sources so ON so.source_id = k.source_id
        WHERE so.file_name = 'ransomware.yaml' AND k.prop = 'keywords'
        """,
    ) == (7178, 7178)
    holders = _all(
        ws,
        "SELECT value, count(*) FROM statements WHERE schema = 'LegalEntity' AND prop = 'name' "
        "AND value IN ('huobi', 'bitstamp') GROUP BY 1 ORDER BY 1",
    )
    assert holders == [("bitstamp", 1), ("huobi", 1)]


def test_tagpack_errors_and_lines(workspace, tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "title: x\ncurrency: BTC\ntags:\n- label: a\n- address: a: b\n- x: 1\n", "utf-8"
    )
    (p,) = _rejected(workspace, pack, "tagpack")
    assert p.line == 5 and "YAML" in p.expected
    pack.write_text("title: x\ncurrency: BTC\naddresses: []\n", "utf-8")
    (p,) = _rejected(workspace, pack, "tagpack")
    assert "`tags:` list" in p.expected
    pack.write_text(
        "title: Mine\ncurrency: BTC\nlabel: Locky\ntags:\n"
        "- address: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n  tagpack_uri: x\n- label: none\n",
        "utf-8",
    )
    (r,) = import_format(workspace, pack, "tagpack")
    assert (r.rows, r.flagged_rows) == (2, 1)
    assert [(p.line, p.column) for p in r.problems] == [(7, "address")]
    notes = entity_frame(workspace, "Note", ["description", "notes"])
    assert dict(zip(notes["description"], notes["notes"], strict=True)) == {
        "Locky": "tag pack: Mine; tagpack_uri: x",  # fields cybertnoc does not map go to notes
        "none": "tag pack: Mine",
    }


# -- ofac-addresses -----------------------------------------------------------------------------
OFAC_COUNTS = {  # SOURCE.md: addresses per asset
    "XBT": 435,
    "ETH": 152,
    "USDT": 26,
    "LTC": 10,
    "BCH": 7,
    "TRX": 6,
    "DASH": 3,
    "XMR": 3,
    "ZEC": 3,
    "USDC": 2,
    **dict.fromkeys(("ARB", "BSC", "BSV", "BTG", "ETC", "XRP", "XVG"), 1),
}
PER_ASSET = """
    SELECT value, count(*) FROM statements
    WHERE schema = 'CryptoWallet' AND prop = 'currencySymbol' GROUP BY 1
"""


def test_ofac_directory_counts(workspace):
    results = import_format(workspace, shared_data(OFAC), "ofac-addresses")
    assert sum(r.rows for r in results) == 654 - 1  # BSC's list has ARB's bytes: read once
    assert sum(r.flagged_rows for r in results) == 0
    (twin,) = [p for r in results for p in r.problems]
    assert twin.file.endswith("sanctioned_addresses_BSC.txt") and not twin.fatal
    assert dict(_all(workspace, PER_ASSET)) == OFAC_COUNTS
    # Every sanctioned wallet has one Sanction (OFAC, SDN List); addresses listed under several
    # assets (ETH and USDT, ARB and BSC) are one wallet.
    wallets = _one(workspace, "SELECT count(*) FROM entities WHERE schema = 'CryptoWallet'")[0]
    assert _one(
        workspace,
        "SELECT count(*), count(DISTINCT s.value) FROM statements s "
        "WHERE s.schema = 'Sanction' AND s.prop = 'entity'",
    ) == (wallets, wallets)
    assert wallets < 654
    topics = _one(workspace, "SELECT count(*) FROM statements WHERE prop = 'topics'")[0]
    assert topics == wallets
    (source,) = {s["dataset"] for s in list_sources(workspace)}
    assert source == "ofac_sdn_addresses"


def test_ofac_txt_and_json_agree(tmp_path):
    """SOURCE.md: the .txt and .json lists agree (the json import adds no wallet)."""
    with Workspace.create(tmp_path / "ws") as ws:
        import_format(ws, shared_data(OFAC), "ofac-addresses")
        before = ws.table_counts()["entities"]
        results = import_format(ws, shared_data(OFAC), "ofac-addresses", options={"files": "json"})
        assert sum(r.rows for r in results) == 653 and ws.table_counts()["entities"] == before
        lines = _one(
            ws,
            "SELECT min(r.line), max(r.line) FROM records r JOIN sources s USING (source_id) "
            "WHERE s.file_name = 'sanctioned_addresses_XBT.json'",
        )
        assert lines == (2, 436)  # one address per line after the opening bracket


def test_ofac_single_file_and_options(workspace, tmp_path):
    listed = tmp_path / "addresses.txt"
    listed.write_text(
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb\n"
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n",
        encoding="utf-8",
    )
    (p,) = _rejected(workspace, listed, "ofac-addresses")
    assert "sanctioned_addresses_<ASSET>" in p.expected and "asset=XBT" in p.hint
    (r,) = import_format(workspace, listed, "ofac-addresses", options={"asset": "xbt"})
    assert (r.rows, r.flagged_rows) == (3, 2)  # a bad checksum, a repeated address
    assert [p.line for p in r.problems] == [2, 3]
    with pytest.raises(InvalidValue, match="txt, json or both"):
        import_format(workspace, listed, "ofac-addresses", options={"files": "csv"})
    (p,) = _rejected(workspace, tmp_path, "ofac-addresses")
    assert "sanctioned_addresses_<ASSET>.txt" in p.expected


def test_finance_formats_are_registered():
    for name in ("amlsim", "amlworld", "amlworld-patterns", "elliptic", "tagpack"):
        fmt = get_format(name)
        assert fmt.crime_area == "laundering" and fmt.examples
    assert get_format("ofac-addresses").dataset == "ofac_sdn_addresses"
