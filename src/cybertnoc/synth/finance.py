"""Bank accounts, a realistic ledger of licit transfers, and planted laundering.

Normal traffic
--------------
Generated in bulk with numpy (no Python loop per transfer), so the large scale reaches millions
of transfers:

- **salaries**: 55 % of personal accounts are paid monthly (25th-28th, 02:00-06:00 batch runs) by
  an employer chosen with Zipf weights (a few large employers);
- **rent**: 35 % pay a standing order on the 1st-3rd to a landlord or letting agency;
- **bills**: direct debits to utilities (Poisson, mean 0.6 a month);
- **card payments** to merchants (the bulk): payer drawn by a log-normal activity weight
  (heavy-tailed account activity), merchant by Zipf popularity, hours from a daily cycle with
  lunch and evening peaks, more on Fridays and Saturdays, log-normal amounts (median 25 EUR);
- **person-to-person** transfers (median 60 EUR, evenings), **business-to-business** invoices
  (median 1,800 EUR, office hours) and **cash deposits** at bank branches.

Laundering
----------
Money mules of every group control a pool of accounts: their own, accounts of people they
recruited ("straw" accounts, otherwise ordinary customers) and shell companies. Patterns of
:mod:`cybertnoc.synth.laundering` are planted among these accounts, which also keep their
ordinary activity, so the patterns hide in normal traffic. All accounts of one pattern belong to
one group's pool (Altman et al. 2023: one laundering entity per pattern).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cybertnoc.synth._context import BANK_START, Context
from cybertnoc.synth.geo import BANKS, format_phone, iban
from cybertnoc.synth.laundering import BUILDERS, GRAPH_TYPOLOGIES, structuring
from cybertnoc.synth.people import Person
from cybertnoc.synth.records import render_identity
from cybertnoc.synth.writers import fmt_float, write_parquet

__all__ = ["Accounts", "write_bank"]

# account kinds
PERSONAL, ANON, EMPLOYER, MERCHANT, UTILITY, AGENCY, BRANCH, SHELL = range(8)
# fmt: off
KIND_NAMES = ("personal", "personal", "employer", "merchant", "utility", "letting_agency",
              "branch_cash", "company")
# fmt: on

# transfer components
_SALARY, _RENT, _BILL, _CARD, _P2P, _B2B, _CASH, _LAUNDER = range(8)
# fmt: off
_CHANNELS = np.array(["sepa_credit", "standing_order", "direct_debit", "card", "sepa_instant",
                      "sepa_credit", "cash_deposit", "sepa_instant", "international_wire"])
# fmt: on

# fmt: off
_COMPANY_A = ("North", "Eastgate", "Harbour", "Silver", "Crown", "Atlas", "Meridian", "Beacon",
              "Orchid", "Falcon", "Summit", "Riverside", "Granite", "Linden", "Vista", "Polar",
              "Amber", "Cobalt", "Oak", "Delta")
_COMPANY_B = ("Trading", "Logistics", "Imports", "Consulting", "Holdings", "Services",
              "Motors", "Foods", "Textiles", "Electronics", "Properties", "Capital",
              "Construction", "Car Wash", "Nail Bar", "Export")
_COMPANY_FORM = {"GB": "Ltd", "IE": "Ltd", "NL": "B.V.", "DE": "GmbH", "AT": "GmbH",
                 "LT": "UAB", "LU": "S.à r.l."}
# fmt: on

# fmt: off
_HOUR_CARD = np.array([0.3, 0.15, 0.1, 0.05, 0.05, 0.1, 0.4, 1.2, 2.2, 2.8, 3.2, 4, 5.5, 5,
                       3.8, 3.5, 3.8, 4.5, 5.2, 4.8, 3.6, 2.4, 1.4, 0.7])
_HOUR_P2P = np.array([0.5, 0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1, 1.5, 2, 2.2, 2.5, 3, 2.8, 2.6,
                      2.8, 3.2, 3.8, 4.5, 5, 5, 4.2, 3, 1.5])
# fmt: on
_HOUR_OFFICE = np.array([0.05] * 7 + [1, 3, 5, 5, 4.5, 3, 4.5, 5, 4.5, 3.5, 1.5] + [0.2] * 6)
_DOW_CARD = np.array([0.9, 0.95, 1.0, 1.05, 1.25, 1.3, 0.6])  # Mon..Sun
_DOW_WORK = np.array([1.1, 1.1, 1.1, 1.1, 1.1, 0.3, 0.2])


@dataclass
class Accounts:
    kind: np.ndarray
    bank: np.ndarray
    owner: np.ndarray  # person index or -1
    weight: np.ndarray
    iban: list[str]
    name: list[str]  # company names ("" for personal)
    country: np.ndarray  # bank country

    def __len__(self) -> int:
        return len(self.kind)

    def of(self, *kinds: int) -> np.ndarray:
        return np.flatnonzero(np.isin(self.kind, kinds))


def _company(rng: np.random.Generator, country: str) -> str:
    a = _COMPANY_A[int(rng.integers(len(_COMPANY_A)))]
    b = _COMPANY_B[int(rng.integers(len(_COMPANY_B)))]
    return f"{a} {b} {_COMPANY_FORM.get(country, 'Ltd')}"


def _make_accounts(ctx: Context, rng: np.random.Generator) -> tuple[Accounts, dict[int, list]]:
    scale = ctx.scale
    people: list[Person] = ctx.people
    n_total = scale.bank_accounts
    bank_w = 1.0 / np.arange(1, len(BANKS) + 1) ** 0.8
    bank_country = np.array([b.country for b in BANKS])
    kinds: list[int] = []
    owners: list[int] = []
    banks: list[int] = []

    def bank_for(country: str) -> int:
        local = np.flatnonzero(bank_country == country)
        if len(local) and rng.random() < 0.85:
            w = bank_w[local]
            return int(local[rng.choice(len(local), p=w / w.sum())])
        return int(rng.choice(len(BANKS), p=bank_w / bank_w.sum()))

    for p in people:
        n = 1 + int(rng.random() < (0.5 if p.role == "money_mule" else 0.2))
        for _ in range(n):
            kinds.append(PERSONAL)
            owners.append(p.index)
            banks.append(bank_for(p.country))
    n_branch_per_bank = max(3, n_total // 20_000)
    for b in range(len(BANKS)):
        for _ in range(n_branch_per_bank):
            kinds.append(BRANCH)
            owners.append(-1)
            banks.append(b)
    counts = {
        EMPLOYER: max(6, n_total // 60),
        MERCHANT: max(25, n_total // 25),
        UTILITY: 6 + n_total // 5000,
        AGENCY: max(3, n_total // 400),
        SHELL: 3 * len(ctx.groups),
    }
    for kind, k in counts.items():
        for _ in range(k):
            kinds.append(kind)
            owners.append(-1)
            banks.append(int(rng.choice(len(BANKS), p=bank_w / bank_w.sum())))
    while len(kinds) < n_total:
        kinds.append(ANON)
        owners.append(-1)
        banks.append(int(rng.choice(len(BANKS), p=bank_w / bank_w.sum())))
    kind_a = np.array(kinds, dtype=np.int8)
    bank_a = np.array(banks, dtype=np.int16)
    n = len(kind_a)
    weight = rng.lognormal(0.0, 1.0, n)
    weight[np.isin(kind_a, (MERCHANT,))] = 1.0 / (1 + rng.permutation(counts[MERCHANT])) ** 1.1
    weight[np.isin(kind_a, (EMPLOYER,))] = 1.0 / (1 + rng.permutation(counts[EMPLOYER])) ** 1.2
    ibans: list[str] = []
    names: list[str] = []
    seen: set[str] = set()
    for i in range(n):
        bank = BANKS[int(bank_a[i])]
        while True:
            acc = iban(bank.country, bank.bban(rng))
            if acc not in seen:
                seen.add(acc)
                break
        ibans.append(acc)
        if kind_a[i] in (PERSONAL, ANON):
            names.append("")
        elif kind_a[i] == BRANCH:
            names.append(f"{bank.name} cash desk")
        elif kind_a[i] == UTILITY:
            names.append(
                (
                    "Municipal Energy",
                    "City Water",
                    "FibreNet",
                    "Mobile Telecom",
                    "Council Tax",
                    "Green Power",
                    "Home Insurance",
                )[i % 7]
                + f" {bank.country}"
            )
        else:
            names.append(_company(rng, bank.country))
    accounts = Accounts(
        kind=kind_a,
        bank=bank_a,
        owner=np.array(owners, dtype=np.int64),
        weight=weight,
        iban=ibans,
        name=names,
        country=bank_country[bank_a],
    )
    # laundering pools: mules' own accounts, recruited straw accounts, shells
    pools: dict[int, list] = {}
    anon = list(accounts.of(ANON))
    anon_order = rng.permutation(len(anon))
    anon_pos = 0
    shells = list(accounts.of(SHELL))
    for g, group in enumerate(ctx.groups):
        pool: list[tuple[int, str, int]] = []  # (account, kind, controlling person)
        mules = [m for m in group.members if people[m].role == "money_mule"]
        for m in mules:
            for a in np.flatnonzero(accounts.owner == m):
                pool.append((int(a), "mule_own", m))
            for _ in range(int(rng.integers(2, 7))):
                if anon_pos < len(anon):
                    pool.append((int(anon[int(anon_order[anon_pos])]), "straw", m))
                    anon_pos += 1
        for s in shells[3 * g : 3 * g + 3]:
            pool.append((int(s), "shell", mules[int(rng.integers(len(mules)))]))
        while len(pool) < 16 and anon_pos < len(anon):
            pool.append(
                (
                    int(anon[int(anon_order[anon_pos])]),
                    "straw",
                    mules[int(rng.integers(len(mules)))],
                )
            )
            anon_pos += 1
        pools[g] = pool
    return accounts, pools


def _days(rng: np.random.Generator, n: int, days: int, dow: np.ndarray) -> np.ndarray:
    start_dow = BANK_START.weekday()
    w = dow[(start_dow + np.arange(days)) % 7]
    return rng.choice(days, size=n, p=w / w.sum())


def _normal_traffic(
    ctx: Context, rng: np.random.Generator, acc: Accounts
) -> tuple[np.ndarray, ...]:
    """Arrays (src, dst, seconds, amount, component) of licit transfers."""
    scale = ctx.scale
    days = scale.bank_days
    months = max(1, round(days / 30.4))
    personal = acc.of(PERSONAL, ANON)
    employers = acc.of(EMPLOYER)
    merchants = acc.of(MERCHANT)
    utilities = acc.of(UTILITY)
    agencies = acc.of(AGENCY)
    branches = acc.of(BRANCH)
    business = acc.of(EMPLOYER, MERCHANT, SHELL, AGENCY)
    parts = []

    def add(src, dst, sec, amount, comp):
        parts.append(
            (
                src.astype(np.int64),
                dst.astype(np.int64),
                sec.astype(np.int64),
                np.round(amount, 2),
                np.full(len(src), comp, dtype=np.int8),
            )
        )

    # salaries
    employed = personal[rng.random(len(personal)) < 0.55]
    ew = acc.weight[employers]
    employer_of = employers[rng.choice(len(employers), size=len(employed), p=ew / ew.sum())]
    salary = rng.lognormal(np.log(2600), 0.35, len(employed))
    for mth in range(months):
        pay_day = mth * 30.4 + 24 + rng.integers(0, 4, len(employed))
        ok = pay_day < days
        sec = pay_day * 86400 + rng.integers(2 * 3600, 6 * 3600, len(employed))
        add(
            employer_of[ok],
            employed[ok],
            sec[ok],
            salary[ok] * rng.uniform(0.97, 1.03, ok.sum()),
            _SALARY,
        )
    # rent
    landlords = np.concatenate([agencies, personal[rng.random(len(personal)) < 0.03]])
    tenants = personal[rng.random(len(personal)) < 0.35]
    tenants = tenants[~np.isin(tenants, landlords)]
    landlord_of = landlords[rng.integers(0, len(landlords), len(tenants))]
    rent = np.round(rng.lognormal(np.log(950), 0.3, len(tenants)), 0)
    for mth in range(months):
        d = mth * 30.4 + rng.integers(0, 3, len(tenants))
        ok = d < days
        sec = d * 86400 + rng.integers(6 * 3600, 9 * 3600, len(tenants))
        add(tenants[ok], landlord_of[ok], sec[ok], rent[ok], _RENT)
    # bills
    n_dd = rng.poisson(0.6 * months, len(personal))
    payer = np.repeat(personal, n_dd)
    util = utilities[rng.integers(0, len(utilities), len(payer))]
    d = rng.integers(0, days, len(payer))
    sec = d * 86400 + rng.integers(0, 6 * 3600, len(payer))
    add(payer, util, sec, rng.lognormal(np.log(70), 0.6, len(payer)), _BILL)
    # the rest of the target volume
    fixed = sum(len(p[0]) for p in parts)
    rest = max(scale.bank_transfers - fixed, scale.bank_transfers // 3)
    n_card, n_p2p, n_b2b = int(rest * 0.75), int(rest * 0.14), int(rest * 0.07)
    n_cash = rest - n_card - n_p2p - n_b2b
    pw = acc.weight[personal]
    pw = pw / pw.sum()
    mw = acc.weight[merchants]
    mw = mw / mw.sum()
    src = personal[rng.choice(len(personal), size=n_card, p=pw)]
    dst = merchants[rng.choice(len(merchants), size=n_card, p=mw)]
    d = _days(rng, n_card, days, _DOW_CARD)
    h = rng.choice(24, size=n_card, p=_HOUR_CARD / _HOUR_CARD.sum())
    add(
        src,
        dst,
        d * 86400 + h * 3600 + rng.integers(0, 3600, n_card),
        np.minimum(rng.lognormal(np.log(25), 1.0, n_card) + 0.5, 4_000),
        _CARD,
    )
    src = personal[rng.choice(len(personal), size=n_p2p, p=pw)]
    dst = personal[rng.choice(len(personal), size=n_p2p, p=pw)]
    d = _days(rng, n_p2p, days, _DOW_CARD)
    h = rng.choice(24, size=n_p2p, p=_HOUR_P2P / _HOUR_P2P.sum())
    add(
        src,
        dst,
        d * 86400 + h * 3600 + rng.integers(0, 3600, n_p2p),
        np.minimum(rng.lognormal(np.log(60), 1.0, n_p2p) + 1, 8_000),
        _P2P,
    )
    bw = acc.weight[business]
    bw = bw / bw.sum()
    src = business[rng.choice(len(business), size=n_b2b, p=bw)]
    dst = business[rng.choice(len(business), size=n_b2b, p=bw)]
    # supply chains run one way (retailer -> wholesaler -> producer): order businesses by a
    # random tier and let 95 % of invoices be paid up the order, so that licit business
    # payments rarely close a cycle
    tier = rng.random(len(acc))
    up = (tier[src] > tier[dst]) & (rng.random(n_b2b) < 0.95)
    src, dst = np.where(up, dst, src), np.where(up, src, dst)
    d = _days(rng, n_b2b, days, _DOW_WORK)
    h = rng.choice(24, size=n_b2b, p=_HOUR_OFFICE / _HOUR_OFFICE.sum())
    add(
        src,
        dst,
        d * 86400 + h * 3600 + rng.integers(0, 3600, n_b2b),
        rng.lognormal(np.log(1800), 1.1, n_b2b),
        _B2B,
    )
    # cash deposits: businesses (takings) and people, at a branch of their own bank
    depositors = np.concatenate([merchants, personal])
    dw = np.concatenate([np.full(len(merchants), 3.0), np.full(len(personal), 0.2)])
    dst = depositors[rng.choice(len(depositors), size=n_cash, p=dw / dw.sum())]
    # a branch of the depositor's own bank (every bank has n_branch_per_bank of them)
    by_bank = branches[np.argsort(acc.bank[branches], kind="stable")]
    per_bank = np.bincount(acc.bank[branches], minlength=len(BANKS))
    first = np.concatenate([[0], np.cumsum(per_bank)[:-1]])
    bank_of = acc.bank[dst]
    br = by_bank[first[bank_of] + rng.integers(0, 1000, n_cash) % per_bank[bank_of]]
    d = _days(rng, n_cash, days, _DOW_WORK)
    h = rng.choice(24, size=n_cash, p=_HOUR_OFFICE / _HOUR_OFFICE.sum())
    amount = np.where(
        np.isin(dst, merchants),
        rng.lognormal(np.log(900), 0.8, n_cash),
        rng.lognormal(np.log(200), 0.9, n_cash),
    )
    add(
        br,
        dst,
        d * 86400 + h * 3600 + rng.integers(0, 3600, n_cash),
        np.round(np.minimum(amount, 25_000), -1),
        _CASH,
    )
    src, dst, sec, amount, comp = (np.concatenate(x) for x in zip(*parts, strict=True))
    keep = (src != dst) & (sec < days * 86400) & (amount > 0)
    return src[keep], dst[keep], sec[keep], amount[keep], comp[keep]


def _plant(
    ctx: Context, rng: np.random.Generator, acc: Accounts, pools: dict[int, list]
) -> tuple[list[tuple], list[tuple[int, int]]]:
    """Planted legs ``(pattern_no, step, src, dst, sec, amount, typology, group, channel)``."""
    scale = ctx.scale
    days = scale.bank_days
    groups = sorted(pools)
    sizes = np.array([len(pools[g]) for g in groups], dtype=float)
    legs: list[tuple] = []
    patterns: list[tuple[int, int]] = []  # (pattern_no, group)
    branches = acc.of(BRANCH)
    plan = [t for t in GRAPH_TYPOLOGIES for _ in range(scale.patterns_per_typology)]
    plan += ["structuring"] * scale.structuring_cases
    for no, typ in enumerate(plan):
        g = groups[int(rng.choice(len(groups), p=sizes / sizes.sum()))]
        pool = np.array(sorted({a for a, _, _ in pools[g]}))
        start = rng.uniform(1, max(2, days - 8)) * 86400
        if typ == "structuring":
            target = int(pool[int(rng.integers(len(pool)))])
            own = branches[acc.bank[branches] == acc.bank[target]]
            built = structuring(rng, target, own if len(own) else branches)
            channel = 6
        else:
            built = BUILDERS[typ](rng, pool, 5_000.0)
            channel = 8 if rng.random() < 0.2 else 7
        for step, (s, d, t, a) in enumerate(built, start=1):
            sec = int(start + t)
            legs.append((no, step, s, d, sec, round(a, 2), typ, g, channel))
        patterns.append((no, g))
    return legs, patterns


# fmt: off
_REFS = {
    _SALARY: ("SALARY", "Salary", "Wages", "PAYROLL"),
    _RENT: ("Rent", "RENT", "Huur", "Miete"),
    _BILL: ("DD ENERGY", "DD WATER", "DD BROADBAND", "DD MOBILE", "DD INSURANCE"),
    _CARD: ("", ),
    _P2P: ("", "thanks", "dinner", "tickets", "for mum", "loan", "birthday", "share"),
    _B2B: ("INV", "Invoice", "Rechnung", "Factuur"),
    _CASH: ("CASH DEPOSIT",),
    _LAUNDER: ("INV", "Invoice", "loan repayment", "consulting fee", "goods", "", "deposit",
               "car sale", "refund"),
}
# fmt: on


_VOCAB = tuple(dict.fromkeys(r for refs in _REFS.values() for r in refs))
_NUMBERED = np.array([r in ("INV", "Invoice", "Rechnung", "Factuur") for r in _VOCAB])


def _references(rng: np.random.Generator, comp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Payment references as codes into ``_VOCAB`` and invoice numbers (0: none).

    Kept as small integer arrays (not millions of Python strings); the text is assembled with
    Arrow per written chunk.
    """
    code = np.zeros(len(comp), dtype=np.int16)
    number = np.zeros(len(comp), dtype=np.int32)
    for c, refs in _REFS.items():
        idx = np.flatnonzero(comp == c)
        if not len(idx):
            continue
        codes = np.array([_VOCAB.index(r) for r in refs], dtype=np.int16)
        code[idx] = codes[rng.integers(0, len(codes), len(idx))]
        if c in (_B2B, _LAUNDER):
            number[idx] = rng.integers(1000, 99999, len(idx))
    number[~_NUMBERED[code]] = 0
    return code, number


