"""Who may approve what: the ``[approvals]`` policy of the project configuration.

``require`` maps a key to the roles whose approval a finding needs, every one of them (an entry
``"producer|showrunner"`` is met by either); each must be one of ``roles``. A key is an approval trigger (``final_deliverable``,
``talent_likeness``, ``personal_data``, ``third_party_ip``), a category or category glob
(``generative.video``, ``likeness.*``), or ``*`` (every finding that requires approval). A finding
needs the union of the roles of every key it matches. ``roles`` lists the roles that exist; a
record naming another role is an error. Without a ``require`` table the default below applies.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any, Iterable, Mapping

from ..errors import ConfigError
from ..findings import Finding
from .model import TRIGGERS

DEFAULT_ROLES = ("producer", "legal", "vfx_supervisor", "post_supervisor", "showrunner", "director",
                 "editor", "artist", "client")
DEFAULT_REQUIRE: dict[str, list[str]] = {
    "*": ["producer"], "talent_likeness": ["legal", "producer"],
    "personal_data": ["legal"], "third_party_ip": ["legal"],
}
#: Rule tags that add an approval trigger to a rule's findings.
TRIGGER_TAGS = {"approval:personal_data": "personal_data", "personal-data": "personal_data",
                "approval:third_party_ip": "third_party_ip", "third-party-ip": "third_party_ip"}


@dataclass(frozen=True)
class Requirement:
    """One approval a finding needs: by one of these roles."""

    roles: tuple[str, ...]

    def label(self) -> str:
        """'producer' or 'producer|showrunner'."""
        return "|".join(self.roles)

    def met_by(self, role: str) -> bool:
        """Whether an approval by this role meets the requirement."""
        return role in self.roles


@dataclass
class ApprovalPolicy:
    """Known roles and the roles each kind of finding needs."""

    roles: tuple[str, ...] = DEFAULT_ROLES
    require: dict[str, list[Requirement]] = field(default_factory=dict)

    def requirements(self, finding: Finding) -> list[Requirement]:
        """The approvals a finding needs (empty when its rule requires none)."""
        if "approval" not in (finding.requires or []):
            return []
        triggers = triggers_of(finding)
        category = (finding.category or "").casefold()
        needed: dict[str, Requirement] = {}
        for key, requirements in self.require.items():
            if key == "*" or key in triggers or (key not in TRIGGERS and fnmatch.fnmatchcase(category, key.casefold())):
                needed.update((r.label(), r) for r in requirements)
        return list(needed.values())

    def counts(self, role: str, finding: Finding) -> bool:
        """Whether an approval by this role counts for this finding."""
        return any(r.met_by(role) for r in self.requirements(finding))


def triggers_of(finding: Finding) -> list[str]:
    """The approval triggers of a finding that requires approval.

    ``final_deliverable`` unless the clip is temp/previs material; ``talent_likeness`` for likeness
    categories; ``personal_data`` and ``third_party_ip`` from the rule's tags (``approval:personal_data``).
    """
    if "approval" not in (finding.requires or []):
        return []
    found = [] if finding.context else ["final_deliverable"]
    if (finding.category or "").startswith("likeness."):
        found.append("talent_likeness")
    for tag in finding.tags or []:
        trigger = TRIGGER_TAGS.get(str(tag).casefold())
        if trigger and trigger not in found:
            found.append(trigger)
    return found


def load_policy(value: Any, source: str = "configuration") -> ApprovalPolicy:
    """Build the policy from the configuration's ``approvals`` value (a ledger path, or a table)."""
    table = value if isinstance(value, dict) else {}
    roles = tuple(table.get("roles") or DEFAULT_ROLES)
    raw = table.get("require")
    require = _requirements(raw if raw is not None else DEFAULT_REQUIRE)
    policy = ApprovalPolicy(roles=tuple(dict.fromkeys(roles)), require=require)
    if raw is not None or table.get("roles"):
        _check(policy, bool(table.get("roles")), source)
    return policy


def _requirements(raw: Mapping[str, Iterable[str]]) -> dict[str, list[Requirement]]:
    return {str(key): [Requirement(tuple(p.strip() for p in str(entry).split("|") if p.strip())) for entry in entries]
            for key, entries in raw.items()}


def _check(policy: ApprovalPolicy, roles_given: bool, source: str) -> None:
    """Every role ``require`` names must be a known role (a typo would make a requirement unmeetable)."""
    for key, requirements in policy.require.items():
        for requirement in requirements:
            for role in requirement.roles:
                if role not in policy.roles:
                    close = get_close_matches(role, list(policy.roles), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else \
                        ("" if roles_given else "; list your roles in approvals.roles")
                    raise ConfigError(f"approvals.require.{key}: unknown role {role!r}{hint}", source)
            if not requirement.roles:
                raise ConfigError(f"approvals.require.{key}: empty role", source)


def describe(policy: ApprovalPolicy) -> dict[str, list[str]]:
    """The policy's requirements as plain lists (for `genflag config show` and docs)."""
    return {key: [r.label() for r in requirements] for key, requirements in policy.require.items()}
