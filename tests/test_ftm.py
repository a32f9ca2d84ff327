"""FollowTheMoney JSON lines: exports validate with followthemoney and round-trip."""

from __future__ import annotations

import io
import json

from followthemoney import model as vanilla

from conftest import FIXTURES
from cybertnoc.ethics import is_pseudonym
from cybertnoc.ingest import export_ftm, import_file, import_ftm
from cybertnoc.model import get_model
from cybertnoc.store import Workspace


def _filled(workspace, pseudonymiser):
    for name in ("suspects", "transfers"):
        import_file(
            workspace,
            FIXTURES / f"{name}.csv",
            FIXTURES / f"{name}.yml",
            pseudonymiser=pseudonymiser,
        )
    return workspace


def _export(ws, profile="full"):
    buf = io.StringIO()
    export_ftm(ws, buf, profile=profile)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_strict_export_validates_with_vanilla_followthemoney(workspace, pseudonymiser):
    entities = _export(_filled(workspace, pseudonymiser), "strict")
    assert {e["schema"] for e in entities} == {"Person", "CryptoWallet", "BankAccount", "Payment"}
    for data in entities:
        proxy = vanilla.get_proxy(data, cleaned=False)
        # FtM's own cleaning keeps every value: nothing in the export is invalid for FtM.
        assert proxy.to_dict()["properties"] == data["properties"], data
        assert vanilla[data["schema"]].validate(data) is None


def test_full_export_round_trips(workspace, pseudonymiser, tmp_path):
    first = _export(_filled(workspace, pseudonymiser))
    path = tmp_path / "entities.ftm.json"
    path.write_text("".join(json.dumps(e) + "\n" for e in first))
    with Workspace.create(tmp_path / "ws2") as ws2:
        result = import_ftm(ws2, path, dataset="roundtrip")
        assert result.rows == len(first) and result.flagged_rows == 0
        second = _export(ws2)
    strip = lambda es: [{k: v for k, v in e.items() if k != "datasets"} for e in es]  # noqa: E731
    assert strip(second) == strip(first)


def test_full_export_is_valid_for_the_cybertnoc_model(workspace, pseudonymiser):
    model = get_model()
    for data in _export(_filled(workspace, pseudonymiser)):
        proxy = model.get_proxy(data, cleaned=False)
        for prop, values in data["properties"].items():
            if model[data["schema"]].get(prop).type.name == "country":
                continue  # region codes such as 'xx' are cybertnoc's own
            plain = [v for v in values if not is_pseudonym(v)]
            # Pseudonyms of personal values (phones, e-mails, dates of birth) are cybertnoc's own:
            # FtM's cleaning rejects them, every other value survives it.
            assert [v for v in proxy.get(prop) if not is_pseudonym(v)] == plain


def test_export_holds_no_raw_personal_value(workspace, pseudonymiser):
    buf = io.StringIO()
    export_ftm(_filled(workspace, pseudonymiser), buf)
    text = buf.getvalue().lower()
    for raw in ("jane doe", "7700900123", "nl91abna0417164300"):
        assert raw not in text


def test_import_ftm_reports_bad_lines(workspace, tmp_path):
    import pytest

    from cybertnoc.errors import ImportRejected

    path = tmp_path / "bad.json"
    path.write_text(
        '{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n'
        "{not json\n"
        '{"id": "b", "schema": "Persn", "properties": {}}\n'
    )
    before = workspace.table_counts()["entities"]
    with pytest.raises(ImportRejected) as info:
        import_ftm(workspace, path, dataset="bad")
    assert sorted(p.line for p in info.value.problems if p.fatal) == [2, 3]
    assert workspace.table_counts()["entities"] == before
