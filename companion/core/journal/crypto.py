"""Encryption at rest for journals and reports: AES-256-GCM with a key from scrypt(passphrase, salt).

Nothing here is home-made: the `cryptography` package provides scrypt and AES-GCM. This module
only decides the format and where the passphrase comes from.

A journal's header says it is encrypted and how: {"encryption": {"scheme": "aes-256-gcm+scrypt",
"salt": ..., "n": ..., "r": ..., "p": ..., "check": ...}}. The salt is the journal's own (so two
journals never share a key); `check` is a known text sealed with the key, so a wrong passphrase
is told plainly at once rather than as a damaged journal. Every later line is one sealed event,
{"sealed": "<base64 of a fresh 12-byte nonce and the ciphertext>"}, still one JSON line ended by
a newline, written and fsync'd one at a time: the crash guarantees of plain journals hold (a
torn last line fails to open and is dropped as torn). The session id is bound to every line as
associated data, so a line moved from another journal does not open. In format 2 each sealed
line also carries its sequence number in clear, {"n": 5, "sealed": ...}, and the number and the
header line's sha256 are bound to it too: a line deleted, moved or replayed shows as a gap or a
repeat in the numbers, a number edited or a header edited (to `rehearsal: true`, say) makes
the lines no longer open. The script's text in a format-2 header is sealed the same way.

The passphrase: COMPANION_PASSPHRASE in the environment, or one given with `remember()` (the
command line asks once with getpass, before any screen opens). Library code never prompts.
Derived keys are kept in memory for the life of the process, so scrypt runs once per journal.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass
from typing import Any

SCHEME = "aes-256-gcm+scrypt"
ENVIRONMENT = "COMPANION_PASSPHRASE"
# scrypt cost: 16 MiB of memory and a few tens of milliseconds per journal opened; stored in
# each header, so it can be raised later without breaking older journals.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_CHECK_TEXT = b"session-companion: this passphrase opens this journal"
_NONCE = 12


class PassphraseError(Exception):
    """No passphrase, or one that does not open the journal. The message is a plain sentence."""


class SealedLineError(ValueError):
    """A line that does not open with the key: damaged, torn, or from another journal."""


@dataclass(frozen=True)
class Encryption:
    """What a journal's header records about its encryption (never the key)."""

    salt: str  # base64
    check: str  # base64: _CHECK_TEXT sealed with the key
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P
    scheme: str = SCHEME

    def record(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "salt": self.salt, "n": self.n, "r": self.r, "p": self.p, "check": self.check}

    @classmethod
    def from_record(cls, record: Any) -> Encryption:
        """Raises ValueError naming what is wrong."""
        if not isinstance(record, dict):
            raise ValueError("the encryption entry is not a mapping")
        if record.get("scheme") != SCHEME:
            raise ValueError(f"encryption {record.get('scheme')!r} is not one this version reads (it reads {SCHEME})")
        try:
            found = cls(
                salt=str(record["salt"]),
                check=str(record["check"]),
                n=int(record["n"]),
                r=int(record["r"]),
                p=int(record["p"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"the encryption entry is incomplete ({error})") from None
        if not _reasonable_cost(found.n, found.r, found.p):
            raise ValueError("the encryption entry asks for an unreasonable scrypt cost")
        return found


def _reasonable_cost(n: int, r: int, p: int) -> bool:
    """An scrypt cost this program could have written (a damaged one could ask for terabytes)."""
    return 2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16


# -- the passphrase ---------------------------------------------------------------------------

_remembered: str | None = None
_keys: dict[tuple[str, int, int, int, str], JournalKey] = {}  # (salt, n, r, p, passphrase digest)


def remember(passphrase: str) -> None:
    """Use `passphrase` for this process (the command line asks for it once)."""
    global _remembered
    if not passphrase:
        raise PassphraseError("an empty passphrase cannot protect anything.")
    _remembered = passphrase


def forget() -> None:
    """Drop the passphrase and every derived key (tests; the end of a process)."""
    global _remembered
    _remembered = None
    _keys.clear()


def passphrase() -> str:
    """The passphrase to use, or PassphraseError saying how to give one."""
    if _remembered:
        return _remembered
    from_environment = os.environ.get(ENVIRONMENT)
    if from_environment:
        return from_environment
    raise PassphraseError(
        f"the passphrase is needed: give it in {ENVIRONMENT}, or run the command in a terminal so it can ask for it."
    )


def has_passphrase() -> bool:
    return bool(_remembered or os.environ.get(ENVIRONMENT))


# -- keys -------------------------------------------------------------------------------------


class JournalKey:
    """An AES-GCM key bound to one journal (its session id is the associated data)."""

    def __init__(self, key: bytes, session_id: str, header_digest: bytes = b"") -> None:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._invalid_tag = InvalidTag  # imported once, not on every line opened
        self._secret = key
        self._aead = AESGCM(key)
        self._bound = session_id.encode()
        self._digest = header_digest  # empty: a format-1 journal, lines bound to the session id only

    def bound_to(self, header_digest: bytes) -> JournalKey:
        """The same key, its lines bound to the header whose sha256 is `header_digest` and to
        their sequence numbers (format 2)."""
        return JournalKey(self._secret, self._bound.decode(), header_digest)

    def seal(self, plain: bytes, extra: bytes = b"") -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain, self._bound + extra)

    def open(self, sealed: bytes, extra: bytes = b"") -> bytes:
        if len(sealed) < _NONCE + 16:
            raise SealedLineError("too short to be a sealed record")
        try:
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], self._bound + extra)
        except self._invalid_tag:
            raise SealedLineError("it does not open with this journal's key and header") from None

    def _extra(self, seq: int | None) -> bytes:
        if not self._digest:
            return b""
        return b"\0" + self._digest + b"\0" + str(seq).encode()

    def seal_line(self, line: bytes, seq: int | None = None) -> bytes:
        """A journal line (JSON ending in a newline) -> the sealed line that stands for it."""
        token = base64.b64encode(self.seal(line.rstrip(b"\n"), self._extra(seq))).decode()
        if self._digest:
            return b'{"n":' + str(seq).encode() + b',"sealed":"' + token.encode() + b'"}\n'
        return b'{"sealed":"' + token.encode() + b'"}\n'

    def open_line(self, line: bytes) -> bytes:
        """A sealed line (without its newline) -> the plain journal line (without its newline).

        In format 2 the plain record must carry the same sequence number as the sealed line."""
        try:
            written = _AS_WRITTEN.fullmatch(line)
            if written is not None:  # what json.loads would make of it, without its cost
                seq = int(written[1]) if self._digest else None
                sealed = base64.b64decode(written[2], validate=True)
            else:
                record = json.loads(line)
                token = record["sealed"]
                sealed = base64.b64decode(token, validate=True)
                seq = record.get("n") if self._digest else None
        except (ValueError, TypeError, KeyError, AttributeError, binascii.Error):
            raise SealedLineError("not a sealed record") from None
        if self._digest and (not isinstance(seq, int) or isinstance(seq, bool)):
            raise SealedLineError("a sealed record without its sequence number")
        plain = self.open(sealed, self._extra(seq))
        if self._digest and not plain.endswith(b',"n":' + str(seq).encode() + b"}"):
            raise SealedLineError("its sequence number does not match what it seals")
        return plain

    def seal_text(self, text: str) -> str:
        """Text kept in an encrypted header (the script), sealed and in base64."""
        return base64.b64encode(self.seal(text.encode("utf-8"), b"\0script")).decode()

    def open_text(self, token: str) -> str:
        try:
            return self.open(base64.b64decode(token, validate=True), b"\0script").decode("utf-8")
        except (ValueError, binascii.Error):
            raise SealedLineError("the sealed text does not open") from None


