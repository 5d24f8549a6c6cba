"""The ``nkreader`` commands as one click group, ``cli``.

Reached through ``reader.cli.main`` for every command line but the bare reader's. The group and
what every command shares (the ``--db`` / ``--annotator`` options, opening the Store, one-line
errors) are in ``group``; each other module adds the commands of one topic to it: ``reading``
(the reader, review), ``importing`` (import, merge), ``exporting`` (export), ``network``,
``reports`` (articles, duplicates, stats, agreement, progress, log), ``codebook``, ``team``
(config, assign), ``files`` (backup, check) and ``server`` (coders, serve). A new command goes
in the module of its topic, and a new topic in a module of its own imported here.
"""

from __future__ import annotations

from reader.cli.commands import (  # noqa: F401 (each adds its commands to the group)
    codebook,
    exporting,
    files,
    importing,
    network,
    reading,
    reports,
    server,
    team,
)
from reader.cli.commands.group import cli

__all__ = ["cli"]
