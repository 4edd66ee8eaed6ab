"""Consent records, registries and the statuses a likeness finding can have."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

SCHEMA_NAME = "consent.schema.json"
REGISTRY_VERSION = 1
MAX_BYTES = 10 * 1024 * 1024

KINDS = (
    "employment_based_digital_replica",
    "independently_created_digital_replica",
    "background_actor_digital_replica",
    "digital_alteration",
    "synthetic_performer",
)
#: Consent statuses, best first; a finding with several performers gets the worst.
STATUSES = ("granted", "out_of_scope", "expired", "missing")
BLOCKING = frozenset({"out_of_scope", "expired", "missing"})
LIKENESS_PREFIX = "likeness."
CSV_COLUMNS = ("id", "performer", "aliases", "kind", "project", "episodes", "shots",
               "granted", "expires", "document", "notes")
CAPTURE_KEYS = ("consent", "consent_record", "consent_document", "consent_reason")


@dataclass(frozen=True)
class Scope:
    """Where a consent applies; None for a part means every value."""

    project: str | None = None
    episodes: tuple[str, ...] | None = None
    shots: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ConsentRecord:
    """One signed consent of one performer."""

    id: str
    performer: str
    kind: str
    scope: Scope
    granted: date
    expires: date | None
    document: str
    aliases: tuple[str, ...] = ()
    notes: str = ""
    location: str = ""

    def names(self) -> list[str]:
        """The performer's name and aliases, normalised for matching."""
        return [normalise(n) for n in (self.performer, *self.aliases)]


@dataclass
class ConsentRegistry:
    """The records of one registry file, indexed by normalised performer name."""

    path: str
    records: list[ConsentRecord] = field(default_factory=list)
    project: str | None = None

    def __post_init__(self) -> None:
        self._by_name: dict[str, list[ConsentRecord]] = {}
        for record in self.records:
            for name in dict.fromkeys(record.names()):
                self._by_name.setdefault(name, []).append(record)

    def for_performer(self, performer: str) -> list[ConsentRecord]:
        """Every record of a performer (by name or alias)."""
        return list(self._by_name.get(normalise(performer), []))


@dataclass(frozen=True)
class Use:
    """Where a likeness appears: the project, and candidate episode and shot ids."""

    project: str | None
    episodes: tuple[str, ...]
    shots: tuple[str, ...]


@dataclass(frozen=True)
class ConsentCheck:
    """The consent status of one performer in one use, and the record that decided it."""

    status: str
    performer: str
    reason: str
    record: ConsentRecord | None = None


def normalise(text: str) -> str:
    """Fold a name for matching: Unicode NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())
