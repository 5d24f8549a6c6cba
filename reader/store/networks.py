"""The statements a discourse network is made of, gathered for ``reader.analysis.network``.

A network reads each statement's actor, target, stance score and article: a coder's codes in
one indexed query, in reading order, or the final layer's. Actors can be rolled up their parent
chain (a spokesman to his ministry, the ministry to its state) and articles are dated from their
raw ``published`` string (``reader.text.dates``); which statements make which network is the
analysis' work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from reader.models import NetworkNode
from reader.store.base import StoreBase
from reader.text.dates import parse_published

__all__ = ["NODE_COLUMNS", "TOP", "NetworkRow", "NetworksMixin"]

NetworkRow = tuple[int, int | None, int | None, float, int]
"""(article id, actor id (None: no speaker), target id or None, stance score, how many) of
identical statements."""

TOP = -1
"""``level`` that rolls every actor up to the top of its parent chain."""

NODE_COLUMNS = {"actor": "x.actor_id", "speaker": "x.speaker_id"}
"""Who a statement's node is: the actor holding the stance, or the speaker who voiced it (none
when the code names no speaker)."""

# In DNA's order within an article: by where the statement starts (its own span, else its
# sentence's), then ends, then by id.
_CODER_ROWS = """
SELECT s.article_id, {node}, x.target_id, st.score, 1
FROM sentences s
    CROSS JOIN annotations x ON x.sentence_id = s.id
    JOIN stances st ON st.id = x.stance_id
WHERE x.annotator = ?
ORDER BY s.article_id, s.position, coalesce(x.start, s.start), coalesce(x."end", s."end"), x.id"""

# Counted in SQLite: a million annotations are a few thousand rows for Python.
_CODER_COUNTS = """
SELECT 0, {node}, x.target_id, st.score, count(*)
FROM annotations x JOIN stances st ON st.id = x.stance_id
WHERE x.annotator = ?
GROUP BY {node}, x.target_id, st.score"""


class NetworksMixin(StoreBase):
    """Statements, actors and article dates as networks read them."""

    def statement_coders(self) -> list[str]:
        """Every coder with at least one annotation, by name."""
        found = self.conn.execute("SELECT DISTINCT annotator FROM annotations ORDER BY 1")
        return [str(name) for (name,) in found]

    def network_rows(
        self, annotator: str, *, by_article: bool = True, node: str = "actor"
    ) -> Iterator[NetworkRow]:
        """The coder's statements in reading order (article, sentence, annotation); without
        ``by_article``, counted by node, target and score (article 0) for networks that do
        not ask where or when a statement was made. ``node``: ``actor``, or ``speaker`` (the
        id is None for a code without one)."""
        sql = (_CODER_ROWS if by_article else _CODER_COUNTS).format(node=NODE_COLUMNS[node])
        yield from self.conn.execute(sql, [annotator])

    def final_network_rows(
        self, sentences: Iterable[tuple[int, Iterable[tuple[int, int, int | None]]]]
    ) -> list[NetworkRow]:
        """Final statements, given as (sentence id, its (actor, stance, target) triples), as
        network rows in reading order."""
        places = {
            int(sid): (int(article), int(position))
            for sid, article, position in self.conn.execute(
                "SELECT id, article_id, position FROM sentences"
            )
        }
        scores = {int(i): float(s) for i, s in self.conn.execute("SELECT id, score FROM stances")}
        found: list[tuple[tuple[int, int, int, int, int], NetworkRow]] = []
        for sentence_id, statements in sentences:
            article, position = places[sentence_id]
            for actor, stance, target in statements:
                order = (article, position, actor, stance, target or 0)
                found.append((order, (article, actor, target, scores[stance], 1)))
        found.sort(key=lambda item: item[0])
        return [row for _, row in found]

    def article_days(self, day_first: bool = False) -> dict[int, date | None]:
        """Each article's date read from its ``published`` string; None where it has none or
        it cannot be read with certainty."""
        days: dict[int, date | None] = {}
        seen: dict[str, date | None] = {}
        for article_id, published in self.conn.execute("SELECT id, published FROM articles"):
            raw = published or ""
            if raw not in seen:
                seen[raw] = parse_published(raw, day_first=day_first).date if raw else None
            days[int(article_id)] = seen[raw]
        return days

    def network_actors(self, level: int = 0) -> dict[int, NetworkNode]:
        """Each actor id's node: the actor itself (``level`` 0), or the actor ``level`` steps
        up its parent chain (``TOP``: its topmost ancestor); an actor with fewer ancestors goes
        to its topmost one."""
        actors = {
            int(i): (str(name), str(kind), None if parent is None else int(parent))
            for i, name, kind, parent in self.conn.execute(
                "SELECT id, name, kind, parent_id FROM actors"
            )
        }

        def up(actor_id: int) -> int:
            seen = {actor_id}
            steps = 0
            while level == TOP or steps < level:
                parent = actors[actor_id][2]
                if parent is None or parent not in actors or parent in seen:
                    break
                actor_id = parent
                seen.add(actor_id)
                steps += 1
            return actor_id

        nodes: dict[int, NetworkNode] = {}
        for actor_id in actors:
            name, kind, parent = actors[up(actor_id)]
            parent_name = actors[parent][0] if parent is not None and parent in actors else None
            nodes[actor_id] = NetworkNode(name, kind, parent_name)
        return nodes

    def network_targets(self) -> dict[int, str]:
        """Each target id's name."""
        return {int(i): str(name) for i, name in self.conn.execute("SELECT id, name FROM targets")}