def _reference_text(code: np.ndarray, number: np.ndarray) -> pa.Array:
    text = pc.take(pa.array(_VOCAB, pa.string()), pa.array(code))
    numbered = pc.binary_join_element_wise(text, pc.cast(pa.array(number), pa.string()), " ")
    return pc.if_else(pa.array(number > 0), numbered, text)


def write_bank(ctx: Context) -> dict[str, int]:
    """Write bank_transfers.parquet and bank_customers.parquet; keep truth in ``ctx.extra``."""
    rng = ctx.rng("finance")
    acc, pools = _make_accounts(ctx, rng)
    src, dst, sec, amount, comp = _normal_traffic(ctx, rng, acc)
    legs, _ = _plant(ctx, rng.spawn(1)[0], acc, pools)
    n_normal = len(src)
    if legs:
        l_arr = list(zip(*legs, strict=True))
        src = np.concatenate([src, np.array(l_arr[2], dtype=np.int64)])
        dst = np.concatenate([dst, np.array(l_arr[3], dtype=np.int64)])
        sec = np.concatenate([sec, np.array(l_arr[4], dtype=np.int64)])
        amount = np.concatenate([amount, np.array(l_arr[5], dtype=float)])
        comp = np.concatenate(
            [comp, np.where(np.array(l_arr[8]) == 6, _CASH, _LAUNDER).astype(np.int8)]
        )
    pattern_of = np.full(len(src), -1, dtype=np.int64)
    step_of = np.zeros(len(src), dtype=np.int64)
    chan = _component_channel(rng, comp)
    if legs:
        pattern_of[n_normal:] = np.array([leg[0] for leg in legs])
        step_of[n_normal:] = np.array([leg[1] for leg in legs])
        chan[n_normal:] = np.array([leg[8] for leg in legs])
    order = np.lexsort((amount, dst, src, sec))
    src, dst, sec, amount, comp, chan = (
        src[order],
        dst[order],
        sec[order],
        amount[order],
        comp[order],
        chan[order],
    )
    pattern_of, step_of = pattern_of[order], step_of[order]
    n = len(src)
    ref_code, ref_number = _references(rng, comp)
    base_ms = (
        int(
            dt.datetime(
                BANK_START.year, BANK_START.month, BANK_START.day, tzinfo=dt.UTC
            ).timestamp()
        )
        * 1000
    )
    ts_ms = base_ms + sec * 1000
    ibans = pa.array(acc.iban, pa.string())
    bics = pa.array([BANKS[int(b)].bic for b in acc.bank], pa.string())
    schema = pa.schema(
        [
            ("tx_id", pa.string()),
            ("timestamp", pa.timestamp("ms", tz="UTC")),
            ("from_account", pa.string()),
            ("from_bank", pa.string()),
            ("to_account", pa.string()),
            ("to_bank", pa.string()),
            ("amount", pa.float64()),
            ("currency", pa.string()),
            ("channel", pa.string()),
            ("reference", pa.string()),
        ],
        metadata={b"generator": b"cybertnoc.synth", b"content": b"synthetic bank transfers"},
    )
    numbers = np.arange(1, n + 1)
    chunk = 250_000

    def batches():
        for a in range(0, n, chunk):
            b = min(n, a + chunk)
            ids = pc.binary_join_element_wise(
                "TX", pc.utf8_lpad(pc.cast(pa.array(numbers[a:b]), pa.string()), 9, "0"), ""
            )
            s = pa.array(src[a:b])
            t = pa.array(dst[a:b])
            yield pa.table(
                {
                    "tx_id": ids,
                    "timestamp": pa.array(ts_ms[a:b], pa.timestamp("ms", tz="UTC")),
                    "from_account": pc.take(ibans, s),
                    "from_bank": pc.take(bics, s),
                    "to_account": pc.take(ibans, t),
                    "to_bank": pc.take(bics, t),
                    "amount": pa.array(amount[a:b], pa.float64()),
                    "currency": pa.array(np.full(b - a, "EUR")),
                    "channel": pa.array(_CHANNELS[chan[a:b]]),
                    "reference": _reference_text(ref_code[a:b], ref_number[a:b]),
                },
                schema=schema,
            )

    n_rows = write_parquet(ctx.data_dir / "bank_transfers.parquet", schema, batches())

    # -- truth
    planted = np.flatnonzero(pattern_of >= 0)
    meta = {leg[0]: (leg[6], leg[7]) for leg in legs}
    prefix = {
        "fan_out": "FO",
        "fan_in": "FI",
        "cycle": "CY",
        "scatter_gather": "SG",
        "gather_scatter": "GS",
        "bipartite": "BP",
        "stack": "ST",
        "random": "RW",
        "structuring": "SM",
    }
    truth_rows = []
    for i in planted:
        no = int(pattern_of[i])
        typ, g = meta[no]
        truth_rows.append(
            (
                f"BANK-{prefix[typ]}-{no + 1:05d}",
                typ,
                "bank",
                ctx.groups[g].gid,
                int(step_of[i]),
                f"TX{i + 1:09d}",
                _iso_ms(int(ts_ms[i])),
                acc.iban[int(src[i])],
                acc.iban[int(dst[i])],
                fmt_float(float(amount[i]), 2),
            )
        )
    truth_rows.sort(key=lambda r: (r[0], r[4]))
    ctx.extra["laundering_rows"] = truth_rows
    people: list[Person] = ctx.people
    acc_rows = []
    for g, pool in pools.items():
        for a, kind, controller in pool:
            acc_rows.append((acc.iban[a], "bank", ctx.groups[g].gid, people[controller].pid, kind))
    ctx.extra["laundering_accounts"] = sorted(set(acc_rows))
    ctx.extra["bank_accounts"] = acc
    # accounts of people (for the malware part: credentials stolen from infected computers)
    ctx.extra["person_accounts"] = {
        int(o): acc.iban[int(i)] for i, o in reversed(list(enumerate(acc.owner))) if o >= 0
    }
    n_cust = _write_customers(ctx, rng, acc, pools)
    ctx.extra["bank_truth_accounts"] = [
        (
            acc.iban[i],
            KIND_NAMES[int(acc.kind[i])],
            people[int(acc.owner[i])].pid if acc.owner[i] >= 0 else "",
        )
        for i in range(len(acc))
    ]
    return {"bank_transfers.parquet": n_rows, "bank_customers.parquet": n_cust}


