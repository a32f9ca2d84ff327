"""Machine learning for money laundering: gradient boosting on graph features, temporal evaluation.

A classifier scores transactions as illicit or licit from the graph features of
:mod:`cybertnoc.domains.laundering.features` (bank ledgers) or from the features shipped with the
Elliptic data set (Bitcoin). It is evaluated the way it would be used: trained on the earlier part
of the ledger and tested on the later part (a *temporal split*; a random split lets the model see
the future and the same laundering pattern on both sides), with precision, recall, F1 and the
area under the precision-recall curve of the **minority (illicit) class**: with 1-2 % illicit
transactions, accuracy and ROC-AUC look excellent for useless models.

Models
------
``lightgbm``
    Gradient-boosted trees (Ke et al. 2017), the strong baseline of Altman et al. (2023) and
    Blanuša et al. (2024) on graph features. Seeded and deterministic (``seed``,
    ``deterministic=True``, one thread by default): the same data and seed give the same model.
``random_forest``
    The Elliptic baseline of Weber et al. (2019): 50 trees, ``max_features=50``, threshold 0.5.

Threshold
---------
A score becomes a decision at a threshold. :class:`LaunderingClassifier` chooses it **on the
training period only**: it holds out the latest ``validation_fraction`` of the training rows (by
time), fits on the rest, and takes the threshold that maximises the illicit-class F1 on the held
out rows (ties: the highest threshold), placed halfway in log-odds between the lowest score it
flags and the highest score below it (a margin: a cut on one row's score overfits when the
validation rows separate perfectly); then it refits on the whole training period with the
same settings and keeps that threshold. The test period is never used to choose anything. A
fixed ``threshold=0.5`` (or any number) is available; analysts who review a fixed number of alerts
a day should rank by score instead (see PR-AUC).

References
----------
.. [1] Ke, G., Meng, Q., Finley, T., Wang, T., Chen, W., Ma, W., Ye, Q. & Liu, T.-Y. (2017).
   LightGBM: A Highly Efficient Gradient Boosting Decision Tree. Advances in Neural Information
   Processing Systems 30 (NIPS 2017), 3146-3154.
.. [2] Weber, M., Domeniconi, G., Chen, J., Weidele, D. K. I., Bellei, C., Robinson, T. &
   Leiserson, C. E. (2019). Anti-Money Laundering in Bitcoin: Experimenting with Graph
   Convolutional Networks for Financial Forensics. KDD Workshop on Anomaly Detection in Finance.
   arXiv:1908.02591.
.. [3] Altman, E., Blanuša, J., von Niederhäusern, L., Egressy, B., Anghel, A. & Atasu, K. (2023).
   Realistic Synthetic Financial Transactions for Anti-Money Laundering Models. NeurIPS 2023
   Datasets and Benchmarks. arXiv:2306.16424.
.. [4] Blanuša, J. et al. (2024). Graph Feature Preprocessor: Real-time Subgraph-based Feature
   Extraction for Financial Crime Detection. ICAIF '24. arXiv:2402.08593.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cybertnoc.domains.laundering.features import feature_columns, transaction_features
from cybertnoc.errors import CybertnocError, InvalidValue

__all__ = [
    "ELLIPTIC_TEST_STEPS",
    "ELLIPTIC_TRAIN_STEPS",
    "MODEL_FORMAT",
    "EllipticData",
    "Evaluation",
    "LaunderingClassifier",
    "evaluate_elliptic",
    "evaluate_saved",
    "evaluate_transactions",
    "label_transactions",
    "load_elliptic",
    "load_model",
    "load_synth_world",
    "random_forest_baseline",
    "read_label_ids",
    "scores_report",
    "temporal_split",
    "workspace_transactions",
]

logger = logging.getLogger(__name__)

#: Elliptic time steps of the training and test periods (Weber et al. 2019, §4: 70:30 in time).
ELLIPTIC_TRAIN_STEPS = range(1, 35)
ELLIPTIC_TEST_STEPS = range(35, 50)
#: ``format`` field of a saved model file.
MODEL_FORMAT = "cybertnoc-laundering-model"
_MODEL_VERSION = 1

_LGBM_DEFAULTS: dict[str, Any] = {
    "n_estimators": 300,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 10,
    "subsample": 1.0,
    "colsample_bytree": 0.8,
}


def _lightgbm() -> Any:
    try:
        import lightgbm
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise CybertnocError(
            "LightGBM is not installed. Install it with: pip install lightgbm"
        ) from exc
    return lightgbm


# --------------------------------------------------------------------------------------------
# Splits and scores
# --------------------------------------------------------------------------------------------
def temporal_split(
    times: pd.Series | np.ndarray | Sequence[Any], *, test_fraction: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """Train on the earlier part, test on the later part.

    The cut is the time ``c`` of the row at position ``ceil((1 - test_fraction) * n)`` in time
    order: rows before ``c`` train, rows at or after ``c`` test, so that rows at one time are
    never split between the two.

    Parameters
    ----------
    times : array-like
        One time (or ordered value such as an Elliptic time step) per row.
    test_fraction : float
        Share of rows (approximately, because of ties) in the test period, in (0, 1).

    Returns
    -------
    train, test : numpy.ndarray of bool
        Masks over the rows.

    Examples
    --------
    >>> train, test = temporal_split([5, 1, 2, 3, 4, 4], test_fraction=0.4)
    >>> train.tolist(), test.tolist()
    ([False, True, True, True, False, False], [True, False, False, False, True, True])
    """
    if not 0 < test_fraction < 1:
        raise InvalidValue(test_fraction, "a test_fraction between 0 and 1 (exclusive)")
    values = np.asarray(times)
    if len(values) < 2:
        raise InvalidValue(len(values), "at least two rows to split")
    ordered = np.sort(values, kind="stable")
    position = min(len(values) - 1, math.ceil((1 - test_fraction) * len(values)))
    cut = ordered[position]
    train = values < cut
    if not train.any():
        raise InvalidValue(
            str(cut), "more than one distinct time (every row falls in the test period)"
        )
    return train, ~train


def scores_report(
    y_true: np.ndarray | Sequence[int], score: np.ndarray | Sequence[float], threshold: float
) -> dict[str, float]:
    """Precision, recall, F1 and PR-AUC of the positive (illicit) class.

    PR-AUC is the average precision (the step-wise area under the precision-recall curve,
    scikit-learn's ``average_precision_score``), independent of the threshold. Precision is 0
    where nothing is flagged; every score is NaN where the test period holds no illicit row.
    """
    from sklearn.metrics import average_precision_score, precision_recall_fscore_support

    y = np.asarray(y_true).astype(int)
    s = np.asarray(score, dtype=float)
    if y.sum() == 0:
        nan = float("nan")
        return {"precision": nan, "recall": nan, "f1": nan, "pr_auc": nan}
    pred = (s >= threshold).astype(int)
    p, r, f, _ = precision_recall_fscore_support(
        y, pred, average="binary", pos_label=1, zero_division=0
    )
    return {
        "precision": float(p),
        "recall": float(r),
        "f1": float(f),
        "pr_auc": float(average_precision_score(y, s)),
    }


def _logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def _best_threshold(y: np.ndarray, score: np.ndarray) -> float:
    """Threshold that maximises F1 on validation rows, placed halfway (in log-odds) between the
    lowest score it flags and the highest score below it, so that it does not sit on one row's
    score (ties of F1: the highest such threshold)."""
    from sklearn.metrics import precision_recall_curve

    if y.sum() == 0:
        logger.warning("no illicit row in the validation period: threshold 0.5")
        return 0.5
    precision, recall, thresholds = precision_recall_curve(y, score)
    p, r = precision[:-1], recall[:-1]
    f1 = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=(p + r) > 0)
    best = float(thresholds[np.flatnonzero(f1 == f1.max())].max())
    below = score[score < best]
    if len(below) == 0:
        return best
    mid = (_logit(best) + _logit(float(below.max()))) / 2
    return float(1 / (1 + math.exp(-mid)))


# --------------------------------------------------------------------------------------------
# The classifier
# --------------------------------------------------------------------------------------------
class LaunderingClassifier:
    """Gradient-boosted trees (LightGBM) with a threshold chosen on the training period.

    Follows the scikit-learn contract: the constructor stores its arguments, :meth:`fit`
    returns ``self``, learned state ends in ``_``.

    Parameters
    ----------
    threshold : "f1" or float
        ``"f1"``: chosen on the latest ``validation_fraction`` of the training rows to maximise
        the illicit-class F1 (module docstring); a number: used as given.
    validation_fraction : float
        Share of the training rows (the latest) held out to choose the threshold.
    seed : int
        Seed of LightGBM (``seed``; with ``deterministic=True`` and ``force_col_wise``).
    num_threads : int
        LightGBM threads. 1 (the default) gives bit-identical models on every machine.
    params : mapping, optional
        Other LightGBM parameters (``n_estimators``, ``learning_rate``, ``num_leaves``,
        ``scale_pos_weight``...) over the defaults.

    Attributes
    ----------
    model_ : lightgbm.LGBMClassifier
        Fitted on the whole training period.
    threshold_ : float
    feature_names_ : list of str

    References
    ----------
    Ke et al. (2017); see the module docstring.
    """

    def __init__(
        self,
        *,
        threshold: str | float = "f1",
        validation_fraction: float = 0.2,
        seed: int = 0,
        num_threads: int = 1,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.threshold = threshold
        self.validation_fraction = validation_fraction
        self.seed = seed
        self.num_threads = num_threads
        self.params = params

    def _estimator(self) -> Any:
        lgb = _lightgbm()
        settings = {**_LGBM_DEFAULTS, **(self.params or {})}
        return lgb.LGBMClassifier(
            **settings,
            random_state=self.seed,
            deterministic=True,
            force_col_wise=True,
            n_jobs=self.num_threads,
            verbose=-1,
        )

    def fit(
        self,
        X: pd.DataFrame,
        y: np.ndarray | Sequence[int] | pd.Series,
        times: np.ndarray | pd.Series | None = None,
    ) -> LaunderingClassifier:
        """Fit on a training period.

        Parameters
        ----------
        X : pandas.DataFrame
            Numeric features (NaN allowed).
        y : array-like of {0, 1}
            1 = illicit.
        times : array-like, optional
            Time of every row, to hold out the latest rows for the threshold; without it the
            rows are taken to be in time order.
        """
        if not isinstance(X, pd.DataFrame):
            raise InvalidValue(type(X).__name__, "a pandas DataFrame of features")
        labels = np.asarray(y).astype(int)
        if len(labels) != len(X):
            raise InvalidValue(len(labels), f"one label per row ({len(X)} rows)")
        if labels.sum() == 0 or labels.sum() == len(labels):
            raise InvalidValue(
                int(labels.sum()), "both classes in the training period (illicit and licit rows)"
            )
        if isinstance(self.threshold, str) and self.threshold != "f1":
            raise InvalidValue(self.threshold, "threshold 'f1' or a number between 0 and 1")
        self.feature_names_ = [str(c) for c in X.columns]
        if self.threshold == "f1":
            order = (
                np.arange(len(X)) if times is None else np.argsort(np.asarray(times), kind="stable")
            )
            n_val = max(1, round(self.validation_fraction * len(X)))
            fit_rows, val_rows = order[:-n_val], order[-n_val:]
            if labels[fit_rows].sum() == 0 or labels[fit_rows].sum() == len(fit_rows):
                logger.warning("one class only before the validation period: threshold 0.5")
                self.threshold_ = 0.5
            else:
                probe = self._estimator().fit(X.iloc[fit_rows], labels[fit_rows])
                val_score = probe.predict_proba(X.iloc[val_rows])[:, 1]
                self.threshold_ = _best_threshold(labels[val_rows], val_score)
        else:
            self.threshold_ = float(self.threshold)
        self.model_ = self._estimator().fit(X, labels)
        return self

    def _check(self, X: pd.DataFrame) -> pd.DataFrame:
        if not hasattr(self, "model_"):
            raise CybertnocError("The classifier is not fitted: call fit(X, y) first.")
        missing = [c for c in self.feature_names_ if c not in X.columns]
        if missing:
            raise InvalidValue(missing, "the feature columns the model was trained on")
        return X[self.feature_names_]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities of (licit, illicit), shape (n, 2)."""
        return self.model_.predict_proba(self._check(X))

    def score_samples(self, X: pd.DataFrame) -> np.ndarray:
        """Illicit-class probability of every row."""
        return self.predict_proba(X)[:, 1]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """1 where the illicit probability is at or above ``threshold_``."""
        return (self.score_samples(X) >= self.threshold_).astype(int)

    def save(self, path: str | Path, *, features: Mapping[str, Any] | None = None) -> Path:
        """Write the model as JSON: the trees, the feature names and the threshold, no data.

        ``features`` records how the features were computed (the options of
        :func:`~cybertnoc.domains.laundering.features.transaction_features`, or
        ``{"layout": "elliptic"}``), so that :func:`evaluate_saved` recomputes the same ones.

        LightGBM's text format holds the split thresholds of the trees and the feature names,
        nothing about the rows it was trained on; ``pandas_categorical`` is dropped.
        """
        self._check(pd.DataFrame(columns=self.feature_names_))
        booster = self.model_.booster_.model_to_string()
        payload = {
            "format": MODEL_FORMAT,
            "version": _MODEL_VERSION,
            "model": "lightgbm",
            "threshold": self.threshold_,
            "feature_names": self.feature_names_,
            "seed": self.seed,
            "features": dict(features or {}),
            "booster": booster.split("\npandas_categorical:")[0],
        }
        target = Path(path)
        target.write_text(json.dumps(payload), encoding="utf-8")
        return target


class _LoadedModel:
    """A saved model: a LightGBM booster, its feature names and threshold."""

    def __init__(
        self,
        booster: Any,
        feature_names: list[str],
        threshold: float,
        features: dict[str, Any] | None = None,
    ) -> None:
        self.booster_ = booster
        self.feature_names_ = feature_names
        self.threshold_ = threshold
        self.features = features or {}
        self.seed = -1

    def score_samples(self, X: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.feature_names_ if c not in X.columns]
        if missing:
            raise InvalidValue(missing, "the feature columns the model was trained on")
        return np.asarray(self.booster_.predict(X[self.feature_names_]), dtype=float)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.score_samples(X) >= self.threshold_).astype(int)


