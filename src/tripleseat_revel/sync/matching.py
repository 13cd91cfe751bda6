"""Matching TripleSeat line items to Revel products (pure).

Order of precedence: an explicit mapping (operator-saved, then the locations file), then an exact
match of the normalised name against the establishment's active products. Fuzzy matches are only
ever *suggestions* for the operator; they are never applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz, process

_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


def normalise(name: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form of a product name."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("&", " and ")
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class CatalogueProduct:
    id: int
    name: str
    price: Decimal
    active: bool = True


@dataclass(frozen=True)
class Suggestion:
    product_id: int
    name: str
    score: int


class Catalogue:
    """An establishment's Revel products, indexed for matching."""

    def __init__(self, establishment: int, products: Iterable[CatalogueProduct]) -> None:
        self.establishment = establishment
        self.products = {p.id: p for p in products}
        self._by_name: dict[str, list[CatalogueProduct]] = {}
        for product in self.products.values():
            if product.active:
                self._by_name.setdefault(normalise(product.name), []).append(product)
        self._names = {pid: normalise(p.name) for pid, p in self.products.items() if p.active}

    def by_name(self, name: str) -> CatalogueProduct | None:
        """The one active product with this normalised name (None if none or ambiguous)."""
        found = self._by_name.get(normalise(name), [])
        return found[0] if len(found) == 1 else None

    def suggest(self, name: str, limit: int = 3, cutoff: int = 55) -> list[Suggestion]:
        """Fuzzy suggestions for an unmapped item, best first."""
        if not self._names:
            return []
        hits = process.extract(
            normalise(name),
            self._names,
            scorer=fuzz.token_set_ratio,
            limit=limit,
            score_cutoff=cutoff,
        )
        return [Suggestion(pid, self.products[pid].name, round(score)) for _, score, pid in hits]


class Mappings:
    """Explicit menu_item_id -> Revel product mappings; establishment-specific ones win."""

    def __init__(self, entries: Mapping[tuple[int, int | None], int] | None = None) -> None:
        self._entries = dict(entries or {})

    @property
    def entries(self) -> dict[tuple[int, int | None], int]:
        """{(menu_item_id, establishment or None): product id}."""
        return dict(self._entries)

    def lookup(self, menu_item_id: int | None, establishment: int) -> int | None:
        if menu_item_id is None:
            return None
        specific = self._entries.get((menu_item_id, establishment))
        return specific if specific is not None else self._entries.get((menu_item_id, None))
