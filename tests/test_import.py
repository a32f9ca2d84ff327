"""Importing files through mappings: validation, atomicity, re-import, provenance."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from cybertnoc.errors import ImportRejected, InvalidMapping, KeyMissing
from cybertnoc.ingest import import_file, load_mapping
from cybertnoc.store import read_audit_log
from cybertnoc.store.queries import entity_frame, list_sources

DATA_TABLES = ("sources", "records", "entities", "statements", "relationships")


def _data_counts(ws):
    counts = ws.table_counts()
    return {t: counts[t] for t in DATA_TABLES}


def test_import_transfers_builds_entities_relationships_and_provenance(workspace, pseudonymiser):
    result = import_file(
        workspace,
        FIXTURES / "transfers.csv",
        FIXTURES / "transfers.yml",
        pseudonymiser=pseudonymiser,
    )
    assert not result.skipped
    assert result.rows == 4
    # 3 distinct accounts (shared namespace: sender and receiver ids coincide) + 4 payments.
    assert result.entities == 7
    assert result.relationships == 4
    # "Narnia" is no country: the row is kept, flagged, the value left out.
    assert result.flagged_rows == 1
    [warning] = result.problems
    assert (warning.line, warning.column, warning.value, warning.fatal) == (
        5,
        "from_country",
        "Narnia",
        False,
    )
    payments = entity_frame(workspace, "Payment", ["amount", "currency", "date"])
    assert sorted(payments["amount"]) == ["11800", "12000.00", "9400.50", "9500.00"]
    # Timestamps are converted to UTC.
    assert "2024-01-03T10:30:00" in set(payments["date"])
    accounts = entity_frame(workspace, "BankAccount", ["country"])
    assert set(accounts["country"].dropna()) == {"NL", "DE", "XX"}
    # Every statement points back to its source record.
    orphans = workspace.con.execute(
        "SELECT count(*) FROM statements s LEFT JOIN records r "
        "ON r.source_id = s.source_id AND r.row_number = s.row_number WHERE r.line IS NULL"
    ).fetchone()[0]
    assert orphans == 0
    [source] = list_sources(workspace)
    assert source["rows"] == 4 and source["flagged_rows"] == 1
    assert source["licence"] == "CC0-1.0"
    assert len(source["content_hash"]) == 64
    # First/last seen come from the `seen` column.
    first, last = workspace.con.execute(
        "SELECT min(first_seen), max(last_seen) FROM statements"
    ).fetchone()
    assert first.isoformat().startswith("2024-01-02T10:00:00")
    assert last.isoformat().startswith("2024-01-05T16:45:00")


def test_original_values_are_kept_beside_cleaned_ones(workspace, pseudonymiser):
    import_file(
        workspace,
        FIXTURES / "transfers.csv",
        FIXTURES / "transfers.yml",
        pseudonymiser=pseudonymiser,
    )
    rows = workspace.con.execute(
        "SELECT value, original_value FROM statements WHERE prop = 'country' ORDER BY value"
    ).fetchall()
    assert ("NL", "Holland") in rows
    assert ("XX", "Torland") in rows


def test_rejected_import_writes_nothing_and_reports_every_problem(workspace, pseudonymiser):
    before = _data_counts(workspace)
    with pytest.raises(ImportRejected) as info:
        import_file(
            workspace,
            FIXTURES / "transfers_bad.csv",
            FIXTURES / "transfers.yml",
            pseudonymiser=pseudonymiser,
        )
    assert _data_counts(workspace) == before
    problems = info.value.problems
    fatal_lines = sorted(p.line for p in problems if p.fatal)
    assert fatal_lines == [3, 4, 5, 6]
    by_line = {p.line: p for p in problems}
    assert by_line[3].column == "amount" and "required" in by_line[3].expected
    assert by_line[4].value == "twelve thousand"
    assert by_line[5].column == "tx_id"
    assert "fields" in by_line[6].expected
    # The bad date on line 7 is only a warning, but it is reported too.
    assert by_line[7].fatal is False and by_line[7].column == "timestamp"
    message = str(info.value)
    assert "nothing was written" in message and "transfers_bad.csv:3" in message
    # The attempt is in the audit log, marked as rejected.
    assert read_audit_log(workspace.con)[-1].outcome.startswith("rejected")


def test_reimport_of_the_same_file_is_a_no_op(workspace, pseudonymiser):
    args = (workspace, FIXTURES / "transfers.csv", FIXTURES / "transfers.yml")
    first = import_file(*args, pseudonymiser=pseudonymiser)
    counts = _data_counts(workspace)
    second = import_file(*args, pseudonymiser=pseudonymiser)
    assert second.skipped and second.source_id == first.source_id
    assert "imported before" in second.message
    assert _data_counts(workspace) == counts


def test_personal_columns_need_a_key(workspace):
    with pytest.raises(KeyMissing, match="CYBERTNOC_KEY"):
        import_file(workspace, FIXTURES / "suspects.csv", FIXTURES / "suspects.yml")
    assert _data_counts(workspace)["sources"] == 0


def test_a_different_key_is_refused_in_the_same_workspace(workspace, pseudonymiser):
    from cybertnoc.ethics import Pseudonymiser

    import_file(
        workspace, FIXTURES / "suspects.csv", FIXTURES / "suspects.yml", pseudonymiser=pseudonymiser
    )
    with pytest.raises(KeyMissing, match="another key"):
        import_file(
            workspace,
            FIXTURES / "transfers.csv",
            FIXTURES / "transfers.yml",
            pseudonymiser=Pseudonymiser(b"another-key-0123456789"),
        )


RAW_PERSONAL = [
    "Jane Doe",
    "Ivan Petrov",
    "1980-01-02",
    "7700900123",
    "jane.doe@example.org",
    "ivan@example.com",
    "NL91ABNA0417164300",
]


def test_personal_values_never_reach_the_workspace(workspace, pseudonymiser, tmp_path):
    for name in ("suspects", "transfers"):
        import_file(
            workspace,
            FIXTURES / f"{name}.csv",
            FIXTURES / f"{name}.yml",
            pseudonymiser=pseudonymiser,
        )
    workspace.con.execute("CHECKPOINT")
    blob = (workspace.path / "workspace.duckdb").read_bytes().lower()
    for raw in RAW_PERSONAL:
        assert raw.lower().encode() not in blob, raw
    people = entity_frame(workspace, "Person", ["name", "phone", "email", "nationality"])
    assert all(v.startswith("p:") for v in people["name"])
    # Non-personal values stay readable.
    assert set(people["nationality"].dropna()) == {"US", "DE", "NL"}


def test_pseudonyms_are_stable_for_a_key_and_differ_across_keys(tmp_path):
    from cybertnoc.ethics import Pseudonymiser
    from cybertnoc.store import Workspace

    def names(key, where):
        with Workspace.create(tmp_path / where) as ws:
            import_file(
                ws,
                FIXTURES / "suspects.csv",
                FIXTURES / "suspects.yml",
                pseudonymiser=Pseudonymiser(key),
            )
            return sorted(entity_frame(ws, "Person", ["name"])["name"])

    a1 = names(b"key-one-0123456789abcdef", "a1")
    a2 = names(b"key-one-0123456789abcdef", "a2")
    b = names(b"key-two-0123456789abcdef", "b")
    assert a1 == a2
    assert not set(a1) & set(b)


def test_personal_values_are_withheld_from_error_reports(workspace, pseudonymiser, tmp_path):
    bad = tmp_path / "suspects.csv"
    bad.write_text(
        "record_id,full_name,date_of_birth,nationality,phone,email,wallet\n"
        "S1,Jane Doe,not a date,USA,12345,not-an-email,\n"
    )
    result = import_file(workspace, bad, FIXTURES / "suspects.yml", pseudonymiser=pseudonymiser)
    assert result.flagged_rows == 1
    shown = " ".join(str(p) for p in result.problems)
    assert {p.column for p in result.problems} == {"date_of_birth", "phone", "email"}
    for raw in ("not a date", "12345", "not-an-email"):
        assert raw not in shown
    assert "withheld" in shown


def test_crypto_wallet_entities_from_valid_addresses(workspace, pseudonymiser):
    import_file(
        workspace, FIXTURES / "suspects.csv", FIXTURES / "suspects.yml", pseudonymiser=pseudonymiser
    )
    wallets = entity_frame(workspace, "CryptoWallet", ["publicKey", "holder"])
    assert list(wallets["publicKey"]) == ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]
    people = entity_frame(workspace, "Person", [])
    assert wallets["holder"][0] in set(people["id"])


def test_missing_columns_are_reported_together(workspace, pseudonymiser, tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("tx_id,when,amount\nT1,2024-01-01,5\n")
    with pytest.raises(ImportRejected) as info:
        import_file(workspace, bad, FIXTURES / "transfers.yml", pseudonymiser=pseudonymiser)
    missing = sorted(p.column for p in info.value.problems)
    assert missing == sorted(
        ["timestamp", "from_account", "to_account", "currency", "from_country", "to_country"]
    )
    assert all("The file has: tx_id, when, amount" in p.hint for p in info.value.problems)


def test_mapping_errors_are_collected_with_locations(tmp_path):
    bad = tmp_path / "m.yml"
    bad.write_text(
        "dataset: Bad-Name\n"
        "entities:\n"
        "  p:\n"
        "    schema: Persn\n"
        "    keys: [id]\n"
        "  q:\n"
        "    schema: Payment\n"
        "    keys: [id]\n"
        "    properties:\n"
        "      amout: {column: a}\n"
        "      payer: {entity: nobody}\n"
    )
    with pytest.raises(InvalidMapping) as info:
        load_mapping(bad)
    text = str(info.value)
    assert "dataset: 'Bad-Name' is not a dataset name" in text
    assert "did you mean 'Person'" in text
    assert "did you mean 'amount'" in text
    assert "no entity named 'nobody'" in text
    assert "Payment requires 'beneficiary'" in text


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "parquet", "xlsx"])
def test_every_format_imports_the_same(tmp_path, pseudonymiser, fmt):
    import duckdb
    import openpyxl

    from cybertnoc.store import Workspace

    src = FIXTURES / "transfers.csv"
    target = tmp_path / f"transfers.{fmt}"
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_csv('{src}', all_varchar=true)")
    if fmt == "tsv":
        rel.write_csv(str(target), sep="\t")
    elif fmt == "parquet":
        rel.write_parquet(str(target))
    elif fmt == "jsonl":
        con.sql(f"COPY ({rel.sql_query()}) TO '{target}' (FORMAT json)")
    else:
        wb = openpyxl.Workbook()
        sheet = wb.active
        sheet.append(rel.columns)
        for row in rel.fetchall():
            sheet.append(list(row))
        wb.save(target)
    with Workspace.create(tmp_path / "ws") as ws:
        result = import_file(ws, target, FIXTURES / "transfers.yml", pseudonymiser=pseudonymiser)
        assert (result.rows, result.entities, result.relationships, result.flagged_rows) == (
            4,
            7,
            4,
            1,
        )
        [warning] = result.problems
        assert warning.line == (None if fmt == "parquet" else (4 if fmt == "jsonl" else 5))


def test_negative_amounts_are_kept_only_where_the_mapping_allows_them(workspace, tmp_path):
    data = tmp_path / "refunds.csv"
    data.write_text("id,amount\nR1,-12.50 EUR\nR2,30 EUR\n")

    def mapping(extra: str):
        path = tmp_path / f"refunds{len(extra)}.yml"
        path.write_text(
            "dataset: refunds\n"
            "entities:\n"
            "  offer:\n"
            "    schema: Listing\n"
            "    keys: [id]\n"
            "    properties:\n"
            "      name: {column: id}\n"
            f"      amount: {{column: amount, type: money{extra}}}\n"
        )
        return path

    strict = import_file(workspace, data, mapping(""))
    assert strict.flagged_rows == 1  # -12.50 EUR: kept as a row, value left out, flagged
    data2 = tmp_path / "refunds2.csv"
    data2.write_text("id,amount\nR3,-12.50 EUR\n")
    allowed = import_file(workspace, data2, mapping(", negative: true"))
    assert allowed.flagged_rows == 0
    amounts = set(entity_frame(workspace, "Listing", ["amount"])["amount"])
    assert {"-12.5", "30"} <= amounts
    bad = tmp_path / "bad.yml"
    bad.write_text(mapping("").read_text().replace("type: money", "type: date, negative: true"))
    with pytest.raises(InvalidMapping, match="negative"):
        load_mapping(bad)


def test_xlsx_with_a_wrong_declared_size_is_read_whole(tmp_path):
    import re as _re
    import zipfile

    import openpyxl

    from cybertnoc.ingest.readers import open_reader

    path = tmp_path / "sheet.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "name"])
    for i in range(5):
        ws.append([i, f"n{i}"])
    wb.save(path)
    # Some writers declare a size of one cell (UNODC's GLOTIP workbook does).
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            dst.writestr(item, data)
    reader = open_reader(broken, "xlsx", {})
    assert reader.columns == ["id", "name"]
    assert sum(len(batch) for batch in reader.rows()) == 5
