"""Crypto-currency transfers between valid addresses, with planted laundering.

Every address is encoded with a correct checksum by
:mod:`cybertnoc.model.types.crypto` (Bitcoin P2PKH ``1…``, P2SH ``3…``, bech32 ``bc1q…`` and
bech32m ``bc1p…``; Ethereum EIP-55 ``0x…``) from random payloads, so no address is a real one
except by a 2^-160 chance.

The economy: exchanges (hot wallets and one deposit address per customer, swept to the hot
wallets), retail users, darknet market escrow wallets paying out to vendors' payout addresses
(the vendors of :mod:`cybertnoc.synth.darknet`), a mixing service, and the groups' own
addresses, on which the typologies of :mod:`cybertnoc.synth.laundering` are planted. Each row
is one transfer from one address to another (a simplification of Bitcoin's many-input,
many-output transactions: ``txid`` is unique per row).
"""

from __future__ import annotations

import binascii
import datetime as dt

import numpy as np

from cybertnoc.model.types.crypto import (
    btc_bech32_address,
    btc_p2pkh_address,
    btc_p2sh_address,
    eth_address,
)
from cybertnoc.synth._context import BANK_START, Context
from cybertnoc.synth.laundering import BUILDERS, GRAPH_TYPOLOGIES
from cybertnoc.synth.writers import write_csv

__all__ = ["write_crypto"]

BTC, ETH = 0, 1
# wallet kinds
USER, EXCHANGE_HOT, DEPOSIT, ESCROW, VENDOR, MIXER, GROUP = range(7)
# fmt: off
KIND_NAMES = ("user", "exchange_hot", "exchange_deposit", "market_escrow", "vendor_payout",
              "mixer", "group")
# fmt: on
_BTC_BLOCK0 = 823_786  # first block of 2024
_ETH_BLOCK0 = 18_908_895


def _btc(rng: np.random.Generator) -> str:
    u = rng.random()
    payload = rng.bytes(20)
    if u < 0.35:
        return btc_p2pkh_address(payload)
    if u < 0.55:
        return btc_p2sh_address(payload)
    if u < 0.95:
        return btc_bech32_address(payload)
    return btc_bech32_address(rng.bytes(32), witver=1)


class _Wallets:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.address: list[str] = []
        self.chain: list[int] = []
        self.kind: list[int] = []
        self.owner: list[str] = []  # exchange name, market, vendor id, group id, user no

    def add(self, chain: int, kind: int, owner: str) -> int:
        addr = _btc(self.rng) if chain == BTC else eth_address(self.rng.bytes(20))
        self.address.append(addr)
        self.chain.append(chain)
        self.kind.append(kind)
        self.owner.append(owner)
        return len(self.address) - 1


