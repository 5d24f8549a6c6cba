"""Coders' passwords as salted slow hashes, the parameters written with each hash.

A stored password is ``scrypt$n=32768,r=8,p=1$SALT$HASH`` (salt and hash in base64): scrypt
(RFC 7914, ``hashlib.scrypt``) makes each guess cost about 32 MiB and a tenth of a second, so a
copied database gives up its passwords only slowly. The parameters travel with the hash, so
stronger ones can be chosen later and every stored password still checks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["PasswordFormatError", "hash_password", "password_matches"]

SCRYPT_N = 2**15
"""CPU/memory cost: 128 × N × r bytes (32 MiB) per hash."""
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_MEMORY = 256 * 1024 * 1024
"""The most a stored hash's parameters may make one check use (a tampered file cannot make
a login take the machine's memory)."""


class PasswordFormatError(ValueError):
    """A stored hash nkreader cannot read (another scheme, or damaged)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, size: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=size, maxmem=MAX_MEMORY
    )


def hash_password(password: str) -> str:
    """The password as stored: a fresh random salt, scrypt, and the parameters used."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return f"scrypt$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(key)}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (compared in constant time)."""
    try:
        scheme, parameters, salt_text, key_text = stored.split("$")
        values = dict(part.split("=", 1) for part in parameters.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        salt, key = base64.b64decode(salt_text), base64.b64decode(key_text)
    except (ValueError, KeyError) as error:
        raise PasswordFormatError("stored password is not an nkreader scrypt hash") from error
    if scheme != "scrypt" or not key or 128 * n * r > MAX_MEMORY:
        raise PasswordFormatError("stored password is not an nkreader scrypt hash")
    try:
        candidate = _scrypt(password, salt, n, r, p, len(key))
    except ValueError as error:
        raise PasswordFormatError(f"stored password's parameters are refused: {error}") from error
    return hmac.compare_digest(candidate, key)
