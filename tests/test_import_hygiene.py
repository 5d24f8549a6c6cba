"""The data layer and the CLI never import Textual, so shell commands start fast."""

from __future__ import annotations

import subprocess
import sys


def test_data_layer_does_not_import_textual() -> None:
    """Importing the store, importer, exporter, codebook and CLI leaves textual unloaded."""
    code = (
        "import sys\n"
        "import reader.store, reader.importing, reader.exporting, reader.codebook, reader.cli\n"
        "import reader.mentions, reader.sentences\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
