"""Pseudonymised joins: entities of two workspaces that share a key, matched on keyed hashes.

Two teams (a financial intelligence unit and a police force; agencies in two countries) that
pseudonymise with the **same** key get the same pseudonym for the same normalised value, so
they can join their workspaces on pseudonyms without either seeing the other's plaintext (they
still see which of their own records have a counterpart). The workspaces' key checks must be
equal: joining workspaces pseudonymised under two keys would silently find nothing, so it is
refused.

An exact join finds only values written the same way after normalisation (case, spacing,
phone numbers to E.164, dates to ISO); for typos use linkage (``cybertnoc link``) or PPRL
(``cybertnoc pprl``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from cybertnoc.errors import InvalidValue, WorkspaceError
from cybertnoc.store.workspace import Workspace

__all__ = ["pseudonymised_join"]


def _check(ws: Workspace, name: str) -> str:
    check = ws.get_meta("key_check")
    if check is None:
        raise WorkspaceError(
            f"Workspace {name} holds no pseudonymised data (no key check): there is nothing to "
            "join on. Import sources with personal columns first."
        )
    return check


def pseudonymised_join(
    left: Workspace,
    right: str | Path,
    *,
    schema: str = "Person",
    on: Sequence[str] = ("name", "birthDate"),
) -> pd.DataFrame:
    """Pairs of ``schema`` entities of two workspaces whose pseudonyms agree on all of ``on``.

    Parameters
    ----------
    left : Workspace
        This workspace (open).
    right : str or Path
        The other workspace's directory; it is attached read-only and never modified.
    schema : str
        Entity schema to join (``Person``, ``Company``, ``BankAccount``...).
    on : sequence of str
        Properties that must agree; each must be pseudonymised (a ``p:`` value) on both sides.
        An entity with several values of a property matches on any of them.

    Returns
    -------
    pandas.DataFrame
        Columns ``left_id``, ``right_id``, ``left_dataset``, ``right_dataset`` and one
        column per property of ``on`` with the shared pseudonym; sorted by the ids.

    Raises
    ------
    WorkspaceError
        ``right`` is not a workspace, either side holds no pseudonymised data, or the two were
        pseudonymised with different keys.
    InvalidValue
        ``on`` is empty or names a property the schema does not have.
    """
    from cybertnoc.model import get_model

    props = list(dict.fromkeys(on))
    if not props:
        raise InvalidValue("", "at least one property to join on (on)")
    model = get_model()
    try:
        spec = model[schema]
    except Exception:
        raise InvalidValue(schema, "an entity schema (Person, Company, ...)") from None
    for prop in props:
        if spec.get(prop) is None:
            raise InvalidValue(prop, f"a property of {schema}", "See `cybertnoc export ftm`")
    path = Path(right)
    with Workspace.open(path, read_only=True) as other:
        theirs = _check(other, str(path))
    ours = _check(left, "this workspace")
    if ours != theirs:
        raise WorkspaceError(
            f"The workspaces were pseudonymised with different keys (key checks {ours} and "
            f"{theirs}): their pseudonyms never match. Join only workspaces made with the same "
            "key; otherwise link them with `cybertnoc pprl`."
        )
    con = left.con
    db = str(path / "workspace.duckdb").replace("'", "''")
    con.execute(f"ATTACH '{db}' AS other_ws (READ_ONLY)")
    try:
        joins = []
        selects = []
        for i, prop in enumerate(props):
            joins.append(
                f"""JOIN main.statements a{i} ON a{i}.entity_id = a.id AND a{i}.prop = ?
                      AND a{i}.value LIKE 'p:%'
                    JOIN other_ws.statements b{i} ON b{i}.entity_id = b.id AND b{i}.prop = ?
                      AND b{i}.value = a{i}.value"""
            )
            selects.append(f'min(a{i}.value) AS "{prop}"')
        sql = f"""
            SELECT a.id AS left_id, b.id AS right_id, a.dataset AS left_dataset,
                   b.dataset AS right_dataset, {", ".join(selects)}
            FROM main.entities a JOIN other_ws.entities b ON a.schema = ? AND b.schema = ?
            {" ".join(joins)}
            GROUP BY ALL ORDER BY left_id, right_id
        """
        params: list[str] = [schema, schema]
        for prop in props:
            params += [prop, prop]
        rows = con.execute(sql, params).fetchall()
    finally:
        con.execute("DETACH other_ws")
    columns = ["left_id", "right_id", "left_dataset", "right_dataset", *props]
    return pd.DataFrame(rows, columns=columns)
