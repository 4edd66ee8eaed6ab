"""Consent registry: load performer consent records and mark likeness findings granted, missing, expired or out of scope.

A registry is YAML (``genflag_consents: 1``) or CSV (one record a row), validated against
``schemas/consent.schema.json``; every problem is reported as ``file:line[:col]: error: ...``.
See docs/reports.md for the format. Consent status is stored on each likeness finding's
``captures`` (``consent``, ``consent_record``, ``consent_document``, ``consent_reason``) plus one
evidence entry, so every output format carries it; missing, expired and out-of-scope consent
raise the finding to ``error``.
"""

from .loader import load_registry, parse_registry
from .matching import (
                       annotate_finding,
                       annotate_run,
                       check_consent,
                       consent_status,
                       is_likeness,
                       performers_of,
                       use_of,
)
from .model import (
                       BLOCKING,
                       KINDS,
                       STATUSES,
                       ConsentCheck,
                       ConsentRecord,
                       ConsentRegistry,
                       Scope,
                       Use,
                       normalise,
)

__all__ = ["BLOCKING", "KINDS", "STATUSES", "ConsentCheck", "ConsentRecord", "ConsentRegistry", "Scope", "Use",
           "annotate_finding", "annotate_run", "check_consent", "consent_status", "is_likeness", "load_registry",
           "normalise", "parse_registry", "performers_of", "use_of"]
