"""Coders who log in to a served reader: names, password hashes, and the lock on a name.

``nkreader serve`` runs a reader per browser tab, and each starts at a login screen: the coder
logged in there is the one every code, log entry, blind view and assignment of that tab belongs
to. Passwords are kept only as slow salted hashes (``reader.store.passwords``). Wrong passwords
are counted per name in the database, not in a process, so five of them lock the name for a
minute in every tab at once; a name that is no coder's is counted and locked the same way and
answered with the same words, so the login screen never tells which names exist.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from reader.db import StoreError, transaction
from reader.models import Coder, LoginResult
from reader.store.base import StoreBase, now
from reader.store.passwords import PasswordFormatError, hash_password, password_matches

__all__ = ["LOCKOUT", "MAX_FAILURES", "CodersMixin"]

MAX_FAILURES = 5
"""Wrong passwords in a row for one name that lock it."""
LOCKOUT = timedelta(minutes=1)
"""How long a locked name stays locked."""
REFUSED = "wrong name or password"


@cache
def _decoy() -> str:
    """Checked for a name that is no coder's, so that refusing it takes as long as a wrong
    password (made on first use: hashing costs a noticeable part of a second)."""
    return hash_password("an unknown coder's password is checked against this")


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise StoreError("a coder needs a name")
    if any(not c.isprintable() for c in name):
        raise StoreError("a coder's name cannot hold control characters")
    return name


def _valid_password(password: str) -> str:
    if not password:
        raise StoreError("the password is empty: type one")
    if "\n" in password or "\r" in password:
        raise StoreError("a password is one line")
    return password


class CodersMixin(StoreBase):
    """Adding, listing and removing coders, their passwords, and logging in."""

    def login_coders(self, at: datetime | None = None) -> list[Coder]:
        """Every coder, by name, with the lock on their name if it still holds ``at`` (now)."""
        moment = _stamp(at or datetime.now(UTC))
        rows = self.conn.execute(
            "SELECT c.name, c.created_at, c.changed_at, f.locked_until FROM coders c"
            " LEFT JOIN login_failures f ON f.name = c.name ORDER BY c.name"
        ).fetchall()
        return [
            Coder(name, created, changed, locked if locked and locked > moment else None)
            for name, created, changed, locked in rows
        ]

    def has_coders(self) -> bool:
        return self._value("SELECT 1 FROM coders LIMIT 1") is not None

    def add_coder(self, name: str, password: str) -> None:
        """A new coder who can log in as ``name``; logged (never the password)."""
        name, password = _valid_name(name), _valid_password(password)
        stored = hash_password(password)  # slow: before the write lock is taken
        with transaction(self.conn):
            if self._value("SELECT 1 FROM coders WHERE name = ?", [name]) is not None:
                raise StoreError(
                    f"{name} is a coder already: `nkreader coders passwd` changes the password"
                )
            stamp = now()
            self.conn.execute(
                "INSERT INTO coders (name, password, created_at, changed_at) VALUES (?, ?, ?, ?)",
                [name, stored, stamp, stamp],
            )
            self.conn.execute("DELETE FROM login_failures WHERE name = ?", [name])
            self._log("coder added", "coder", None, kind=None, after={"name": name})

    def set_password(self, name: str, password: str) -> None:
        """Give ``name`` a new password; lifts a lock on the name. Logged (never the password)."""
        password = _valid_password(password)
        stored = hash_password(password)
        with transaction(self.conn):
            cursor = self.conn.execute(
                "UPDATE coders SET password = ?, changed_at = ? WHERE name = ?",
                [stored, now(), name],
            )
            if cursor.rowcount == 0:
                raise StoreError(f"no coder named {name}: `nkreader coders list` shows them")
            self.conn.execute("DELETE FROM login_failures WHERE name = ?", [name])
            self._log("password changed", "coder", None, kind=None, after={"name": name})

    def remove_coder(self, name: str) -> None:
        """``name`` can no longer log in; their codes stay theirs. Logged."""
        with transaction(self.conn):
            cursor = self.conn.execute("DELETE FROM coders WHERE name = ?", [name])
            if cursor.rowcount == 0:
                raise StoreError(f"no coder named {name}: `nkreader coders list` shows them")
            self.conn.execute("DELETE FROM login_failures WHERE name = ?", [name])
            self._log("coder removed", "coder", None, kind=None, before={"name": name})

    def log_in(self, name: str, password: str, at: datetime | None = None) -> LoginResult:
        """Check ``name`` and ``password`` (``at``: the time of the attempt, for tests).

        A locked name is refused without a look at the password. Otherwise the password is
        checked (slowly, outside the write lock), then, in one transaction, the name's wrong
        passwords in a row are counted: the fifth locks it for ``LOCKOUT`` and is logged, as is
        every login. The count is re-read inside the transaction, so attempts from several
        tabs at once are each counted.
        """
        moment = at or datetime.now(UTC)
        stamp = _stamp(moment)
        if not name or not password:
            return LoginResult(False, "type your name and password")
        locked = self._locked_until(name, stamp)
        if locked is not None:
            return LoginResult(False, _locked_message(locked), locked)
        stored = self._maybe_str("SELECT password FROM coders WHERE name = ?", [name])
        try:
            right = password_matches(password, stored or _decoy()) and stored is not None
        except PasswordFormatError:
            right = False
        with transaction(self.conn):
            locked = self._locked_until(name, stamp)
            if locked is not None:
                return LoginResult(False, _locked_message(locked), locked)
            if right:
                self.conn.execute("DELETE FROM login_failures WHERE name = ?", [name])
                self._log("login", "coder", None, kind=None, by=name)
                return LoginResult(True, f"logged in as {name}")
            failures = 1 + (
                self._maybe_int("SELECT failures FROM login_failures WHERE name = ?", [name]) or 0
            )
            until = _stamp(moment + LOCKOUT) if failures >= MAX_FAILURES else None
            self.conn.execute(
                "INSERT INTO login_failures (name, failures, locked_until) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET failures = excluded.failures,"
                " locked_until = excluded.locked_until",
                [name, 0 if until else failures, until],
            )
            if until is None:
                return LoginResult(False, REFUSED)
            self._log(
                "locked", "coder", None, kind=None, by=name,
                after={"name": name, "failures": failures, "until": until},
            )  # fmt: skip
            return LoginResult(False, _locked_message(until), until)

    def _locked_until(self, name: str, stamp: str) -> str | None:
        until = self._maybe_str("SELECT locked_until FROM login_failures WHERE name = ?", [name])
        return until if until is not None and until > stamp else None


def _locked_message(until: str) -> str:
    return f"too many wrong passwords: this name is locked until {until[11:19]} UTC; try again then"
