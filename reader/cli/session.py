"""One served reader: the command ``nkreader serve`` runs for each browser tab.

``python -m reader.cli.session DATABASE`` opens the reader at its login screen. Nothing from
the browser reaches this command line, and no environment variable names the coder: the coder
is whoever logs in (``ReaderApp(login=True)``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.cli.launch import open_reader_store
from reader.db import DatabaseError


def main(args: list[str]) -> int:
    if len(args) != 1:
        print("usage: python -m reader.cli.session DATABASE", file=sys.stderr)
        return 2
    path = Path(args[0])
    try:
        store = open_reader_store(path, "", create=False)  # the coder is set at login
    except DatabaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    from reader.tui.app import ReaderApp

    app = ReaderApp(store, db_label=path.name, login=True)
    app.run()
    if app.damage is not None:
        print(f"error: {app.damage}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
