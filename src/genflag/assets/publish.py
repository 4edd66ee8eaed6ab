"""Publish a check's findings onto the entities flagged clips use: policy → preflight → register.

Per timeline, every step is one batched call over the flagged entities: entityTraits (what
a registration must carry), resolve (the entity's current data, copied so the new
registration keeps its location and name), managementPolicy (does the manager take the
trait set for writing), preflight, register. genflag's ``genflag:review.Flagged`` trait is
added; the studio's own ``genflag:provenance.Generative`` data is kept, never rewritten.
One entity's failure is recorded and the others go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openassetio.access import EntityTraitsAccess, PolicyAccess, PublishingAccess
from openassetio.trait import TraitsData
from openassetio_mediacreation.traits.managementPolicy import ManagedTrait_v1

from .. import __version__
from ..findings import SEVERITY_RANK, Finding, RunResult, TimelineResult
from ..plugins import Writer, WriterSummary
from ..safe_text import describe_exception
from .host import AssetSession, BatchFailure, call_batch, required_session
from .resolve import resolve_references
from .traits.review import FlaggedTrait_v1

#: Longest finding message stored in the Flagged trait.
MESSAGE_LIMIT = 500


@dataclass
class PublishSummary(WriterSummary):
    """What a publish did; ``published`` maps each entity reference to the one the manager returned."""

    published: dict[str, str] = field(default_factory=dict)
    refused: bool = False


@dataclass(eq=False)
class _Item:
    """One flagged entity of a timeline and what will be registered onto it."""

    target: str
    ref: Any
    findings: list[Finding]
    data: Any = None
    working_ref: Any = None


class AssetWriter(Writer):
    """Writer plugin: publish findings to the configured OpenAssetIO manager."""

    name = "assets"
    description = "register findings onto their entities in the OpenAssetIO asset manager"

    def publish(self, run: RunResult, options: dict[str, Any], dry_run: bool = False) -> WriterSummary:
        """Publish through the manager named by options['asset_config'] or $OPENASSETIO_DEFAULT_CONFIG."""
        session = required_session(options.get("asset_config"))
        return publish_run(run, session, dry_run=dry_run)


def publish_run(run: RunResult, session: AssetSession, dry_run: bool = False) -> PublishSummary:
    """Register every timeline's flagged entities; errors are collected, never raised."""
    summary = PublishSummary()
    if not session.has_capability("kPublishing"):
        summary.refused = True
        summary.errors.append(f"asset manager {session.display_name} cannot publish (it has no "
                              "publishing capability): nothing was published")
        return summary
    accepted = 0
    for result in run.results:
        if result.errors:
            summary.messages.append(f"{result.path}: not published: the check of this timeline had errors")
            continue
        accepted += publish_timeline(result, session, summary, run.checked_at, dry_run)
    summary.refused = summary.refused and accepted == 0
    return summary


def publish_timeline(result: TimelineResult, session: AssetSession, summary: PublishSummary,
                     checked_at: str = "", dry_run: bool = False) -> int:
    """Publish one timeline's flagged entities in one batch per step; return how many the policy took."""
    items = _flagged_items(result, session, summary)
    items = _with_current_data(items, result, session, summary, checked_at)
    items = _allowed_by_policy(items, result, session, summary)
    accepted = len(items)
    items = _preflight(items, result, session, summary)
    if dry_run:
        summary.unchanged += len(items)
        summary.messages.extend(f"{result.path}: would register {i.target} "
                                f"({len(i.findings)} finding(s))" for i in items)
    else:
        _register(items, result, session, summary)
    return accepted


def flag_properties(findings: Sequence[Finding], timeline: str, checked_at: str = "") -> dict[str, Any]:
    """Return the genflag:review.Flagged properties summarising one entity's findings."""
    open_findings = [f for f in findings if f.counts_toward_failure()]
    worst = max(open_findings or findings, key=lambda f: SEVERITY_RANK.get(f.severity, -1))
    properties = {
        "rules": ",".join(sorted({f.rule for f in findings})),
        "severity": worst.severity, "status": "open" if open_findings else "cleared",
        "findingCount": len(findings), "message": worst.message[:MESSAGE_LIMIT],
        "tools": ",".join(sorted({f.tool for f in findings if f.tool})),
        "timeline": timeline, "checkedAt": checked_at, "genflagVersion": __version__,
    }
    return {key: value for key, value in properties.items() if value != ""}


def registration_data(required: Iterable[str], current: Any, flags: dict[str, Any]) -> Any:
    """Return the TraitsData to register: the entity's required traits as they are, plus Flagged."""
    data = TraitsData()
    for trait_id in required:
        data.addTrait(trait_id)
        if current.hasTrait(trait_id):
            for key in current.traitPropertyKeys(trait_id):
                data.setTraitProperty(trait_id, key, current.getTraitProperty(trait_id, key))
    view = FlaggedTrait_v1(data)
    view.imbue()
    for key, value in flags.items():
        getattr(view, "set" + key[0].upper() + key[1:])(value)
    return data