def load_model(path: str | Path) -> _LoadedModel:
    """Read a model written by :meth:`LaunderingClassifier.save`.

    Returns an object with ``score_samples(X)``, ``predict(X)``, ``feature_names_``,
    ``threshold_`` and ``features`` (how the features were computed).
    """
    source = Path(path)
    try:
        payload = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CybertnocError(f"{source}: not a readable model file ({exc}).") from exc
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise InvalidValue(
            str(source), f"a model file written by cybertnoc (format {MODEL_FORMAT!r})"
        )
    if payload.get("version") != _MODEL_VERSION:
        raise InvalidValue(payload.get("version"), f"model file version {_MODEL_VERSION}")
    booster = _lightgbm().Booster(model_str=payload["booster"])
    loaded = _LoadedModel(
        booster,
        list(payload["feature_names"]),
        float(payload["threshold"]),
        dict(payload.get("features") or {}),
    )
    loaded.seed = int(payload.get("seed", -1))
    return loaded


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation:
    """Minority-class scores of a model on the test period.

    ``train`` and ``test`` describe the periods: ``rows``, ``illicit`` and ``start``, ``end``
    (the first and last time or time step).
    """

    model: str
    precision: float
    recall: float
    f1: float
    pr_auc: float
    threshold: float
    train: dict[str, Any]
    test: dict[str, Any]
    seed: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: NaN becomes None."""
        out = asdict(self)
        for key in ("precision", "recall", "f1", "pr_auc", "threshold"):
            if isinstance(out[key], float) and math.isnan(out[key]):
                out[key] = None
        return out


def _period(times: np.ndarray | pd.Series, y: np.ndarray) -> dict[str, Any]:
    t = pd.Series(times)
    first, last = t.min(), t.max()
    if isinstance(first, pd.Timestamp):
        first, last = first.isoformat(), last.isoformat()
    elif isinstance(first, np.integer | int):
        first, last = int(first), int(last)
    return {"rows": len(y), "illicit": int(np.sum(y)), "start": first, "end": last}


def label_transactions(
    tx: pd.DataFrame, illicit_ids: Sequence[Any] | pd.Series | set[Any]
) -> np.ndarray:
    """1 for every transaction whose ``tx_id`` is in ``illicit_ids``, else 0."""
    return tx["tx_id"].isin(set(illicit_ids)).to_numpy().astype(int)


def evaluate_transactions(
    tx: pd.DataFrame,
    labels: np.ndarray | Sequence[int] | pd.Series,
    *,
    seed: int = 0,
    test_fraction: float = 0.3,
    threshold: str | float = "f1",
    num_threads: int = 1,
    params: Mapping[str, Any] | None = None,
    feature_options: Mapping[str, Any] | None = None,
    features: pd.DataFrame | None = None,
) -> tuple[Evaluation, LaunderingClassifier]:
    """Graph features, temporal split, LightGBM; scores of the illicit class on the test period.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions: ``tx_id, source, target, amount, timestamp``.
    labels : array-like of {0, 1}
        1 = illicit, one per row of ``tx``.
    seed : int
        Seed of the model.
    test_fraction : float
        Share of the (latest) transactions in the test period (:func:`temporal_split`).
    threshold, num_threads, params
        Passed on to :class:`LaunderingClassifier`.
    feature_options : mapping, optional
        Keyword arguments of :func:`~cybertnoc.domains.laundering.features.transaction_features`.
    features : pandas.DataFrame, optional
        Precomputed features (rows as ``tx``), to evaluate several seeds on one computation.

    Returns
    -------
    (Evaluation, LaunderingClassifier)
        The scores and the fitted model (trained on the training period only).
    """
    y = np.asarray(labels).astype(int)
    if len(y) != len(tx):
        raise InvalidValue(len(y), f"one label per transaction ({len(tx)})")
    frame = (
        features if features is not None else transaction_features(tx, **(feature_options or {}))
    )
    X = frame[feature_columns(frame)]
    times = tx["timestamp"].to_numpy()
    train, test = temporal_split(times, test_fraction=test_fraction)
    model = LaunderingClassifier(
        threshold=threshold, seed=seed, num_threads=num_threads, params=params
    ).fit(X[train], y[train], times=times[train])
    score = model.score_samples(X[test])
    report = scores_report(y[test], score, model.threshold_)
    stamps = pd.Series(tx["timestamp"].to_numpy())
    evaluation = Evaluation(
        model="lightgbm",
        threshold=model.threshold_,
        train=_period(stamps[train], y[train]),
        test=_period(stamps[test], y[test]),
        seed=seed,
        **report,
    )
    logger.info("lightgbm seed %d: illicit F1 %.3f on the test period", seed, evaluation.f1)
    return evaluation, model


def evaluate_saved(
    model: LaunderingClassifier | _LoadedModel,
    tx: pd.DataFrame,
    labels: np.ndarray | Sequence[int] | pd.Series,
    *,
    test_fraction: float = 0.3,
    features: pd.DataFrame | None = None,
) -> Evaluation:
    """Scores of a trained (or saved and loaded) model on the test period of ``tx``.

    The split is :func:`temporal_split` with ``test_fraction``; only the test rows are scored,
    with the model's own threshold. The features are recomputed with the options stored in the
    model file unless given.
    """
    y = np.asarray(labels).astype(int)
    if features is None:
        options = dict(getattr(model, "features", {}) or {})
        features = transaction_features(tx, **options)
    times = tx["timestamp"].to_numpy()
    train, test = temporal_split(times, test_fraction=test_fraction)
    score = model.score_samples(features[test])
    stamps = pd.Series(times)
    return Evaluation(
        model="lightgbm",
        threshold=float(model.threshold_),
        train=_period(stamps[train], y[train]),
        test=_period(stamps[test], y[test]),
        seed=int(getattr(model, "seed", -1)),
        **scores_report(y[test], score, model.threshold_),
    )


def read_label_ids(path: str | Path, *, column: str = "tx_id", rail: str | None = None) -> set[str]:
    """Transaction ids listed as illicit in a CSV file (one row per illicit transaction).

    A ``rail`` column (as in ``truth/laundering_patterns.csv``), where present, keeps the rows
    of ``rail``.
    """
    source = Path(path)
    try:
        table = pd.read_csv(source, dtype=str)
    except (OSError, ValueError) as exc:
        raise CybertnocError(f"{source}: not a readable CSV file ({exc}).") from exc
    if column not in table.columns:
        raise InvalidValue(
            column,
            f"a column of {source.name} (found: {', '.join(table.columns)})",
            "Name the column of transaction ids with --label-column.",
        )
    if rail is not None and "rail" in table.columns:
        table = table[table["rail"] == rail]
    return set(table[column].dropna())


def workspace_transactions(
    ws: Any, illicit_ids: set[str] | Sequence[str], *, rail: str = "bank"
) -> tuple[pd.DataFrame, np.ndarray]:
    """Payments of one rail of a workspace as a transactions table, with labels.

    A payment is illicit when its entity id or its ``transactionNumber`` (the id in the source
    file) is among ``illicit_ids``.
    """
    from cybertnoc.domains.laundering.analysis import payments_frame
    from cybertnoc.store.queries import entity_frame

    payments = payments_frame(ws)
    tx = payments[payments["rail"] == rail].reset_index(drop=True)
    if tx.empty:
        raise CybertnocError(
            f"The workspace holds no {rail} payments. Import a ledger first, e.g. "
            "`cybertnoc import bank_transfers.parquet --mapping synth/bank_transfers`."
        )
    numbers = entity_frame(ws, "Payment", ["transactionNumber"]).set_index("id")
    number = tx["tx_id"].map(numbers["transactionNumber"])
    wanted = set(illicit_ids)
    y = (tx["tx_id"].isin(wanted) | number.isin(wanted)).to_numpy().astype(int)
    logger.info("%s: %d payments, %d labelled illicit", rail, len(tx), int(y.sum()))
    return tx[["tx_id", "source", "target", "amount", "timestamp"]], y


# --------------------------------------------------------------------------------------------
# Synthetic world
# --------------------------------------------------------------------------------------------
def load_synth_world(
    directory: str | Path, *, rail: str = "bank"
) -> tuple[pd.DataFrame, np.ndarray]:
    """Transactions and labels of a world written by :func:`cybertnoc.synth.generate`.

    A transaction is illicit when it is a step of a planted pattern
    (``truth/laundering_patterns.csv``), structuring included.

    Parameters
    ----------
    directory : str or Path
        The world's directory (holding ``data/`` and ``truth/``).
    rail : {"bank", "crypto"}
        Which ledger.

    Returns
    -------
    (pandas.DataFrame, numpy.ndarray)
        Transactions ``tx_id, source, target, amount, timestamp`` in time order, and labels.
    """
    root = Path(directory)
    truth_file = root / "truth" / "laundering_patterns.csv"
    if rail == "bank":
        data = pd.read_parquet(root / "data" / "bank_transfers.parquet")
        tx = data.rename(columns={"from_account": "source", "to_account": "target"})
    elif rail == "crypto":
        data = pd.read_csv(root / "data" / "crypto_transactions.csv", dtype=str)
        tx = data.rename(
            columns={"txid": "tx_id", "from_address": "source", "to_address": "target"}
        )
        tx["amount"] = tx["amount"].astype(float)
        tx["timestamp"] = pd.to_datetime(tx["timestamp"], utc=True)
    else:
        raise InvalidValue(rail, "rail 'bank' or 'crypto'")
    if not truth_file.exists():
        raise CybertnocError(
            f"{truth_file}: missing. Generate a world with `cybertnoc synth` first."
        )
    truth = pd.read_csv(truth_file, dtype=str)
    tx = tx[["tx_id", "source", "target", "amount", "timestamp"]]
    tx = tx.sort_values(["timestamp", "tx_id"], kind="stable").reset_index(drop=True)
    illicit = truth.loc[truth["rail"] == rail, "tx_id"]
    return tx, label_transactions(tx, illicit)


# --------------------------------------------------------------------------------------------
# Elliptic
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EllipticData:
    """The Elliptic data set (Weber et al. 2019).

    ``features``: ``txId``, ``time_step``, ``local_1`` ... ``local_93`` and ``agg_1`` ...
    ``agg_72`` (the 94 local features of the paper are the time step and local_1..93);
    ``labels``: ``txId`` and ``label`` (1 illicit, 0 licit, -1 unknown); ``edges``: ``txId1``,
    ``txId2`` (payment flows, not used by the feature models).
    """

    features: pd.DataFrame
    labels: pd.DataFrame
    edges: pd.DataFrame

    def labelled(self) -> pd.DataFrame:
        """Features and ``label`` of the labelled transactions (unknown excluded)."""
        merged = self.features.merge(self.labels, on="txId", how="inner", validate="1:1")
        return merged[merged["label"] >= 0].reset_index(drop=True)


_N_LOCAL, _N_AGG = 93, 72


def _has_header(path: Path) -> bool:
    first = path.open(encoding="utf-8").readline().split(",")[0].strip().strip('"')
    try:
        float(first)
    except ValueError:
        return True
    return False


def load_elliptic(directory: str | Path) -> EllipticData:
    """Read the Elliptic files: ``elliptic_txs_features.csv`` (no header: txId, time step and
    165 features), ``elliptic_txs_classes.csv`` (``txId,class`` with ``1`` illicit, ``2``
    licit, ``unknown``) and ``elliptic_txs_edgelist.csv`` (``txId1,txId2``).

    Raises
    ------
    CybertnocError
        A file is missing, or the features file does not have 167 columns, or a class value is
        not 1, 2 or unknown (all problems are listed together).
    """
    root = Path(directory)
    names = {
        "features": root / "elliptic_txs_features.csv",
        "classes": root / "elliptic_txs_classes.csv",
        "edges": root / "elliptic_txs_edgelist.csv",
    }
    missing = [str(p) for p in names.values() if not p.exists()]
    if missing:
        raise CybertnocError(
            f"Elliptic files missing: {', '.join(missing)}. Download the data set (Kaggle "
            "'ellipticco/elliptic-data-set') and pass the folder holding the three "
            "elliptic_txs_*.csv files."
        )
    columns = (
        ["txId", "time_step"]
        + [f"local_{i}" for i in range(1, _N_LOCAL + 1)]
        + [f"agg_{i}" for i in range(1, _N_AGG + 1)]
    )
    path = names["features"]
    features = pd.read_csv(path, header=0 if _has_header(path) else None)
    problems = []
    if features.shape[1] != len(columns):
        problems.append(
            f"{path.name}: {features.shape[1]} columns, expected {len(columns)} (txId, time "
            "step, 93 local and 72 aggregated features)"
        )
    classes = pd.read_csv(names["classes"], dtype=str)
    if list(classes.columns[:2]) != ["txId", "class"]:
        problems.append(
            f"{names['classes'].name}: header {list(classes.columns)}, expected txId,class"
        )
    else:
        bad = ~classes["class"].isin(["1", "2", "unknown"])
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            problems.append(
                f"{names['classes'].name}, line {line}: class {classes['class'][bad].iloc[0]!r}"
                " (expected 1, 2 or unknown)"
            )
    if problems:
        raise CybertnocError("Not the Elliptic layout: " + "; ".join(problems) + ".")
    features.columns = columns
    features["txId"] = features["txId"].astype(np.int64)
    features["time_step"] = features["time_step"].astype(np.int64)
    labels = pd.DataFrame(
        {
            "txId": classes["txId"].astype(np.int64),
            "label": classes["class"].map({"1": 1, "2": 0, "unknown": -1}).astype(np.int64),
        }
    )
    edges = pd.read_csv(names["edges"]).iloc[:, :2].set_axis(["txId1", "txId2"], axis=1)
    logger.info(
        "Elliptic: %d transactions, %d labelled, %d edges",
        len(features),
        int((labels["label"] >= 0).sum()),
        len(edges),
    )
    return EllipticData(features=features, labels=labels, edges=edges)


def random_forest_baseline(seed: int = 0, *, n_jobs: int = 1) -> Any:
    """The random forest of Weber et al. (2019): 50 trees, ``max_features=50``."""
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(
        n_estimators=50, max_features=50, random_state=seed, n_jobs=n_jobs
    )


def evaluate_elliptic(
    data: EllipticData | str | Path,
    *,
    model: str = "random_forest",
    features: str = "all",
    seed: int = 0,
    num_threads: int = 1,
    threshold: str | float | None = None,
    saved: _LoadedModel | None = None,
) -> tuple[Evaluation, Any]:
    """Train on time steps 1-34, test on 35-49 (labelled transactions only).

    Parameters
    ----------
    data : EllipticData or path
        The data set, or the folder of its files.
    model : {"random_forest", "lightgbm"}
        The Weber et al. (2019) baseline or gradient boosting.
    features : {"all", "local"}
        All 166 features (time step included, "AF" in the paper) or the 94 local ones ("LF").
    seed : int
    num_threads : int
        Threads of the model.
    threshold : "f1", float or None
        None: 0.5 for the random forest (as in the paper), ``"f1"`` for LightGBM (chosen on
        the latest training time steps).
    saved : optional
        A model from :func:`load_model` to score the test steps with, instead of training one.

    Returns
    -------
    (Evaluation, model)

    References
    ----------
    Weber et al. (2019), §4-5: illicit F1 about 0.79 for the random forest on all features of
    the real data.
    """
    if not isinstance(data, EllipticData):
        data = load_elliptic(data)
    if model not in ("random_forest", "lightgbm"):
        raise InvalidValue(model, "model 'random_forest' or 'lightgbm'")
    if features not in ("all", "local"):
        raise InvalidValue(features, "features 'all' or 'local'")
    frame = data.labelled()
    cols = ["time_step"] + [c for c in frame.columns if c.startswith("local_")]
    if features == "all":
        cols += [c for c in frame.columns if c.startswith("agg_")]
    steps = frame["time_step"].to_numpy()
    train = np.isin(steps, ELLIPTIC_TRAIN_STEPS)
    test = np.isin(steps, ELLIPTIC_TEST_STEPS)
    y = frame["label"].to_numpy()
    X = frame[cols]
    if y[train].sum() == 0:
        raise InvalidValue(0, "illicit transactions in time steps 1-34")
    if saved is not None:
        fitted: Any = saved
        model = "lightgbm"
        cut = saved.threshold_
        score = saved.score_samples(X[test])
    elif model == "random_forest":
        fitted = random_forest_baseline(seed, n_jobs=num_threads).fit(X[train], y[train])
        cut = 0.5 if threshold is None or threshold == "f1" else float(threshold)
        score = fitted.predict_proba(X[test])[:, 1]
    else:
        fitted = LaunderingClassifier(
            threshold="f1" if threshold is None else threshold,
            seed=seed,
            num_threads=num_threads,
        ).fit(X[train], y[train], times=steps[train])
        cut = fitted.threshold_
        score = fitted.score_samples(X[test])
    evaluation = Evaluation(
        model=model,
        threshold=float(cut),
        train=_period(steps[train], y[train]),
        test=_period(steps[test], y[test]),
        seed=seed,
        **scores_report(y[test], score, cut),
    )
    return evaluation, fitted