# A sealed line exactly as seal_line writes it (format 2): its number and its base64 token.
_AS_WRITTEN = re.compile(rb'\{"n":([1-9][0-9]{0,15}),"sealed":"([A-Za-z0-9+/]*={0,2})"\}')


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def new_journal_key(session_id: str) -> tuple[Encryption, JournalKey]:
    """A fresh salt and key for a new journal, with the header entry that describes them."""
    secret = passphrase()
    salt = os.urandom(16)
    key = JournalKey(_derive(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P), session_id)
    encryption = Encryption(
        salt=base64.b64encode(salt).decode(),
        check=base64.b64encode(key.seal(_CHECK_TEXT)).decode(),
    )
    _keys[_cache_key(encryption, secret)] = key
    return encryption, key


def journal_key(encryption: Encryption, session_id: str) -> JournalKey:
    """The key of an existing journal. Raises PassphraseError when it cannot be had or is wrong."""
    secret = passphrase()
    cached = _keys.get(_cache_key(encryption, secret))
    if cached is not None and cached._bound == session_id.encode():
        return cached
    try:
        salt = base64.b64decode(encryption.salt, validate=True)
        check = base64.b64decode(encryption.check, validate=True)
    except (ValueError, binascii.Error):
        raise PassphraseError("the journal's encryption entry is damaged.") from None
    key = JournalKey(_derive(secret, salt, encryption.n, encryption.r, encryption.p), session_id)
    try:
        if key.open(check) != _CHECK_TEXT:
            raise SealedLineError("wrong check text")
    except SealedLineError:
        raise PassphraseError("the passphrase does not open this journal.") from None
    _keys[_cache_key(encryption, secret)] = key
    return key


def _cache_key(encryption: Encryption, secret: str) -> tuple[str, int, int, int, str]:
    import hashlib  # here, not at the top: loading OpenSSL's hashes costs the console's start 2 ms

    digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
    return (encryption.salt, encryption.n, encryption.r, encryption.p, digest)


# -- whole files (reports) --------------------------------------------------------------------

FILE_MAGIC = "session-companion encrypted file"
FILE_SUFFIX = ".enc"


def seal_file_text(text: str) -> bytes:
    """A report's text as an encrypted file: a JSON header line, then one sealed line."""
    secret = passphrase()
    salt = os.urandom(16)
    key = JournalKey(_derive(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P), FILE_MAGIC)
    header = {
        "format": FILE_MAGIC,
        "scheme": SCHEME,
        "salt": base64.b64encode(salt).decode(),
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
    }
    return (json.dumps(header) + "\n").encode() + key.seal_line(text.encode("utf-8"))


def is_sealed_file(data: bytes) -> bool:
    return data.startswith(b'{"format": "' + FILE_MAGIC.encode() + b'"')


def open_file_text(data: bytes) -> str:
    """The text of a file written by seal_file_text. Raises PassphraseError plainly."""
    try:
        head, body = data.split(b"\n", 1)
        header = json.loads(head)
        salt = base64.b64decode(header["salt"], validate=True)
        n, r, p = int(header["n"]), int(header["r"]), int(header["p"])
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, RecursionError):
        raise PassphraseError("this is not a readable encrypted report.") from None
    if not _reasonable_cost(n, r, p):
        raise PassphraseError("this encrypted report asks for an unreasonable scrypt cost: it is damaged.")
    key = JournalKey(_derive(passphrase(), salt, n, r, p), FILE_MAGIC)
    try:
        return key.open_line(body.rstrip(b"\n")).decode("utf-8")
    except (SealedLineError, UnicodeDecodeError):
        raise PassphraseError("the passphrase does not open this file, or the file is damaged.") from None