def write_crypto(ctx: Context) -> int:
    rng = ctx.rng("crypto")
    scale = ctx.scale
    w = _Wallets(rng)
    n_ex = 5 + scale.crypto_wallets // 5000
    hot = {BTC: [], ETH: []}
    for e in range(n_ex):
        for chain in (BTC, ETH):
            for _ in range(2):
                hot[chain].append(w.add(chain, EXCHANGE_HOT, f"exchange-{e + 1}"))
    n_users = int(scale.crypto_wallets * 0.6)
    users = {BTC: [], ETH: []}
    deposit_of: dict[int, int] = {}
    for u in range(n_users):
        chain = BTC if rng.random() < 0.65 else ETH
        a = w.add(chain, USER, f"user-{u + 1}")
        users[chain].append(a)
        if rng.random() < 0.6:
            ex = int(rng.integers(n_ex))
            deposit_of[a] = w.add(chain, DEPOSIT, f"exchange-{ex + 1}")
    escrow = [w.add(BTC, ESCROW, f"market-{m + 1}") for m in range(4) for _ in range(3)]
    vendor_addr = []
    for v in ctx.extra.get("vendors", []):
        a = w.add(BTC, VENDOR, v["vid"])
        v["wallet"] = w.address[a]
        vendor_addr.append(a)
        if rng.random() < 0.7:
            ex = int(rng.integers(n_ex))
            deposit_of[a] = w.add(BTC, DEPOSIT, f"exchange-{ex + 1}")
    mixer = [w.add(BTC, MIXER, "mixer-1") for _ in range(20 + scale.crypto_wallets // 200)]
    pools: dict[int, list[tuple[int, str]]] = {}
    for g, group in enumerate(ctx.groups):
        controllers = [
            m for m in group.members if ctx.people[m].role in ("money_mule", "affiliate", "broker")
        ] or group.members
        pool = []
        for _ in range(int(rng.integers(12, 21))):
            ctrl = ctx.people[controllers[int(rng.integers(len(controllers)))]].pid
            pool.append((w.add(BTC, GROUP, group.gid), ctrl))
        pools[g] = pool
    chain_a = np.array(w.chain)
    n = scale.crypto_transfers
    days = scale.bank_days
    parts: list[tuple[np.ndarray, np.ndarray]] = []

    def pick(arr: list[int], k: int, zipf: float = 0.0) -> np.ndarray:
        a = np.array(arr, dtype=np.int64)
        if zipf:
            p = 1.0 / np.arange(1, len(a) + 1) ** zipf
            return a[rng.choice(len(a), size=k, p=p / p.sum())]
        return a[rng.integers(0, len(a), k)]

    for chain in (BTC, ETH):
        share = 0.65 if chain == BTC else 0.35
        m = int(n * share)
        u = users[chain]
        with_dep = [a for a in u if a in deposit_of]
        k_w, k_d, k_p2p = int(m * 0.3), int(m * 0.3), int(m * 0.12)
        parts.append((pick(hot[chain], k_w), pick(u, k_w, 0.6)))  # withdrawals
        src = pick(with_dep, k_d, 0.6)
        parts.append((src, np.array([deposit_of[int(a)] for a in src], dtype=np.int64)))
        deps = [deposit_of[a] for a in with_dep]
        k_sw = int(m * 0.1)
        parts.append((pick(deps, k_sw), pick(hot[chain], k_sw)))  # sweeps
        parts.append((pick(u, k_p2p, 0.5), pick(u, k_p2p, 0.5)))
        if chain == BTC:
            k_buy = int(m * 0.15)
            parts.append((pick(u, k_buy, 0.7), pick(escrow, k_buy)))
            if vendor_addr:
                k_pay = int(m * 0.08)
                parts.append((pick(escrow, k_pay), pick(vendor_addr, k_pay, 0.8)))
                cash = [a for a in vendor_addr if a in deposit_of]
                if cash:
                    k_out = int(m * 0.03)
                    src = pick(cash, k_out)
                    parts.append((src, np.array([deposit_of[int(a)] for a in src], dtype=np.int64)))
            k_mix = int(m * 0.02)
            parts.append((pick(u, k_mix), pick(mixer, k_mix)))
            parts.append((pick(mixer, k_mix), pick(u, k_mix)))
    src = np.concatenate([p[0] for p in parts])
    dst = np.concatenate([p[1] for p in parts])
    keep = src != dst
    src, dst = src[keep], dst[keep]
    sec = rng.integers(0, days * 86400, len(src))
    chain = chain_a[src]
    usdt = (chain == ETH) & (rng.random(len(src)) < 0.4)
    amount = np.where(
        chain == BTC,
        rng.lognormal(np.log(0.004), 1.1, len(src)),
        np.where(
            usdt,
            rng.lognormal(np.log(150), 1.2, len(src)),
            rng.lognormal(np.log(0.15), 1.0, len(src)),
        ),
    )
    asset = np.where(chain == BTC, "BTC", np.where(usdt, "USDT", "ETH"))
    pattern = np.full(len(src), -1, dtype=np.int64)
    step = np.zeros(len(src), dtype=np.int64)
    # planted laundering
    legs = []
    meta = {}
    plan = [t for t in GRAPH_TYPOLOGIES for _ in range(scale.crypto_patterns_per_typology)]
    for no, typ in enumerate(plan):
        g = int(rng.integers(len(pools)))
        pool = np.array(sorted(a for a, _ in pools[g]))
        start = rng.uniform(1, max(2, days - 8)) * 86400
        built = BUILDERS[typ](rng, pool, 0.25)
        meta[no] = (typ, g)
        for s_no, (s, d, t, a) in enumerate(built, start=1):
            legs.append((no, s_no, s, d, int(start + t), a))
    if legs:
        la = list(zip(*legs, strict=True))
        src = np.concatenate([src, np.array(la[2], dtype=np.int64)])
        dst = np.concatenate([dst, np.array(la[3], dtype=np.int64)])
        sec = np.concatenate([sec, np.array(la[4], dtype=np.int64)])
        amount = np.concatenate([amount, np.array(la[5], dtype=float)])
        asset = np.concatenate([asset, np.full(len(legs), "BTC")])
        pattern = np.concatenate([pattern, np.array(la[0], dtype=np.int64)])
        step = np.concatenate([step, np.array(la[1], dtype=np.int64)])
    chain = chain_a[src]
    order = np.lexsort((dst, src, sec))
    src, dst, sec, amount, asset, pattern, step, chain = (
        x[order] for x in (src, dst, sec, amount, asset, pattern, step, chain)
    )
    m = len(src)
    hexed = np.frombuffer(binascii.hexlify(rng.bytes(32 * m)), dtype="S64").astype(str)
    txids = np.where(chain == BTC, hexed, np.char.add("0x", hexed)).tolist()
    base = int(
        dt.datetime(BANK_START.year, BANK_START.month, BANK_START.day, tzinfo=dt.UTC).timestamp()
    )
    stamps = np.datetime_as_string((base + sec).astype("datetime64[s]"), unit="s")
    stamps = np.char.add(stamps.astype(str), "Z")
    block = np.where(chain == BTC, _BTC_BLOCK0 + sec // 600, _ETH_BLOCK0 + sec // 12)
    amounts = np.where(
        asset == "USDT", np.char.mod("%.2f", np.round(amount, 2)), np.char.mod("%.8f", amount)
    )
    fee = np.where(
        chain == BTC,
        np.char.mod("%.8f", rng.lognormal(np.log(0.00002), 0.6, m)),
        np.char.mod("%.8f", rng.lognormal(np.log(0.0008), 0.5, m)),
    )
    addr = np.array(w.address, dtype=object)
    rows = zip(
        txids,
        stamps.tolist(),
        block.astype(str).tolist(),
        addr[src].tolist(),
        addr[dst].tolist(),
        amounts.tolist(),
        asset.tolist(),
        fee.tolist(),
        strict=True,
    )
    n_rows = write_csv(
        ctx.data_dir / "crypto_transactions.csv",
        [
            "txid",
            "timestamp",
            "block_height",
            "from_address",
            "to_address",
            "amount",
            "asset",
            "fee",
        ],
        rows,
    )
    prefix = {
        "fan_out": "FO",
        "fan_in": "FI",
        "cycle": "CY",
        "scatter_gather": "SG",
        "gather_scatter": "GS",
        "bipartite": "BP",
        "stack": "ST",
        "random": "RW",
    }
    truth = ctx.extra.setdefault("laundering_rows", [])
    for i in np.flatnonzero(pattern >= 0):
        typ, g = meta[int(pattern[i])]
        truth.append(
            (
                f"CRYPTO-{prefix[typ]}-{int(pattern[i]) + 1:05d}",
                typ,
                "crypto",
                ctx.groups[g].gid,
                int(step[i]),
                txids[i],
                str(stamps[i]),
                w.address[int(src[i])],
                w.address[int(dst[i])],
                str(amounts[i]),
            )
        )
    truth.sort(key=lambda r: (r[0], r[4]))
    accounts = ctx.extra.setdefault("laundering_accounts", [])
    for g, pool in pools.items():
        for a, ctrl in pool:
            accounts.append((w.address[a], "crypto", ctx.groups[g].gid, ctrl, "group_wallet"))
    accounts.sort()
    ctx.extra["crypto_wallets"] = [
        (w.address[i], ("BTC", "ETH")[w.chain[i]], KIND_NAMES[w.kind[i]], w.owner[i])
        for i in range(len(w.address))
    ]
    return n_rows
