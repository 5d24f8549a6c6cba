"""Where and how to export: the dialog only gathers the request; the caller writes the file.

Asking before overwriting lives here because it is part of the question ("really replace that
file?"), while the writing, and the "N rows written" report, stay with the exporter the command
line shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet

from reader.exchange.output_files import OutputError, check_output
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.widgets import LiteralInput, literal

FORMATS: tuple[str, ...] = ("csv", "jsonl")
"""Formats offered, in display order; each is also the file extension."""


@dataclass(frozen=True)
class ExportRequest:
    """Everything the exporter needs to write one file."""

    path: str
    fmt: str
    """"csv" or "jsonl"."""
    all_sentences: bool
    """One row per sentence, uncoded ones included, instead of one row per annotation."""
    force: bool
    """The coder agreed to replace an existing file."""


def with_format(path: str, fmt: str) -> str:
    """The path with its extension swapped to a format's, leaving unrelated extensions alone."""
    if not path:
        return path
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in {f".{f}" for f in FORMATS} | {".json"}:
        return path[: -len(p.suffix)] + f".{fmt}"
    if not suffix:
        return f"{path}.{fmt}"
    return path


class ExportDialog(ModalScreen[ExportRequest | None]):
    """File name, format and scope of an export."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("enter", "export", "Export", priority=True, id="export.go"),
    ]

    def __init__(
        self,
        default_path: str = "annotations.csv",
        protected: Sequence[Path] = (),
        *,
        download: bool = False,
    ) -> None:
        """``protected``: the open database's files, which no export may replace.
        ``download``: the reader runs in a web browser (``nkreader serve``): the file is the
        browser's download, named by the field, and nothing is written on the server."""
        super().__init__()
        self._default_path = default_path
        self._protected = list(protected)
        self._download = download
        suffix = Path(default_path).suffix.lower().lstrip(".")
        self._fmt = suffix if suffix in FORMATS else FORMATS[0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog export"):
            yield Label("Export annotations", classes="dialog-title")
            yield Label(
                "File name (your browser downloads it)" if self._download else "File",
                classes="dialog-label",
            )
            yield LiteralInput(self._default_path, placeholder="annotations.csv", id="path")
            yield Label("Format", classes="dialog-label")
            with RadioSet(id="format"):
                for fmt in FORMATS:
                    yield RadioButton(fmt, value=fmt == self._fmt, name=fmt)
            yield Checkbox("one row per sentence (include uncoded)", id="all-sentences")
            yield Label("", id="error", classes="dialog-error")
            yield Label(
                "enter export · tab next field · space toggle · esc cancel", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(RadioSet.Changed, "#format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        """Keep the extension in step with the format, so the file says what it holds."""
        self._fmt = event.pressed.name or FORMATS[0]
        path = self.query_one("#path", Input)
        path.value = with_format(path.value.strip(), self._fmt)

    def _request(self, force: bool) -> ExportRequest:
        return ExportRequest(
            path=str(Path(self.query_one("#path", LiteralInput).stored.strip()).expanduser()),
            fmt=self._fmt,
            all_sentences=self.query_one("#all-sentences", Checkbox).value,
            force=force,
        )

    def _error(self, message: str) -> None:
        """Show a problem with the typed path; the path is shown as typed, never as markup."""
        label = self.query_one("#error", Label)
        label.update(literal(message))
        label.set_class(bool(message), "-shown")

    def action_export(self) -> None:
        typed = self.query_one("#path", Input).value.strip()
        if not typed:
            self._error("Type a file name to export to.")
            return
        request = self._request(force=False)
        if self._download:
            name = Path(typed).name
            if not name or name in {".", ".."}:
                self._error("Type a file name for the download.")
                return
            self.dismiss(ExportRequest(name, request.fmt, request.all_sentences, force=False))
            return
        target = Path(request.path)
        try:  # everything but an existing file, which is asked about below
            check_output(target, force=True, protected=self._protected)
        except OutputError as error:
            self._error(str(error))
            return
        if target.exists():
            self.app.push_screen(
                ConfirmDialog(f"{request.path} exists. Overwrite it?"), self._confirmed
            )
            return
        self.dismiss(request)

    def _confirmed(self, yes: bool | None) -> None:
        """Overwrite only on a yes; a no leaves the dialog open to pick another name."""
        if yes:
            self.dismiss(self._request(force=True))
        else:
            self.query_one("#path", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
