"""Pseudonymisation: keyed, stable, never reversible by hashing guesses, key never stored."""

from __future__ import annotations

import hashlib

import pytest

from cybertnoc.errors import KeyMissing
from cybertnoc.ethics import Pseudonymiser, is_pseudonym, load_key

KEY = b"k" * 32


def test_same_key_same_pseudonym_and_normalisation():
    p = Pseudonymiser(KEY)
    assert p("Jane Doe") == p("  jane   DOE ")
    assert is_pseudonym(p("Jane Doe"))


def test_other_key_other_pseudonym():
    assert Pseudonymiser(KEY)("Jane Doe") != Pseudonymiser(b"x" * 32)("Jane Doe")


def test_pseudonym_is_not_a_plain_hash_and_hides_the_value():
    value = "+447700900123"
    pseudonym = Pseudonymiser(KEY)(value)
    assert value not in pseudonym
    assert hashlib.sha256(value.encode()).hexdigest()[:32] not in pseudonym
    assert hashlib.sha1(value.encode()).hexdigest()[:32] not in pseudonym


def test_repr_does_not_show_the_key():
    assert "kkkk" not in repr(Pseudonymiser(KEY))


def test_short_key_refused():
    with pytest.raises(KeyMissing, match="at least 16"):
        Pseudonymiser(b"short")


def test_load_key_from_env_and_file(tmp_path, monkeypatch):
    monkeypatch.delenv("CYBERTNOC_KEY", raising=False)
    assert load_key() is None
    monkeypatch.setenv("CYBERTNOC_KEY", "e" * 20)
    assert load_key() == b"e" * 20
    key_file = tmp_path / "key.txt"
    key_file.write_text("f" * 24 + "\n")
    assert load_key(key_file) == b"f" * 24


def test_load_key_refuses_a_key_file_inside_the_workspace(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "key").write_text("f" * 24)
    with pytest.raises(KeyMissing, match="inside the workspace"):
        load_key(ws / "key", workspace=ws)


def test_load_key_short_env_key_is_refused(monkeypatch):
    monkeypatch.setenv("CYBERTNOC_KEY", "abc")
    with pytest.raises(KeyMissing, match="CYBERTNOC_KEY is 3 characters"):
        load_key()
