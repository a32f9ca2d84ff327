"""``cybertnoc aml``: money laundering typology rules on the workspace's payments.

Registered on the main command with ``cli.add_command(aml)`` in :mod:`cybertnoc.cli`. The
rules are :mod:`cybertnoc.domains.laundering.typologies` (Altman et al. 2023, §3.2); the
payments come from :func:`cybertnoc.domains.laundering.analysis.payments_frame`. Nothing is
computed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table

from cybertnoc.cli.main import _Group, _json_option, _print_json, _workspace_option, err, out

__all__ = ["aml"]


@click.group(cls=_Group)
def aml() -> None:
    """Money laundering: typology rules, machine learning."""


def _typologies() -> tuple[str, ...]:
    from cybertnoc.domains.laundering import TYPOLOGIES

    return TYPOLOGIES


@aml.command("detect")
@_workspace_option
@click.option(
    "--typology",
    "-t",
    "typologies",
    multiple=True,
    type=click.Choice(list(_typologies())),
    help="Run only this rule (repeatable) [default: all]. See docs/laundering.md.",
)
@click.option(
    "--window",
    default="7D",
    show_default=True,
    help="Time window of the rules (e.g. 7D, 48h).",
)
@click.option(
    "--min-degree",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Least number of distinct counterparties of a fan (fan-in/out, gather/scatter).",
)
@_json_option
def detect(
    workspace: Path, typologies: tuple[str, ...], window: str, min_degree: int, as_json: bool
) -> None:
    """Screen the workspace's payments with the typology rules.

    Every alert names its accounts and payments (ids as the imported files wrote them:
    pseudonyms where the columns were personal) and the rule that fired. An alert is an
    indicator for review, not evidence of laundering.
    """
    import pandas as pd

    from cybertnoc.domains.laundering import detect_all
    from cybertnoc.domains.laundering.analysis import original_ids, payments_frame
    from cybertnoc.store import Workspace

    chosen = list(typologies) or list(_typologies())
    with Workspace.open(workspace, read_only=True) as ws:
        payments = payments_frame(ws)
        frames = []
        for rail, tx in payments.groupby("rail", sort=True):
            found = detect_all(
                tx[["tx_id", "source", "target", "amount", "timestamp"]],
                typologies=chosen,
                window=window,
                min_degree=min_degree,
            )
            if len(found):
                frames.append(found.assign(rail=rail))
        matches = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        ids: set[str] = set()
        for col in ("accounts", "tx_ids"):
            if len(matches):
                ids.update(x for xs in matches[col] for x in xs)
        names = original_ids(ws, ids)

    def _rule(text: str, ids: list[str]) -> str:
        for i in ids:
            text = text.replace(i, names.get(i, i))
        return text

    alerts: list[dict[str, Any]] = [
        {
            "typology": row["typology"],
            "pattern_id": row["pattern_id"],
            "rail": row["rail"],
            "accounts": [names.get(a, a) for a in row["accounts"]],
            "transactions": [names.get(t, t) for t in row["tx_ids"]],
            "amount_total": float(row["amount_total"]),
            "start": pd.Timestamp(row["start"]).isoformat(),
            "end": pd.Timestamp(row["end"]).isoformat(),
            "rule": _rule(row["rule"], row["accounts"]),
        }
        for row in (matches.to_dict("records") if len(matches) else [])
    ]
    if as_json:
        _print_json(alerts)
        return
    err.print(f"{len(payments)} payments screened, {len(alerts)} alert(s).")
    table = Table(title="Typology alerts (indicators for review, not evidence)")
    for col in ("typology", "accounts", "payments", "amount", "start", "end"):
        table.add_column(col, justify="right" if col in ("payments", "amount") else "left")
    for a in alerts:
        accounts = ", ".join(a["accounts"][:4]) + (" ..." if len(a["accounts"]) > 4 else "")
        table.add_row(
            a["typology"],
            accounts,
            str(len(a["transactions"])),
            f"{a['amount_total']:,.2f}",
            a["start"][:16],
            a["end"][:16],
        )
    out.print(table)


# The machine-learning commands live in their own module; they join the group here.
from cybertnoc.cli.aml_ml import evaluate_cmd, train_cmd  # noqa: E402

aml.add_command(train_cmd)
aml.add_command(evaluate_cmd)
