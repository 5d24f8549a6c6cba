"""The one object the app and the commands talk to: every query and every write.

Each user change is one ``BEGIN IMMEDIATE`` transaction that writes the rows and their event-log
entry together, and it has committed before the method returns, so the screen never claims more
than the file holds. Undo and redo are read back from that log, which is why they survive a
restart.

``Store`` is put together from one mixin per concern over ``base.StoreBase``; each mixin uses
only the base and the row functions of ``rows``. Callers import everything from ``reader.store``.
"""

from __future__ import annotations

from reader.db import StoreError
from reader.store.adjudication import AdjudicationMixin
from reader.store.agreement_data import AgreementDataMixin
from reader.store.articles import ArticlesMixin
from reader.store.base import NO_CLAIM, DuplicateAnnotation, fts_query, now
from reader.store.code_imports import CodeImportsMixin
from reader.store.codebook import CodebookMixin
from reader.store.coders import CodersMixin
from reader.store.coding import CodingMixin
from reader.store.dna_imports import DnaImportsMixin
from reader.store.exports import ExportFilter, ExportsMixin
from reader.store.health import HealthMixin
from reader.store.history import HistoryMixin
from reader.store.imports import ImportsMixin
from reader.store.merge import MergeMixin
from reader.store.merge_files import MergeFilesMixin
from reader.store.near_duplicates import NearDuplicatesMixin
from reader.store.networks import NetworksMixin
from reader.store.reports import ReportsMixin
from reader.store.search import SearchMixin
from reader.store.team import TeamMixin

__all__ = [
    "NO_CLAIM",
    "DuplicateAnnotation",
    "ExportFilter",
    "Store",
    "StoreError",
    "fts_query",
    "now",
]


class Store(
    ArticlesMixin,
    SearchMixin,
    CodingMixin,
    CodebookMixin,
    MergeMixin,
    MergeFilesMixin,
    HistoryMixin,
    ReportsMixin,
    ExportsMixin,
    ImportsMixin,
    NearDuplicatesMixin,
    CodeImportsMixin,
    HealthMixin,
    TeamMixin,
    AdjudicationMixin,
    AgreementDataMixin,
    NetworksMixin,
    DnaImportsMixin,
    CodersMixin,
):
    """Queries and writes for one coder (``annotator``) on one database."""
