"""Intercepted calls (wiretap call records) over the communication network.

Only lines under interception are recorded, as in a real wiretap (Project CAVIAR's 11 phases
were built from intercepted calls of target lines, Morselli 2009): a call appears when the
caller's or the callee's line is a target. Leaders' lines are rarely targeted, so their ties
show only through their lieutenants' lines. Each tie has a heavy-tailed number of calls
(negative binomial), within an active period of the tie; calls follow a daily cycle; a third are
text messages (duration 0). Times are local (Europe/London) with their UTC offset.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cybertnoc.synth._context import WIRETAP_DAYS, WIRETAP_START, Context
from cybertnoc.synth.writers import write_csv

__all__ = ["HOURLY_CALLS", "write_calls"]

#: Relative call volume by hour of day (local time).
# fmt: off
HOURLY_CALLS = np.array([2, 1.2, 0.8, 0.5, 0.4, 0.5, 1, 2, 3, 4, 4.5, 5, 5.5, 5, 5, 5.5, 6, 6.5,
                         7, 7, 6.5, 5.5, 4, 3])
# fmt: on
_KIND_FACTOR = {"cell": 1.0, "leader": 0.5, "bridge": 0.7, "social": 0.35}
_TARGET_P = {"leader": 0.25, "broker": 0.9, "courier": 0.8}


def write_calls(ctx: Context) -> int:
    rng = ctx.rng("calls")
    people = ctx.people
    # target lines
    targets: dict[str, int] = {}
    for p in people:
        if not p.is_offender:
            continue
        for phone in p.phones:
            if rng.random() < _TARGET_P.get(p.role, 0.6):
                targets[phone] = 0
    for k, phone in enumerate(sorted(targets, key=lambda x: (rng.random(), x)), start=1):
        targets[phone] = k
    edges = [
        (u, v, kind) for u, v, kind in ctx.edges if people[u].is_offender or people[v].is_offender
    ]
    if not edges:
        return write_csv(ctx.data_dir / "wiretap_calls.csv", _COLUMNS, [])
    eu = np.array([e[0] for e in edges])
    ev = np.array([e[1] for e in edges])
    factor = np.array([_KIND_FACTOR[e[2]] for e in edges])
    mean = ctx.scale.calls_per_tie * factor
    r = 0.8
    n = rng.negative_binomial(r, r / (r + mean))
    start = rng.integers(0, WIRETAP_DAYS, len(edges))
    length = rng.integers(30, WIRETAP_DAYS + 1, len(edges))
    idx = np.repeat(np.arange(len(edges)), n)
    m = len(idx)
    flip = rng.random(m) < 0.5
    caller = np.where(flip, ev[idx], eu[idx])
    callee = np.where(flip, eu[idx], ev[idx])
    # phones: the first is the main phone (75 %), else one of the others
    n_phones = np.array([len(p.phones) for p in people])
    offsets = np.concatenate([[0], np.cumsum(n_phones)[:-1]])
    all_phones = np.array([ph for p in people for ph in p.phones])

    def pick(who: np.ndarray) -> np.ndarray:
        k = n_phones[who]
        alt = 1 + np.floor(rng.random(len(who)) * np.maximum(k - 1, 1)).astype(int)
        choice = np.where((k > 1) & (rng.random(len(who)) >= 0.75), alt, 0)
        return all_phones[offsets[who] + choice]

    caller_phone = pick(caller)
    callee_phone = pick(callee)
    target_id = np.array([targets.get(x, 0) for x in caller_phone])
    target_id2 = np.array([targets.get(x, 0) for x in callee_phone])
    keep = (target_id > 0) | (target_id2 > 0)
    line = np.where(target_id > 0, target_id, target_id2)
    day = (start[idx] + np.floor(rng.random(m) * length[idx]).astype(int)) % WIRETAP_DAYS
    hour = rng.choice(24, size=m, p=HOURLY_CALLS / HOURLY_CALLS.sum())
    sec = rng.integers(0, 3600, m)
    base = int(dt.datetime(WIRETAP_START.year, WIRETAP_START.month, WIRETAP_START.day).timestamp())
    # local wall-clock time -> UTC via the zone (nonexistent/ambiguous times shifted forward)
    local = pd.to_datetime(base + day * 86400 + hour * 3600 + sec, unit="s")
    aware = local.tz_localize("Europe/London", nonexistent="shift_forward", ambiguous=False)
    sms = rng.random(m) < 0.3
    duration = np.where(sms, 0, np.round(np.exp(rng.normal(np.log(50), 1.0, m))).astype(int) + 3)
    kind = np.where(sms, "sms", "voice")
    frame = pd.DataFrame(
        {
            "utc": aware.tz_convert("UTC").asi8,
            "line": line,
            "caller": caller_phone,
            "callee": callee_phone,
            "duration": duration,
            "kind": kind,
            "stamp": aware.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
    )[keep]
    frame = frame[frame["caller"] != frame["callee"]]
    frame = frame.sort_values(["utc", "caller", "callee"], kind="stable").reset_index(drop=True)
    stamps = frame["stamp"].str.slice(0, 22) + ":" + frame["stamp"].str.slice(22)
    rows = zip(
        [f"CALL-{i:07d}" for i in range(1, len(frame) + 1)],
        [f"LINE-{k:04d}" for k in frame["line"]],
        frame["caller"],
        frame["callee"],
        stamps,
        frame["duration"].astype(str),
        frame["kind"],
        strict=True,
    )
    phone_owner = [(ph, p.pid) for p in people for ph in p.phones]
    ctx.extra["phone_owners"] = phone_owner
    ctx.extra["target_lines"] = {ph: f"LINE-{k:04d}" for ph, k in targets.items()}
    return write_csv(ctx.data_dir / "wiretap_calls.csv", _COLUMNS, rows)


_COLUMNS = (
    "call_id",
    "intercept_ref",
    "caller_phone",
    "callee_phone",
    "started_at",
    "duration_s",
    "call_type",
)
