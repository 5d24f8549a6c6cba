"""Reliability data kept by column, so that groups of coders can be cut from it for free.

Agreement is asked of every chosen coder together and of each pair of them, for several
variables, over thousands of units. Held as ``{unit: {coder: value}}``, each pair meant a new
dictionary per unit and variable, and tallying meant a tuple per unit; held here by column, a pair
is a choice of lists already there, and units with the same values are counted in one pass in C
(``Counter(zip(...))``).

:class:`Columns` is still a ``Mapping`` of units to ``{coder: value}``, so everything that takes
reliability data takes it; it builds those dictionaries only when asked for one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, compress


@dataclass(frozen=True, slots=True)
class Part:
    """Units decided by the same coders: each coder's values, in the order of ``units``."""

    coders: tuple[str, ...]
    units: list[Hashable]
    values: tuple[list[Hashable], ...]
    """One list per coder of ``coders``, as long as ``units``."""


class Columns(Mapping[Hashable, Mapping[str, Hashable]]):
    """``{unit: {coder: value}}`` held as :class:`Part` s, one per set of coders."""

    def __init__(self, parts: Sequence[Part]) -> None:
        self.parts = [part for part in parts if part.units]
        self._where: dict[Hashable, tuple[Part, int]] | None = None

    @classmethod
    def collect(cls) -> ColumnsBuilder:
        """A builder that takes units one at a time (:meth:`ColumnsBuilder.add`)."""
        return ColumnsBuilder()

    def __len__(self) -> int:
        return sum(len(part.units) for part in self.parts)

    def __iter__(self) -> Iterator[Hashable]:
        return chain.from_iterable(part.units for part in self.parts)

    def __getitem__(self, unit: Hashable) -> Mapping[str, Hashable]:
        if self._where is None:
            self._where = {u: (part, i) for part in self.parts for i, u in enumerate(part.units)}
        part, i = self._where[unit]
        return {coder: values[i] for coder, values in zip(part.coders, part.values, strict=True)}

    def items(self) -> Iterator[tuple[Hashable, Mapping[str, Hashable]]]:  # type: ignore[override]
        for part in self.parts:
            for unit, values in zip(part.units, zip(*part.values, strict=True), strict=True):
                yield unit, dict(zip(part.coders, values, strict=True))

    def values(self) -> Iterator[Mapping[str, Hashable]]:  # type: ignore[override]
        return (coded for _, coded in self.items())

    def kinds(self) -> Counter[tuple[Hashable, ...]]:
        """How many units have each tuple of values (in their coders' order): all a tally
        needs. Units with a single value are left out: they pair with nothing."""
        found: Counter[tuple[Hashable, ...]] = Counter()
        for part in self.parts:
            if len(part.coders) >= 2:
                found.update(zip(*part.values, strict=True))
        return found

    def pairable(self) -> int:
        """Units with two values or more."""
        return sum(len(part.units) for part in self.parts if len(part.coders) >= 2)

    def restricted(self, coders: Collection[str]) -> Columns:
        """The units as only ``coders`` coded them, those left with two values or more; the
        lists are shared, not copied."""
        parts = []
        for part in self.parts:
            kept = [k for k, coder in enumerate(part.coders) if coder in coders]
            if len(kept) >= 2:
                names = tuple(part.coders[k] for k in kept)
                parts.append(Part(names, part.units, tuple(part.values[k] for k in kept)))
        return Columns(parts)

    def where(self, keep: Callable[[tuple[Hashable, ...]], bool]) -> Columns:
        """The units whose values (a tuple in their coders' order) ``keep`` accepts."""
        parts = []
        for part in self.parts:
            flags = list(map(keep, zip(*part.values, strict=True)))
            parts.append(
                Part(
                    part.coders,
                    list(compress(part.units, flags)),
                    tuple(list(compress(values, flags)) for values in part.values),
                )
            )
        return Columns(parts)


class ColumnsBuilder:
    """Collects units one at a time into the parts of a :class:`Columns`."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, ...], Part] = {}

    def add(self, unit: Hashable, coded: Mapping[str, Hashable]) -> None:
        coders = tuple(coded)
        part = self.parts.get(coders)
        if part is None:
            part = self.parts[coders] = Part(coders, [], tuple([] for _ in coders))
        part.units.append(unit)
        for values, value in zip(part.values, coded.values(), strict=True):
            values.append(value)

    def build(self) -> Columns:
        return Columns(list(self.parts.values()))
