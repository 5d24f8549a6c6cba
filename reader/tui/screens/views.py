"""The coding screen's keys that open other views: statistics, the codebook, the coders'
review and agreement, the export; and the refresh that re-reads the database.

Kept apart from the moving and coding keys (``navigation``, ``coding``) and from the screen's
layout (``main``).
"""

from __future__ import annotations

from reader.tui.screens.article_screen import ArticleScreen


class ViewActions(ArticleScreen):
    """Actions that open another screen or dialog over the coding screen."""

    def action_stats(self) -> None:
        from reader.exchange.networks import stance_matrix
        from reader.tui.screens.stats import StatsScreen

        keys, rows = self.store.stance_table(annotator=self.store.annotator)
        matrix, scores = stance_matrix(self.store, self.store.annotator)
        self.app.push_screen(
            StatsScreen(
                keys,
                rows,
                title=f"Stances by actor — {self.store.annotator}",
                matrix=matrix,
                scores=scores,
                matrix_title=f"Actor × target — {self.store.annotator}",
            )
        )

    def action_codebook(self) -> None:
        """Edit actors, stances and targets; on return, mentions and labels follow the edits."""
        from reader.tui.screens.codebook import CodebookScreen

        def closed(changed: bool | None) -> None:
            if changed:
                self._codebook_changed()

        self.app.push_screen(CodebookScreen(self.store), closed)

    def action_refresh(self) -> None:
        """Re-read the database: another coder or process may have changed it meanwhile."""
        self.store.forget_scope()
        self.blind = self.store.blind
        done, self.total_sentences = self.store.progress()
        self.article_list.reload()
        self._codebook_changed()
        self._show_progress(done)
        self.notify("Refreshed from the database")

    def action_review(self) -> None:
        """Step through the sentences where coders disagree and decide their final codes."""
        from reader.tui.screens.review import ReviewScreen

        def back(_: object = None) -> None:
            self._codebook_changed()

        self.app.push_screen(ReviewScreen(self.store), back)

    def action_agreement(self) -> None:
        """Krippendorff's alpha per variable for the coders, and the way into where they differ
        (the review, whose final codes may add to the codebook)."""
        from reader.tui.screens.agreement import AgreementScreen

        def back(_: object = None) -> None:
            self._codebook_changed()

        self.app.push_screen(AgreementScreen(self.store), back)

    def action_export(self) -> None:
        from reader.tui.screens.export import ExportDialog, ExportRequest

        def export(request: ExportRequest | None) -> None:
            if request is not None:
                self.export(request.path, request.fmt, request.all_sentences, request.force)

        dialog = ExportDialog(protected=self.store.database_files(), download=self.app.is_web)
        self.app.push_screen(dialog, export)

    def export(self, path: str, fmt: str, all_sentences: bool, force: bool) -> None:
        """Write the export file and say how many rows went where (or why none did); in a web
        browser (``nkreader serve``), hand it to the browser as a download named ``path``
        instead: nothing is written on the server."""
        from pathlib import Path

        from reader.exchange.exporting import ExportError, export_to_path, unread_dates_warning
        from reader.text.visible import visible

        unread: list[tuple[int, str]] = []
        if self.app.is_web:
            self._download(Path(path).name, fmt, all_sentences, unread)
        else:
            try:
                rows = export_to_path(
                    self.store, Path(path), fmt=fmt, force=force, all_sentences=all_sentences,
                    unread_dates=unread,
                )  # fmt: skip
            except ExportError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.notify(f"{rows} rows written to {path}", markup=False)
        warning = unread_dates_warning(unread, self.store.day_first)
        if warning:
            self.notify(visible(warning), severity="warning", markup=False)

    def _download(
        self, name: str, fmt: str, all_sentences: bool, unread: list[tuple[int, str]]
    ) -> None:
        """The export as the browser's download (Textual's ``deliver_binary``)."""
        import io

        from reader.exchange.exporting import write_export

        buffer = io.BytesIO()
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
        rows = write_export(
            self.store, text, fmt=fmt, all_sentences=all_sentences, unread_dates=unread
        )
        text.flush()
        data = buffer.getvalue()
        text.detach()
        mime = "text/csv" if fmt == "csv" else "application/jsonl"
        self.app.deliver_binary(io.BytesIO(data), save_filename=name, mime_type=mime)
        self.notify(f"{rows} rows sent to your browser as {name}", markup=False)
