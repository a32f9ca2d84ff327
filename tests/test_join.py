"""Pseudonymised joins between two workspaces made with the same key."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import TEST_KEY
from cybertnoc.cli import cli
from cybertnoc.errors import InvalidValue, WorkspaceError
from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest import import_file
from cybertnoc.linkage.join import pseudonymised_join
from cybertnoc.store import Workspace

MAPPING = """\
version: 1
dataset: {dataset}
title: Test people
publisher: cybertnoc tests
licence: CC0-1.0
personal: [full_name, date_of_birth]
entities:
  person:
    schema: Person
    keys: [record_id]
    properties:
      name: {{column: full_name, required: true}}
      birthDate: {{column: date_of_birth}}
"""

BANK = (
    "record_id,full_name,date_of_birth\nC1,Vladimir Kuznetsov,1981-02-22\nC2,Ann Lee,1990-01-01\n"
)
POLICE = (
    "record_id,full_name,date_of_birth\n"
    "N1,VLADIMIR  KUZNETSOV,1981-02-22\n"  # the same after normalisation
    "N2,Ann Lee,1990-01-02\n"  # same name, another date of birth
    "N3,Bob Stone,1970-05-05\n"
)


def _workspace(tmp_path, name, text, key=TEST_KEY):
    (tmp_path / f"{name}.csv").write_text(text)
    (tmp_path / f"{name}.yml").write_text(MAPPING.format(dataset=f"t_{name}"))
    ws = Workspace.create(tmp_path / name)
    import_file(
        ws, tmp_path / f"{name}.csv", tmp_path / f"{name}.yml", pseudonymiser=Pseudonymiser(key)
    )
    return ws


@pytest.fixture
def pair(tmp_path):
    bank = _workspace(tmp_path, "bank", BANK)
    police = _workspace(tmp_path, "police", POLICE)
    police.close()
    yield bank, tmp_path / "police"
    bank.close()


def test_join_on_name_and_date_of_birth(pair):
    bank, police = pair
    pairs = pseudonymised_join(bank, police)
    assert len(pairs) == 1
    assert pairs.iloc[0][["left_dataset", "right_dataset"]].tolist() == ["t_bank", "t_police"]
    assert pairs.iloc[0]["name"] == Pseudonymiser(TEST_KEY)("Vladimir Kuznetsov")
    by_name = pseudonymised_join(bank, police, on=["name"])
    assert len(by_name) == 2  # Ann Lee too
    assert not any(str(v).startswith(("Vladimir", "Ann")) for v in by_name.to_numpy().ravel())


def test_join_refuses_another_key_and_bad_properties(tmp_path, pair):
    bank, _ = pair
    other = _workspace(tmp_path, "abroad", POLICE, key=b"another-key-0123456789")
    other.close()
    with pytest.raises(WorkspaceError, match="different keys"):
        pseudonymised_join(bank, tmp_path / "abroad")
    with pytest.raises(InvalidValue, match="shoeSize"):
        pseudonymised_join(bank, tmp_path / "abroad", on=["shoeSize"])
    with pytest.raises(WorkspaceError, match="No workspace"):
        pseudonymised_join(bank, tmp_path)


def test_join_command(pair):
    bank, police = pair
    path = bank.path if hasattr(bank, "path") else None
    bank.close()
    result = CliRunner().invoke(
        cli, ["join", str(police), "-w", str(path or police.parent / "bank"), "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1 and rows[0]["right_dataset"] == "t_police"
