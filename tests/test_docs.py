"""The documentation is true: every command is documented, links resolve, examples run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import TEST_KEY
from cybertnoc.cli import cli
from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest import import_file, load_mapping
from cybertnoc.store.queries import entity_frame

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    first = blocks[0].splitlines()
    assert first[0].startswith("make demo") and first[1].startswith("make test")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_readme(command):
    assert f"`cybertnoc {command}" in README, f"README does not document `cybertnoc {command}`"


@pytest.mark.parametrize("doc", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_relative_links_resolve(doc):
    text = doc.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+?\.md)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert (doc.parent / target).is_file(), f"{doc.name} links to missing {target}"


def test_every_doc_is_linked_from_the_readme():
    for doc in DOCS:
        assert f"docs/{doc.name}" in README, f"README does not link docs/{doc.name}"


def test_the_tutorial_mapping_imports_the_tutorial_file(tmp_path, workspace):
    text = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    yaml_text = re.search(r"```yaml\n# transfers.yml\n(.*?)```", text, re.S).group(1)
    mapping = tmp_path / "transfers.yml"
    mapping.write_text(yaml_text, encoding="utf-8")
    data = tmp_path / "transfers.csv"
    data.write_text(
        "tx_id,timestamp,from_account,to_account,amount\n"
        'T1,2024-01-02 10:00,NL91ABNA0417164300,DE89370400440532013000,"EUR 9.500,00"\n'
        "T2,2024-01-03 11:30,NL91ABNA0417164300,DE89370400440532013000,9400.50\n",
        encoding="utf-8",
    )
    load_mapping(mapping)
    result = import_file(workspace, data, mapping, pseudonymiser=Pseudonymiser(TEST_KEY))
    assert (result.rows, result.flagged_rows) == (2, 0)
    payments = entity_frame(workspace, "Payment", ["amount", "currency", "date"])
    assert sorted(payments["amount"]) == ["9400.5", "9500"]
    assert set(payments["currency"]) == {"EUR"}
    # 10:00 in Amsterdam in winter is 09:00 UTC
    assert "2024-01-02T09:00:00" in set(payments["date"])