def _flagged_items(result: TimelineResult, session: AssetSession, summary: PublishSummary) -> list[_Item]:
    by_target: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.media:
            by_target.setdefault(finding.media, []).append(finding)
    items, skipped = [], 0
    for target, findings in by_target.items():
        ref = session.manager.createEntityReferenceIfValid(target)
        if ref is None:
            skipped += len(findings)
        else:
            items.append(_Item(target, ref, findings))
    no_media = sum(1 for f in result.findings if not f.media)
    if skipped or no_media:
        summary.messages.append(f"{result.path}: {skipped + no_media} finding(s) on clips without an entity "
                                f"reference of {session.display_name}: not published")
    return items


def _with_current_data(items: list[_Item], result: TimelineResult, session: AssetSession,
                       summary: PublishSummary, checked_at: str) -> list[_Item]:
    if not items:
        return items
    required = call_batch(lambda refs, ok, fail: session.manager.entityTraits(
        refs, EntityTraitsAccess.kWrite, session.context, ok, fail), [i.ref for i in items])
    wanted = set().union(*(r for r in required if not isinstance(r, BatchFailure)))
    current = resolve_references(session, [i.ref for i in items], wanted)
    kept = []
    for item, traits, data in zip(items, required, current, strict=True):
        failure = traits if isinstance(traits, BatchFailure) else data if isinstance(data, BatchFailure) else None
        if failure is not None:
            _error(summary, result, item, "cannot read the entity", failure)
            continue
        item.data = registration_data(sorted(traits), data, flag_properties(item.findings, result.path, checked_at))
        kept.append(item)
    return kept


def _allowed_by_policy(items: list[_Item], result: TimelineResult, session: AssetSession,
                       summary: PublishSummary) -> list[_Item]:
    if not items:
        return items
    try:
        managed = _managed_trait_sets({frozenset(i.data.traitSet()) for i in items}, session)
    except Exception as exc:  # the policy query is not a batch: one failure covers the timeline
        for item in items:
            _error(summary, result, item, "management policy query failed",
                   BatchFailure("managerException", describe_exception(exc)))
        return []
    kept = [i for i in items if frozenset(i.data.traitSet()) in managed]
    if not kept:
        summary.refused = True
        summary.errors.append(f"{result.path}: asset manager {session.display_name} is read-only for "
                              f"genflag's flags (its management policy does not manage "
                              f"{FlaggedTrait_v1.kId} for writing): nothing was published")
    for item in items:
        if kept and item not in kept:
            _error(summary, result, item, "refused by the manager's policy",
                   BatchFailure("notManaged", "the trait set is not managed for writing"))
    return kept


def _managed_trait_sets(trait_sets: set[frozenset[str]], session: AssetSession) -> set[frozenset[str]]:
    """Ask the manager's write policy for every distinct trait set at once; return those it manages."""
    ordered = sorted(trait_sets, key=sorted)
    policies = session.manager.managementPolicy([set(s) for s in ordered], PolicyAccess.kWrite, session.context)
    return {s for s, policy in zip(ordered, policies, strict=True) if ManagedTrait_v1.isImbuedTo(policy)}


def _preflight(items: list[_Item], result: TimelineResult, session: AssetSession,
               summary: PublishSummary) -> list[_Item]:
    if not items:
        return items
    outcomes = call_batch(lambda batch, ok, fail: session.manager.preflight(
        [i.ref for i in batch], [i.data for i in batch], PublishingAccess.kWrite, session.context, ok, fail),
        items)
    kept = []
    for item, outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, BatchFailure):
            _error(summary, result, item, "preflight failed", outcome)
        else:
            item.working_ref = outcome
            kept.append(item)
    return kept


def _register(items: list[_Item], result: TimelineResult, session: AssetSession, summary: PublishSummary) -> None:
    if not items:
        return
    outcomes = call_batch(lambda batch, ok, fail: session.manager.register(
        [i.working_ref for i in batch], [i.data for i in batch], PublishingAccess.kWrite, session.context,
        ok, fail), items, retry_singly=False)
    for item, outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, BatchFailure):
            _error(summary, result, item, "register failed", outcome)
        else:
            summary.published[item.target] = outcome.toString()
            summary.changed += 1


def _error(summary: PublishSummary, result: TimelineResult, item: _Item, step: str, failure: BatchFailure) -> None:
    first = item.findings[0]
    where = f"{result.path}:{first.track}@{first.record_in or '?'}"
    summary.errors.append(f"{where}: error: {item.target} (clip {first.clip!r}): {step}: {failure}")
