"""``cybertnoc aml train`` and ``cybertnoc aml evaluate``: a laundering classifier.

Defines the click commands :data:`train_cmd` and :data:`evaluate_cmd`; the ``aml`` group
registers them. The work is done by :mod:`cybertnoc.domains.laundering.ml`; this module reads
options and prints.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from cybertnoc.cli.main import _json_option, _print_json, _workspace_option, out

__all__ = ["evaluate_cmd", "train_cmd"]


def _shared(f: Any) -> Any:
    options = [
        click.option(
            "--elliptic",
            "elliptic",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            default=None,
            help="A folder with the Elliptic files (elliptic_txs_*.csv) instead of a workspace: "
            "train on time steps 1-34, test on 35-49.",
        ),
        click.option(
            "--labels",
            "labels",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help="CSV of the illicit transactions (a tx_id column, as in a synthetic world's "
            "truth/laundering_patterns.csv); every other payment counts as licit. Needed "
            "with a workspace.",
        ),
        click.option(
            "--label-column",
            default="tx_id",
            show_default=True,
            help="Column of --labels holding the transaction ids (entity ids or the source "
            "file's ids).",
        ),
        click.option(
            "--rail",
            type=click.Choice(["bank", "crypto"]),
            default="bank",
            show_default=True,
            help="Which payments of the workspace: between bank accounts or crypto wallets.",
        ),
        click.option(
            "--model",
            "model_name",
            type=click.Choice(["lightgbm", "random-forest"]),
            default="lightgbm",
            show_default=True,
            help="Gradient boosting, or the random-forest baseline of Weber et al. (2019) "
            "(--elliptic only).",
        ),
        click.option(
            "--test-fraction",
            type=click.FloatRange(0, 1, min_open=True, max_open=True),
            default=0.3,
            show_default=True,
            help="Share of the latest payments in the test period (workspace only).",
        ),
        click.option("--seed", type=int, default=0, show_default=True, help="Seed of the model."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _check(workspace: Path, elliptic: Path | None, labels: Path | None, model: str) -> None:
    if elliptic is None and labels is None:
        raise click.UsageError(
            "Give --labels FILE (the illicit transactions of the workspace) or --elliptic DIR."
        )
    if elliptic is None and model == "random-forest":
        raise click.UsageError("--model random-forest is the Elliptic baseline: use --elliptic.")


def _result(evaluation: Any) -> dict[str, Any]:
    data = evaluation.as_dict()
    keys = ("model", "precision", "recall", "f1", "pr_auc", "threshold", "train", "test", "seed")
    return {k: data[k] for k in keys}


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _show(result: dict[str, Any], title: str) -> None:
    table = Table(title=title, header_style="bold")
    for col in ("period", "rows", "illicit", "from", "to"):
        table.add_column(col)
    for period in ("train", "test"):
        p = result[period]
        table.add_row(period, str(p["rows"]), str(p["illicit"]), str(p["start"]), str(p["end"]))
    out.print(table)
    out.print(
        f"Illicit class on the test period ({result['model']}, threshold "
        f"{_fmt(result['threshold'])}): precision {_fmt(result['precision'])}, recall "
        f"{_fmt(result['recall'])}, F1 {_fmt(result['f1'])}, PR-AUC {_fmt(result['pr_auc'])}.",
        highlight=False,
    )


def _workspace_data(workspace: Path, labels: Path, label_column: str, rail: str) -> tuple[Any, Any]:
    from cybertnoc.domains.laundering.ml import read_label_ids, workspace_transactions
    from cybertnoc.store import Workspace

    ids = read_label_ids(labels, column=label_column, rail=rail)
    with Workspace.open(workspace, read_only=True) as ws:
        return workspace_transactions(ws, ids, rail=rail)


def _train(
    workspace: Path,
    elliptic: Path | None,
    labels: Path | None,
    label_column: str,
    rail: str,
    model_name: str,
    test_fraction: float,
    seed: int,
) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    from cybertnoc.domains.laundering.ml import evaluate_elliptic, evaluate_transactions

    _check(workspace, elliptic, labels, model_name)
    if elliptic is not None:
        model = "random_forest" if model_name == "random-forest" else "lightgbm"
        evaluation, fitted = evaluate_elliptic(elliptic, model=model, seed=seed)
        return _result(evaluation), fitted, {"layout": "elliptic"}
    assert labels is not None
    tx, y = _workspace_data(workspace, labels, label_column, rail)
    evaluation, fitted = evaluate_transactions(tx, y, seed=seed, test_fraction=test_fraction)
    return _result(evaluation), fitted, {}


@click.command("train")
@_workspace_option
@_shared
@click.option(
    "--model-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the trained model here (JSON: trees, feature names, threshold; no data).",
)
@_json_option
def train_cmd(
    workspace: Path,
    elliptic: Path | None,
    labels: Path | None,
    label_column: str,
    rail: str,
    model_name: str,
    test_fraction: float,
    seed: int,
    model_out: Path | None,
    as_json: bool,
) -> None:
    """Train a laundering classifier on the earlier payments and test it on the later ones.

    Features: graph statistics of both ends of every payment (degrees, distinct counterparties
    and amounts in windows before it, whole-ledger totals) and counts of the typology patterns
    it takes part in (docs/laundering-ml.md). Model: LightGBM, seeded and deterministic. Prints
    precision, recall, F1 and PR-AUC of the illicit class on the test period.
    """
    result, fitted, features = _train(
        workspace, elliptic, labels, label_column, rail, model_name, test_fraction, seed
    )
    if model_out is not None:
        if model_name == "random-forest":
            raise click.UsageError(
                "--model-out saves LightGBM models; the random forest is a baseline to compare."
            )
        fitted.save(model_out, features=features)
        result["model_file"] = str(model_out)
    if as_json:
        _print_json(result)
        return
    _show(result, "Laundering classifier: temporal split")
    if model_out is not None:
        out.print(f"Model written to [bold]{model_out}[/].")


@click.command("evaluate")
@_workspace_option
@_shared
@click.option(
    "--model-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Score the test period with a model saved by `train --model-out` instead of training one.",
)
@_json_option
def evaluate_cmd(
    workspace: Path,
    elliptic: Path | None,
    labels: Path | None,
    label_column: str,
    rail: str,
    model_name: str,
    test_fraction: float,
    seed: int,
    model_file: Path | None,
    as_json: bool,
) -> None:
    """Precision, recall, F1 and PR-AUC of the illicit class on the test period.

    Without --model-file, trains on the training period first (as `train`, nothing saved).
    """
    if model_file is None:
        result, _, _ = _train(
            workspace, elliptic, labels, label_column, rail, model_name, test_fraction, seed
        )
    else:
        from cybertnoc.domains.laundering.ml import evaluate_elliptic, evaluate_saved, load_model

        _check(workspace, elliptic, labels, model_name)
        saved = load_model(model_file)
        if elliptic is not None:
            evaluation, _ = evaluate_elliptic(elliptic, saved=saved)
        else:
            assert labels is not None
            tx, y = _workspace_data(workspace, labels, label_column, rail)
            evaluation = evaluate_saved(saved, tx, y, test_fraction=test_fraction)
        result = _result(evaluation)
    if as_json:
        _print_json(result)
        return
    _show(result, "Laundering classifier: test period")
