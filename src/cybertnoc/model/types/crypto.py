"""Crypto-currency addresses: checksum validation, classification and encoding.

Supported chains and their canonical forms:

============  =====================================================  ========================
chain         accepted forms                                         canonical form
============  =====================================================  ========================
btc           base58check P2PKH (``1…``, version 0x00), P2SH         base58 as given;
              (``3…``, 0x05); bech32 ``bc1q…`` (BIP-173, witness     bech32 lower case
              v0) and bech32m ``bc1p…`` (BIP-350, witness v1+)
btc-testnet   base58check 0x6f (``m…``/``n…``), 0xc4 (``2…``);       as for btc
              bech32/bech32m ``tb1…``
ltc           base58check 0x30 (``L…``), 0x32 (``M…``), and 0x05     as for btc
              (``3…``) only when ``chain="ltc"`` is given; ``ltc1…``
eth           ``0x`` + 40 hex digits; mixed case must satisfy        EIP-55 checksummed
              EIP-55                                                 form
trx           base58check 0x41 (``T…``), 20-byte payload             base58 as given
============  =====================================================  ========================

A ``3…`` address is read as Bitcoin P2SH unless ``chain="ltc"`` is given: Litecoin used the same
version byte for P2SH before it moved to ``M…``, so the two cannot be told apart.

The module also provides the encoders used by the synthetic-data generator
(:func:`btc_p2pkh_address`, :func:`btc_p2sh_address`, :func:`btc_bech32_address`,
:func:`eth_address`) and a pure-Python Keccak-256 (:func:`keccak_256`), which Ethereum uses and
which differs from NIST SHA3-256 (:func:`hashlib.sha3_256`) only in its padding.

References
----------
.. [1] P. Wuille, G. Maxwell, "BIP-173: Base32 address format for native v0-16 witness outputs",
   https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki
.. [2] P. Wuille, "BIP-350: Bech32m format for v1+ witness addresses",
   https://github.com/bitcoin/bips/blob/master/bip-0350.mediawiki
.. [3] V. Buterin, A. Van de Sande, "EIP-55: Mixed-case checksum address encoding",
   https://eips.ethereum.org/EIPS/eip-55
.. [4] G. Bertoni, J. Daemen, M. Peeters, G. Van Assche, "The Keccak reference", version 3.0, 2011.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass

from cybertnoc.errors import InvalidValue, SchemaError

__all__ = [
    "CHAINS",
    "CryptoAddress",
    "base58_decode",
    "base58_encode",
    "base58check_decode",
    "base58check_encode",
    "bech32_decode",
    "bech32_encode",
    "btc_bech32_address",
    "btc_p2pkh_address",
    "btc_p2sh_address",
    "classify_crypto_address",
    "clean_crypto_address",
    "eth_address",
    "eth_checksum_address",
    "keccak_256",
    "segwit_decode",
    "segwit_encode",
]

log = logging.getLogger(__name__)

#: Chains this module validates, with a short description.
CHAINS: dict[str, str] = {
    "btc": "Bitcoin mainnet",
    "btc-testnet": "Bitcoin testnet",
    "eth": "Ethereum (and EVM chains using the same address format)",
    "ltc": "Litecoin",
    "trx": "Tron",
}

_CHAIN_ALIASES = {
    "bitcoin": "btc",
    "xbt": "btc",
    "tbtc": "btc-testnet",
    "testnet": "btc-testnet",
    "ethereum": "eth",
    "litecoin": "ltc",
    "tron": "trx",
}

_EXPECTED = (
    "a valid crypto-currency address (Bitcoin 1…/3…/bc1…, Ethereum 0x…, Litecoin L…/M…/ltc1…, "
    "Tron T…) with a correct checksum"
)


@dataclass(frozen=True)
class CryptoAddress:
    """A validated crypto-currency address.

    Attributes
    ----------
    chain : str
        One of :data:`CHAINS`.
    kind : str
        ``p2pkh``, ``p2sh``, ``p2wpkh``, ``p2wsh``, ``p2tr``, ``witness`` (another witness
        version or length) or ``account`` (Ethereum, Tron).
    address : str
        The canonical form.
    """

    chain: str
    kind: str
    address: str


# -- base58 / base58check ----------------------------------------------------------------------
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def base58_encode(data: bytes) -> str:
    """Encode bytes in Bitcoin's base58 alphabet (leading zero bytes become ``1``).

    Examples
    --------
    >>> base58_encode(b"\\x00\\x00\\x01")
    '112'
    """
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58_ALPHABET[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def base58_decode(s: str) -> bytes:
    """Decode a base58 string; raise :class:`InvalidValue` for characters outside the alphabet.

    Examples
    --------
    >>> base58_decode("112")
    b'\\x00\\x00\\x01'
    """
    n = 0
    for c in s:
        try:
            n = n * 58 + _B58_INDEX[c]
        except KeyError:
            raise InvalidValue(
                s,
                "a base58 string",
                f"{c!r} is not in the base58 alphabet (no 0, O, I or l); check for typos",
            ) from None
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\0" * pad + body


def _checksum(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()[:4]


def base58check_encode(version: bytes, payload: bytes) -> str:
    """Encode ``version + payload`` with a 4-byte double-SHA-256 checksum in base58.

    Parameters
    ----------
    version : bytes
        The version prefix (one byte for Bitcoin, Litecoin, Tron).
    payload : bytes
        The data, e.g. a 20-byte HASH160.

    Examples
    --------
    >>> base58check_encode(b"\\x00", bytes.fromhex("62e907b15cbf27d5425399ebf6f0fb50ebb88f18"))
    '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'
    """
    data = bytes(version) + bytes(payload)
    return base58_encode(data + _checksum(data))


def base58check_decode(s: str, version_length: int = 1) -> tuple[bytes, bytes]:
    """Decode a base58check string into ``(version, payload)``, verifying the checksum.

    Parameters
    ----------
    s : str
        The encoded string.
    version_length : int, default 1
        Number of version bytes at the start.

    Returns
    -------
    (bytes, bytes)
        The version bytes and the payload (checksum removed).

    Raises
    ------
    InvalidValue
        When a character is not base58, the string is too short or the checksum does not match.

    Examples
    --------
    >>> version, payload = base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    >>> version, payload.hex()
    (b'\\x00', '62e907b15cbf27d5425399ebf6f0fb50ebb88f18')
    """
    raw = base58_decode(s)
    if len(raw) < version_length + 4:
        raise InvalidValue(
            s,
            "a base58check string",
            "It is too short to hold a checksum; the address was probably truncated",
        )
    data, check = raw[:-4], raw[-4:]
    if _checksum(data) != check:
        raise InvalidValue(
            s,
            "a base58check string with a correct checksum",
            "The checksum does not match: a character was probably mistyped or the address "
            "was truncated",
        )
    return data[:version_length], data[version_length:]


# -- bech32 / bech32m (BIP-173, BIP-350) ---------------------------------------------------------
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32_CHARSET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= _BECH32_GEN[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_encode(hrp: str, data: list[int], spec: str = "bech32") -> str:
    """Encode 5-bit ``data`` under human-readable part ``hrp`` (``spec``: bech32 or bech32m).

    Examples
    --------
    >>> bech32_encode("a", [])
    'a12uel5l'
    >>> bech32_encode("a", [], spec="bech32m")
    'a1lqfn3a'
    """
    const = _BECH32M_CONST if spec == "bech32m" else _BECH32_CONST
    values = _hrp_expand(hrp) + list(data)
    poly = _polymod([*values, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32_CHARSET[d] for d in [*data, *checksum])


def bech32_decode(s: str) -> tuple[str, list[int], str]:
    """Decode a bech32 or bech32m string into ``(hrp, data, spec)``.

    Raises
    ------
    InvalidValue
        For mixed case, characters outside the charset, bad length or a wrong checksum.

    Examples
    --------
    >>> bech32_decode("A12UEL5L")
    ('a', [], 'bech32')
    """
    if any(ord(c) < 33 or ord(c) > 126 for c in s):
        raise InvalidValue(s, "a bech32 string", "Remove spaces and non-ASCII characters")
    if s.lower() != s and s.upper() != s:
        raise InvalidValue(
            s,
            "a bech32 string in one case",
            "Bech32 addresses are all lower case or all upper case, never mixed",
        )
    s = s.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s) or len(s) > 90:
        raise InvalidValue(
            s,
            "a bech32 string",
            "The separator '1' or the length is wrong; the address was probably truncated",
        )
    hrp = s[:pos]
    try:
        data = [_BECH32_INDEX[c] for c in s[pos + 1 :]]
    except KeyError:
        raise InvalidValue(
            s,
            "a bech32 string",
            "It has characters outside the bech32 set (no 1, b, i, o after the separator)",
        ) from None
    const = _polymod(_hrp_expand(hrp) + data)
    if const == _BECH32_CONST:
        spec = "bech32"
    elif const == _BECH32M_CONST:
        spec = "bech32m"
    else:
        raise InvalidValue(
            s,
            "a bech32 string with a correct checksum",
            "The checksum does not match: a character was probably mistyped",
        )
    return hrp, data[:-6], spec


def _convertbits(data: bytes | list[int], frombits: int, tobits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            raise ValueError("value out of range")
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        raise ValueError("invalid padding")
    return out


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes]:
    """Decode a segwit address for ``hrp`` into ``(witness version, witness program)``.

    Applies every rule of BIP-173 and BIP-350: version 0 uses bech32 and a 20- or 32-byte
    program; versions 1 to 16 use bech32m and a 2- to 40-byte program.

    Examples
    --------
    >>> ver, prog = segwit_decode("bc", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
    >>> ver, prog.hex()
    (0, '751e76e8199196d454941c45d1b3a323f1433bd6')
    """
    got_hrp, data, spec = bech32_decode(address)
    if got_hrp != hrp:
        raise InvalidValue(
            address, f"a segwit address starting with {hrp}1", "The network prefix is wrong"
        )
    if not data or data[0] > 16:
        raise InvalidValue(address, "a segwit address", "The witness version must be 0 to 16")
    try:
        program = bytes(_convertbits(data[1:], 5, 8, False))
    except ValueError:
        raise InvalidValue(
            address, "a segwit address", "The witness program has invalid padding"
        ) from None
    witver = data[0]
    if not 2 <= len(program) <= 40:
        raise InvalidValue(
            address, "a segwit address", f"The witness program is {len(program)} bytes, not 2 to 40"
        )
    if witver == 0 and len(program) not in (20, 32):
        raise InvalidValue(
            address, "a segwit v0 address", "A v0 witness program is 20 or 32 bytes long"
        )
    if (witver == 0) != (spec == "bech32"):
        raise InvalidValue(
            address,
            "a segwit address with the right checksum variant",
            "Witness v0 uses bech32 (BIP-173), v1 and later bech32m (BIP-350)",
        )
    return witver, program


def segwit_encode(hrp: str, witver: int, program: bytes) -> str:
    """Encode a witness program as a segwit address (bech32 for v0, bech32m for v1+).

    Examples
    --------
    >>> segwit_encode("bc", 0, bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
    """
    spec = "bech32" if witver == 0 else "bech32m"
    address = bech32_encode(hrp, [witver, *_convertbits(program, 8, 5, True)], spec)
    segwit_decode(hrp, address)  # enforce the program-length rules
    return address


# -- Keccak-256 -----------------------------------------------------------------------------------
_MASK64 = (1 << 64) - 1


def _keccak_constants() -> tuple[list[int], list[int]]:
    """Round constants and rho rotation offsets, generated as in the Keccak reference [4]_."""
    rc: list[int] = []
    r = 1
    for _ in range(24):
        c = 0
        for j in range(7):
            r = ((r << 1) ^ ((r >> 7) * 0x71)) % 256
            if r & 2:
                c |= 1 << ((1 << j) - 1)
        rc.append(c)
    rot = [0] * 25
    x, y = 1, 0
    for t in range(24):
        rot[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return rc, rot


_RC, _ROT = _keccak_constants()
# rho and pi together: for each destination lane, its source lane and rotation.
# pi moves lane (x, y) to (y, 2x + 3y).
_RHO_PI: tuple[tuple[int, int], ...] = tuple(
    sorted(
        ((y + 5 * ((2 * x + 3 * y) % 5), x + 5 * y) for x in range(5) for y in range(5)),
    )
)
_RHO_PI = tuple((src, _ROT[src]) for _, src in _RHO_PI)


def _keccak_f1600(a: list[int]) -> list[int]:
    """The Keccak-f[1600] permutation on 25 little-endian 64-bit lanes (index x + 5y)."""
    m = _MASK64
    for rc in _RC:
        c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
        c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
        c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
        c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
        c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
        d = (
            c4 ^ (((c1 << 1) | (c1 >> 63)) & m),
            c0 ^ (((c2 << 1) | (c2 >> 63)) & m),
            c1 ^ (((c3 << 1) | (c3 >> 63)) & m),
            c2 ^ (((c4 << 1) | (c4 >> 63)) & m),
            c3 ^ (((c0 << 1) | (c0 >> 63)) & m),
        )
        b = []
        for src, n in _RHO_PI:
            v = a[src] ^ d[src % 5]
            b.append(((v << n) | (v >> (64 - n))) & m if n else v)
        a = []
        for y in (0, 5, 10, 15, 20):
            b0, b1, b2, b3, b4 = b[y : y + 5]
            a += (
                b0 ^ (~b1 & b2),
                b1 ^ (~b2 & b3),
                b2 ^ (~b3 & b4),
                b3 ^ (~b4 & b0),
                b4 ^ (~b0 & b1),
            )
        a[0] ^= rc
    return a


def _sponge(data: bytes, rate: int, pad: int, out_len: int) -> bytes:
    msg = bytearray(data)
    msg.append(pad)
    msg.extend(b"\0" * (-len(msg) % rate))
    msg[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(msg), rate):
        block = msg[off : off + rate]
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        state = _keccak_f1600(state)
    return b"".join(lane.to_bytes(8, "little") for lane in state)[:out_len]


def keccak_256(data: bytes) -> bytes:
    """Keccak-256 as used by Ethereum (original Keccak padding, not NIST SHA3-256).

    Pure Python; about 0.1 ms for a short input.

    Examples
    --------
    >>> keccak_256(b"").hex()
    'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
    """
    return _sponge(bytes(data), 136, 0x01, 32)


def _sha3_256(data: bytes) -> bytes:
    """NIST SHA3-256 from the same permutation (used in the tests to check it)."""
    return _sponge(bytes(data), 136, 0x06, 32)


# -- Ethereum ------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=65536)
def _eip55(hex40: str) -> str:
    lower = hex40.lower()
    digest = keccak_256(lower.encode("ascii")).hex()[:40]
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(h, 16) >= 8 else c
        for c, h in zip(lower, digest, strict=True)
    )


def eth_address(raw20: bytes) -> str:
    """The EIP-55 checksummed address of 20 raw bytes.

    Examples
    --------
    >>> eth_address(bytes.fromhex("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"))
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    """
    raw20 = bytes(raw20)
    if len(raw20) != 20:
        raise InvalidValue(
            raw20.hex(), "20 bytes for an Ethereum address", f"Got {len(raw20)} bytes"
        )
    return _eip55(raw20.hex())


_HEX = frozenset("0123456789abcdefABCDEF")


def eth_checksum_address(value: str) -> str:
    """Validate an Ethereum address and return its EIP-55 form.

    All-lower-case and all-upper-case hex carry no checksum and are accepted; mixed case must
    match EIP-55 exactly.

    Examples
    --------
    >>> eth_checksum_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    """
    s = value.strip()
    hex40 = s[2:] if s[:2] in ("0x", "0X") else s
    if len(hex40) != 40 or not _HEX.issuperset(hex40):
        raise InvalidValue(
            value,
            "an Ethereum address: 0x followed by 40 hex digits",
            f"It has {len(hex40)} hex digits after 0x; the address was probably truncated"
            if _HEX.issuperset(hex40)
            else "It contains characters that are not hex digits",
        )
    canonical = _eip55(hex40)
    if hex40 != hex40.lower() and hex40 != hex40.upper() and canonical[2:] != hex40:
        raise InvalidValue(
            value,
            "an Ethereum address whose mixed case matches its EIP-55 checksum",
            f"The checksummed form would be {canonical}; a character was probably mistyped",
        )
    return canonical


# -- encoders for Bitcoin ------------------------------------------------------------------------
def _hash160_arg(hash160: bytes, what: str) -> bytes:
    hash160 = bytes(hash160)
    if len(hash160) != 20:
        raise InvalidValue(
            hash160.hex(), f"a 20-byte HASH160 for a {what} address", f"Got {len(hash160)} bytes"
        )
    return hash160


def btc_p2pkh_address(hash160: bytes) -> str:
    """Bitcoin mainnet P2PKH address (``1…``) of a 20-byte public-key hash.

    Examples
    --------
    >>> btc_p2pkh_address(bytes.fromhex("62e907b15cbf27d5425399ebf6f0fb50ebb88f18"))
    '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'
    """
    return base58check_encode(b"\x00", _hash160_arg(hash160, "P2PKH"))


def btc_p2sh_address(hash160: bytes) -> str:
    """Bitcoin mainnet P2SH address (``3…``) of a 20-byte script hash.

    Examples
    --------
    >>> btc_p2sh_address(bytes(20))
    '31h1vYVSYuKP6AhS86fbRdMw9XHieotbST'
    """
    return base58check_encode(b"\x05", _hash160_arg(hash160, "P2SH"))


def btc_bech32_address(program: bytes, witver: int = 0) -> str:
    """Bitcoin mainnet segwit address (``bc1…``) of a witness program.

    Parameters
    ----------
    program : bytes
        20 bytes (P2WPKH) or 32 bytes (P2WSH) for witness version 0; 32 bytes (P2TR) for v1.
    witver : int, default 0
        Witness version, 0 to 16. Version 0 is encoded in bech32, others in bech32m.

    Examples
    --------
    >>> btc_bech32_address(bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
    """
    if not 0 <= witver <= 16:
        raise InvalidValue(witver, "a witness version from 0 to 16", "Pass witver between 0 and 16")
    return segwit_encode("bc", witver, bytes(program))


# -- classification -------------------------------------------------------------------------------
_BASE58_VERSIONS: dict[tuple[int, int], tuple[str, str]] = {
    # (version byte, payload length) -> (chain, kind)
    (0x00, 20): ("btc", "p2pkh"),
    (0x05, 20): ("btc", "p2sh"),
    (0x6F, 20): ("btc-testnet", "p2pkh"),
    (0xC4, 20): ("btc-testnet", "p2sh"),
    (0x30, 20): ("ltc", "p2pkh"),
    (0x32, 20): ("ltc", "p2sh"),
    (0x41, 20): ("trx", "account"),
}
_SEGWIT_HRPS = {"bc": "btc", "tb": "btc-testnet", "ltc": "ltc"}
_B58_SET = frozenset(_B58_ALPHABET)


def _looks_base58check(s: str) -> bool:
    try:
        base58check_decode(s)
    except InvalidValue:
        return False
    return True


def _segwit_kind(witver: int, program: bytes) -> str:
    if witver == 0:
        return "p2wpkh" if len(program) == 20 else "p2wsh"
    if witver == 1 and len(program) == 32:
        return "p2tr"
    return "witness"


def _normalise_chain(chain: str | None) -> str | None:
    if chain is None:
        return None
    key = chain.strip().lower()
    key = _CHAIN_ALIASES.get(key, key)
    if key not in CHAINS:
        raise SchemaError(
            f"Unknown crypto chain {chain!r}; use one of: {', '.join(CHAINS)} "
            f"(aliases: {', '.join(sorted(_CHAIN_ALIASES))})"
        )
    return key


def _strip_uri(value: str) -> str:
    s = value.strip()
    head, sep, rest = s.partition(":")
    if sep and head.lower() in ("bitcoin", "litecoin", "ethereum", "tron"):
        s = rest.split("?", 1)[0].strip()
    return s


@functools.lru_cache(maxsize=65536)
def _classify(s: str, chain: str | None) -> CryptoAddress:
    if chain == "eth" or s[:2] in ("0x", "0X"):
        if chain not in (None, "eth"):
            raise InvalidValue(
                s,
                f"a {CHAINS[chain]} address",
                "This looks like an Ethereum address; fix `chain:` in the mapping or the value",
            )
        return CryptoAddress("eth", "account", eth_checksum_address(s))
    lower = s.lower()
    hrp = lower[: lower.rfind("1")] if "1" in lower else ""
    if hrp in _SEGWIT_HRPS:
        try:
            witver, program = segwit_decode(hrp, s)
        except InvalidValue:
            if not _looks_base58check(s):
                raise
        else:
            got = _SEGWIT_HRPS[hrp]
            if chain is not None and chain != got:
                raise InvalidValue(
                    s,
                    f"a {CHAINS[chain]} address",
                    f"Its prefix {hrp}1 is {CHAINS[got]}; fix `chain:` in the mapping or the value",
                )
            return CryptoAddress(got, _segwit_kind(witver, program), lower)
    if not s or not set(s) <= _B58_SET:
        raise InvalidValue(
            s,
            _EXPECTED,
            "It is not bech32, 0x-hex or base58; check for spaces, typos or truncation, or set "
            "`chain:` in the mapping",
        )
    version, payload = base58check_decode(s)
    key = (version[0], len(payload))
    if key not in _BASE58_VERSIONS:
        raise InvalidValue(
            s,
            _EXPECTED,
            f"The checksum is right but version byte 0x{version[0]:02x} with a "
            f"{len(payload)}-byte payload is not a supported chain ({', '.join(CHAINS)})",
        )
    got, kind = _BASE58_VERSIONS[key]
    if chain == "ltc" and key == (0x05, 20):
        got = "ltc"  # legacy Litecoin P2SH shares Bitcoin's version byte
    if chain is not None and chain != got:
        raise InvalidValue(
            s,
            f"a {CHAINS[chain]} address",
            f"Its version byte 0x{version[0]:02x} is {CHAINS[got]}; fix `chain:` in the mapping "
            "or the value",
        )
    return CryptoAddress(got, kind, s)


def classify_crypto_address(value: str, chain: str | None = None) -> CryptoAddress:
    """Validate an address and say which chain and kind it is.

    Parameters
    ----------
    value : str
        The address; surrounding whitespace and a ``bitcoin:``/``ethereum:``… URI scheme
        (with any ``?amount=`` query) are removed.
    chain : str, optional
        Expected chain (see :data:`CHAINS`; ``bitcoin``, ``ethereum``… are accepted as aliases).

    Returns
    -------
    CryptoAddress

    Raises
    ------
    InvalidValue
        When the checksum or format is wrong, or the address belongs to another chain.
    SchemaError
        When ``chain`` is not a known chain.

    Examples
    --------
    >>> classify_crypto_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    CryptoAddress(chain='btc', kind='p2pkh', address='1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa')
    >>> classify_crypto_address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").kind
    'p2wpkh'
    """
    norm = _normalise_chain(chain)
    try:
        return _classify(_strip_uri(value), norm)
    except InvalidValue as exc:
        if exc.value == value:
            raise
        raise InvalidValue(value, exc.expected, exc.hint) from None


def clean_crypto_address(value: str | None, chain: str | None = None) -> str | None:
    """Validate a crypto-currency address and return its canonical form.

    Parameters
    ----------
    value : str or None
        The raw address. Empty or whitespace-only input gives ``None``.
    chain : str, optional
        Expected chain (``btc``, ``btc-testnet``, ``eth``, ``ltc``, ``trx``). Without it the
        chain is inferred from the format.

    Returns
    -------
    str or None
        Base58 addresses unchanged, bech32 in lower case, Ethereum in EIP-55 mixed case.

    Raises
    ------
    InvalidValue
        When the address is malformed, its checksum is wrong, or it is not of ``chain``.
    SchemaError
        When ``chain`` is not a known chain.

    Examples
    --------
    >>> clean_crypto_address(" bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa?amount=1 ")
    '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'
    >>> clean_crypto_address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    >>> clean_crypto_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cybertnoc.errors.InvalidValue: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb' is not a base58check ...
    """
    if value is None or not value.strip():
        return None
    return classify_crypto_address(value, chain).address