def _component_channel(rng: np.random.Generator, comp: np.ndarray) -> np.ndarray:
    chan = comp.astype(np.int64).copy()
    # person-to-person: mostly instant, some ordinary credit transfers
    p2p = comp == _P2P
    chan[p2p] = np.where(rng.random(p2p.sum()) < 0.6, 4, 0)
    chan[comp == _B2B] = 0
    chan[comp == _LAUNDER] = 7
    return chan


def _iso_ms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_customers(
    ctx: Context, rng: np.random.Generator, acc: Accounts, pools: dict[int, list]
) -> int:
    """KYC records of the accounts of the people in the world and of the groups' companies."""
    people: list[Person] = ctx.people
    identities = ctx.extra.setdefault("identities", [])
    shells = {a for pool in pools.values() for a, kind, _ in pool if kind == "shell"}
    others = acc.of(EMPLOYER, MERCHANT, AGENCY)
    sampled = set(others[rng.random(len(others)) < 0.1].tolist())
    chosen = [i for i in range(len(acc)) if acc.owner[i] >= 0 or i in shells or i in sampled]
    order = rng.permutation(len(chosen))
    cols: dict[str, list] = {
        k: []
        for k in (
            "customer_id",
            "account",
            "bank_bic",
            "customer_type",
            "name",
            "company_name",
            "date_of_birth",
            "nationality",
            "address",
            "city",
            "country",
            "phone",
            "email",
            "opened",
        )
    }
    opened0 = dt.date(2008, 1, 1)
    for cid, k in enumerate(order, start=1):
        i = chosen[int(k)]
        customer_id = f"CUST{cid:07d}"
        cols["customer_id"].append(customer_id)
        cols["account"].append(acc.iban[i])
        cols["bank_bic"].append(BANKS[int(acc.bank[i])].bic)
        cols["opened"].append(opened0 + dt.timedelta(days=int(rng.integers(0, 5800))))
        if acc.owner[i] >= 0:
            p = people[int(acc.owner[i])]
            ident = render_identity(rng, p, 0.15, native=0.15)
            cols["customer_type"].append("individual")
            cols["name"].append(f"{ident.given} {ident.family}")
            cols["company_name"].append(None)
            cols["date_of_birth"].append(ident.dob)
            nat = p.nationality if rng.random() < 0.7 else _ALPHA3.get(p.nationality, p.nationality)
            cols["nationality"].append(nat)
            cols["address"].append(f"{p.street}, {p.postcode}")
            cols["city"].append(p.city)
            cols["country"].append(p.country)
            phone = p.phones[0] if p.phones and rng.random() < 0.9 else None
            cols["phone"].append(
                format_phone(phone, "international" if rng.random() < 0.5 else "e164")
                if phone
                else None
            )
            cols["email"].append(p.email if rng.random() < 0.85 else None)
            identities.append(
                ("data/bank_customers.parquet", customer_id, p.pid, ";".join(ident.noise))
            )
        else:
            cols["customer_type"].append("company")
            cols["name"].append(None)
            cols["company_name"].append(acc.name[i])
            cols["date_of_birth"].append(None)
            cols["nationality"].append(None)
            cols["address"].append(None)
            cols["city"].append(None)
            cols["country"].append(str(acc.country[i]))
            cols["phone"].append(None)
            cols["email"].append(None)
    schema = pa.schema(
        [
            ("customer_id", pa.string()),
            ("account", pa.string()),
            ("bank_bic", pa.string()),
            ("customer_type", pa.string()),
            ("name", pa.string()),
            ("company_name", pa.string()),
            ("date_of_birth", pa.date32()),
            ("nationality", pa.string()),
            ("address", pa.string()),
            ("city", pa.string()),
            ("country", pa.string()),
            ("phone", pa.string()),
            ("email", pa.string()),
            ("opened", pa.date32()),
        ],
        metadata={b"generator": b"cybertnoc.synth", b"content": b"synthetic KYC records"},
    )
    table = pa.table({k: pa.array(v, schema.field(k).type) for k, v in cols.items()}, schema=schema)
    return write_parquet(ctx.data_dir / "bank_customers.parquet", schema, [table])


# fmt: off
_ALPHA3 = {"GB": "GBR", "NL": "NLD", "DE": "DEU", "AL": "ALB", "RU": "RUS", "UA": "UKR",
           "MA": "MAR", "TR": "TUR", "PL": "POL", "RO": "ROU", "VN": "VNM", "NG": "NGA",
           "CO": "COL", "ES": "ESP", "IT": "ITA", "BE": "BEL", "IE": "IRL", "FR": "FRA"}
# fmt: on
