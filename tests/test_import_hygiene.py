"""The layers keep to their contract, and the commands never import Textual, so they start fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from reader.cli import cli
from reader.store import Store


def test_data_layer_does_not_import_textual() -> None:
    """Importing the store, importer, exporter, codebook and CLI leaves textual unloaded."""
    code = (
        "import sys\n"
        "import reader.store, reader.exchange.importing, reader.exchange.exporting\n"
        "import reader.exchange.codebook_file, reader.cli\n"
        "import reader.text.mentions, reader.text.sentences\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_reader_opens_an_up_to_date_database_without_sqlite_utils(
    store: Store, db_path: Path
) -> None:
    """The reader's way in (``open_reader_store`` and the app) leaves sqlite-utils unloaded on a
    current database, and the data commands still work on it afterwards."""
    path = str(db_path)
    store.close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import reader.tui.app\n"
        "from reader.cli import open_reader_store\n"
        f"store = open_reader_store(Path({path!r}), 'tester')\n"
        "print(store.article_count(), len(store.stances()) > 0, 'sqlite_utils' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["3", "True", "False"]

    runner = CliRunner()
    listed = runner.invoke(cli, ["articles", "--db", path])
    assert listed.exit_code == 0, listed.output
    assert len(listed.stdout.splitlines()) == 2 + 3
    out = db_path.with_name("codebook.toml")
    exported = runner.invoke(cli, ["codebook", "export", str(out), "--db", path])
    assert exported.exit_code == 0, exported.output
    assert "[[stances]]" in out.read_text(encoding="utf-8")


def test_layer_contract_holds() -> None:
    """The import contracts of pyproject.toml (layers, Textual only in the TUI, no cycles) hold."""
    lint = Path(sys.executable).with_name("lint-imports")
    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, cwd=repo, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout
