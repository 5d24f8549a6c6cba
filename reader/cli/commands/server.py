"""``nkreader coders`` (who may log in, with their passwords) and ``nkreader serve``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reader.cli.commands.group import (
    annotator_option,
    cli,
    db_option,
    open_store,
    reports_damage,
)
from reader.text.visible import visible


@cli.group(name="coders")
def coders_group() -> None:
    """The coders who log in to a served reader (nkreader serve), with their passwords."""


def _read_password(password_stdin: bool, prompt: str) -> str:
    """A password from one line of standard input, or typed twice at a hidden prompt."""
    if password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


@coders_group.command(name="add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
@annotator_option
@reports_damage
def coders_add(
    name: str, password_stdin: bool, db_path: Path | None, annotator: str | None
) -> None:
    """Add a coder who can log in to nkreader serve as NAME (the name their codes carry).

    The password is asked twice (hidden), or read from one line of standard input; it is
    stored only as a salted scrypt hash.

    Example:

        nkreader coders add alice
        printf '%s\\n' "$PASSWORD" | nkreader coders add bob --password-stdin
    """
    store = open_store(db_path, annotator, check=True)
    try:
        store.add_coder(name, _read_password(password_stdin, f"Password for {visible(name)}"))
        click.echo(f"added coder {visible(name)}", err=True)
    finally:
        store.close()


@coders_group.command(name="passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
@annotator_option
@reports_damage
def coders_passwd(
    name: str, password_stdin: bool, db_path: Path | None, annotator: str | None
) -> None:
    """Give coder NAME a new password (and lift a lock on the name).

    Example:

        nkreader coders passwd alice
    """
    store = open_store(db_path, annotator, check=True)
    try:
        if name not in {coder.name for coder in store.login_coders()}:
            raise click.ClickException(
                f"no coder named {visible(name)}: `nkreader coders list` shows them"
            )
        password = _read_password(password_stdin, f"New password for {visible(name)}")
        store.set_password(name, password)
        click.echo(f"password of {visible(name)} changed", err=True)
    finally:
        store.close()


@coders_group.command(name="remove")
@click.argument("name")
@db_option
@annotator_option
@reports_damage
def coders_remove(name: str, db_path: Path | None, annotator: str | None) -> None:
    """NAME can no longer log in to nkreader serve; their codes stay in the database.

    Example:

        nkreader coders remove alice
    """
    store = open_store(db_path, annotator, check=True)
    try:
        store.remove_coder(name)
        click.echo(f"removed coder {visible(name)}", err=True)
    finally:
        store.close()


@coders_group.command(name="list")
@db_option
@reports_damage
def coders_list(db_path: Path | None) -> None:
    """The coders who can log in: name, when added, when the password was set, and a lock.

    Example:

        nkreader coders list
    """
    store = open_store(db_path)
    try:
        for coder in store.login_coders():
            locked = f"locked until {coder.locked_until}" if coder.locked_until else ""
            fields = [visible(coder.name, one_line=True), coder.created_at, coder.changed_at]
            click.echo("\t".join([*fields, locked]).rstrip("\t"))
    finally:
        store.close()


@cli.command(name="serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback)."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help="The address browsers reach the server at (https://… behind a TLS proxy).",
)
@db_option
@reports_damage
def serve_command(host: str, port: int, public_url: str | None, db_path: Path | None) -> None:
    """Serve the reader to web browsers: each tab logs in and codes in its own reader.

    Needs the serve extra (pip install 'nkreader[serve]') and at least one coder
    (nkreader coders add NAME). Every tab runs the same fixed command on this database; the
    coder logged in there, never --annotator or $NKREADER_ANNOTATOR, is who its codes belong
    to. Listens on 127.0.0.1 unless --host says otherwise; traffic is not encrypted, so serve
    other machines only behind a TLS proxy (README, "Serving a team").

    Example:

        nkreader serve --db project.db --port 8000
    """
    from reader.cli.serving import ServeError, serve

    store = open_store(db_path, check=True)
    try:
        if not store.has_coders():
            raise click.ClickException(
                "no coder can log in: add one with `nkreader coders add NAME`"
            )
        path = store.path
    finally:
        store.close()
    assert path is not None
    try:
        serve(path, host=host, port=port, public_url=public_url)
    except ServeError as error:
        raise click.ClickException(str(error)) from None
