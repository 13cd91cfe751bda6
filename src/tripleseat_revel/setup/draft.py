"""A starter locations file suggested from the live accounts (pure: accounts in, suggestions out).

Each TripleSeat location is set beside the live Revel establishment whose name resembles it most
(its own name first, its site's name as a hint), and beside a test establishment (a name with
"test", "sandbox", "training" or "demo") that resembles it. Each `[revel]` id is the active record
whose name says what it is for ("Tripleseat", "Catering", "Deposit", ...), among those usable in
both establishments (a record of one establishment only cannot be used in the other); the others
are kept as alternatives. A payment type or discount no name points to is left for a person
(commented out, so that the file does not load until it is set). Every choice is a suggestion for a
person to check.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from tripleseat_revel.kit.timezones import to_iana
from tripleseat_revel.setup.accounts import ID_KEYS, Accounts, IdKey, Named, TripleSeatLocation
from tripleseat_revel.sync.matching import normalise

# What the records are called, most telling first (compared without spaces, case or punctuation).
KEYWORDS: dict[IdKey, tuple[str, ...]] = {
    "dining_option": ("tripleseat", "catering", "event", "banquet", "private"),
    "payment_type": ("tripleseat", "deposit", "catering", "event", "invoice"),
    "discount": ("tripleseat", "open", "event", "catering", "custom"),
    "user": ("api", "tripleseat", "integration", "catering", "admin"),
    "pos_station": ("catering", "tripleseat", "event", "api", "online", "office"),
}
# Money: with no telling name, these are left for a person (commented out), never a guess.
NO_GUESS: frozenset[IdKey] = frozenset({"payment_type", "discount"})
TEST_WORDS = frozenset({"test", "testing", "sandbox", "training", "demo"})
NOISE_WORDS = frozenset({"the", "and", "of", "at", "a", "an", "store", "shop", "location", "restaurant"})
MATCH_CUTOFF = 0.3  # below this, no establishment is suggested for a location


@dataclass(frozen=True)
class Scored:
    record: Named
    score: float  # 0..1


@dataclass(frozen=True)
class Pick:
    """One `[revel]` id: the record chosen, why, and the alternatives."""

    chosen: Named | None
    why: str
    others: tuple[Named, ...] = ()


@dataclass(frozen=True)
class LocationDraft:
    location: TripleSeatLocation
    timezone: str | None  # IANA (None: TripleSeat's zone is unknown)
    establishment: Scored | None
    ranked: tuple[Scored, ...]  # every live establishment, best first
    test_establishment: Scored | None
    ids: dict[IdKey, Pick]


def words(name: str) -> set[str]:
    return set(normalise(name).split()) - NOISE_WORDS


def is_test(establishment: Named) -> bool:
    return bool(words(establishment.name) & TEST_WORDS)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def name_score(location: TripleSeatLocation, establishment: Named) -> float:
    """How much `establishment`'s name resembles the location's (its site's name counts a little)."""
    theirs = words(establishment.name) - TEST_WORDS
    own = _overlap(words(location.name), theirs)
    site = _overlap(words(location.site_name), theirs)
    ratio = SequenceMatcher(None, normalise(location.name), normalise(establishment.name)).ratio()
    return round(min(1.0, 0.7 * own + 0.2 * site + 0.1 * ratio + (0.2 if own == 1 else 0)), 2)


def rank_establishments(location: TripleSeatLocation, establishments: list[Named]) -> tuple[Scored, ...]:
    live = [Scored(e, name_score(location, e)) for e in establishments if not is_test(e)]
    return tuple(sorted(live, key=lambda s: (-s.score, s.record.id)))


def suggest_test(
    location: TripleSeatLocation, live: Named | None, establishments: list[Named]
) -> Scored | None:
    """The test establishment that resembles the location, its site or its establishment."""
    hints = words(location.name) | words(location.site_name) | (words(live.name) if live else set())
    scored = []
    for candidate in (e for e in establishments if is_test(e)):
        own = words(candidate.name) - TEST_WORDS
        scored.append(Scored(candidate, round(len(own & hints) / len(own), 2) if own else 0.0))
    best = sorted(scored, key=lambda s: (-s.score, s.record.id))
    return best[0] if best and best[0].score >= 0.5 else None


def _rank(key: IdKey, record: Named) -> tuple[int, int]:
    squashed = normalise(record.name).replace(" ", "")
    hits = [i for i, word in enumerate(KEYWORDS[key]) if word in squashed]
    closed = 1 if key == "discount" and record.is_open is False else 0
    return (closed, hits[0] if hits else len(KEYWORDS[key]))


def pick(key: IdKey, options: list[Named], establishments: tuple[int, ...]) -> Pick:
    """The record for `key` usable in every one of `establishments`, chosen by name."""
    usable = _ranked(
        key, [o for o in options if o.establishment is None or {o.establishment} == set(establishments)]
    )
    own = _ranked(key, [o for o in options if o.establishment == establishments[0] and o not in usable])
    if not usable + own:
        return Pick(None, "none found in Revel: set it by hand")
    best, *others = usable + own  # a record of the establishment alone, only when nothing else is
    closed, hit = _rank(key, best)
    if hit == len(KEYWORDS[key]) and key in NO_GUESS:
        return Pick(None, "no name says it is for events: choose one and set it by hand", (best, *others))
    why = (
        f"its name matches {KEYWORDS[key][hit]!r}" if hit < len(KEYWORDS[key]) else "the first one; check it"
    )
    if closed:
        why += "; not an open-amount discount"
    if best.establishment is not None and len(establishments) > 1:
        why += f"; not usable in the test establishment {establishments[1]}"
    return Pick(best, why, tuple(others))


def _ranked(key: IdKey, records: list[Named]) -> list[Named]:
    """Best first: the most telling name, then a record of the establishment's own, then by id."""
    return sorted(records, key=lambda o: (*_rank(key, o), o.establishment is None, o.id))


def pick_ids(accounts: Accounts, establishments: tuple[int, ...]) -> dict[IdKey, Pick]:
    return {key: pick(key, accounts.options.get(key, []), establishments) for key in ID_KEYS}


def _timezone(location: TripleSeatLocation) -> str | None:
    try:
        return to_iana(location.timezone) if location.timezone else None
    except ValueError:
        return None


def draft_location(accounts: Accounts, location: TripleSeatLocation) -> LocationDraft:
    ranked = rank_establishments(location, accounts.establishments)
    best = ranked[0] if ranked and ranked[0].score >= MATCH_CUTOFF else None
    test = suggest_test(location, best.record if best else None, accounts.establishments)
    chosen = LocationDraft(location, _timezone(location), best, ranked, test, {})
    return with_establishments(accounts, chosen, best, test)


def with_establishments(
    accounts: Accounts, draft: LocationDraft, live: Scored | None, test: Scored | None
) -> LocationDraft:
    """`draft` with these establishments, and the ids chosen again for them."""
    if live is None:
        return replace(draft, establishment=None, test_establishment=test, ids={})
    used = (live.record.id,) + ((test.record.id,) if test and test.record.id != live.record.id else ())
    return replace(draft, establishment=live, test_establishment=test, ids=pick_ids(accounts, used))


def draft_all(accounts: Accounts) -> list[LocationDraft]:
    """A suggestion for every TripleSeat location of the account."""
    return [draft_location(accounts, location) for location in accounts.locations]
