"""`genflag approve CUT --clip NAME | --shot SH020 ... --by NAME --role ROLE --ref REF`: record a
written approval (or a rejection, or a revocation) bound to the media the clip uses now."""

from __future__ import annotations

import argparse
import json
from difflib import get_close_matches
from typing import Any

from ..errors import EXIT_OK, UsageError
from .options import add_check_options
from .settings import check_options, effective, ledger_path, media_roots, policy


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the approve subcommand."""
    parser = subparsers.add_parser(
        "approve", help="record a written approval bound to the media a clip uses now",
        description="Check CUT, fingerprint the media of the clip or shot now, and append an approval "
                    "record to the approvals ledger (docs/approvals.md). Exit codes: 0 recorded (or shown with "
                    "--dry-run), 2 a bad ledger, clip, role or option, 3 internal error.")
    parser.add_argument("cut", metavar="CUT", help="the timeline the approval is given on")
    what = parser.add_argument_group("what").add_mutually_exclusive_group(required=True)
    what.add_argument("--clip", metavar="NAME", help="the clip (exact name)")
    what.add_argument("--shot", metavar="SHOT", help="every clip of the shot (e.g. SH020)")
    narrow = parser.add_argument_group("narrow to (repeatable)")
    narrow.add_argument("--rule", action="append", default=[], metavar="ID", help="only findings of this rule")
    narrow.add_argument("--category", action="append", default=[], metavar="CAT",
                        help="only findings of this category (globs: likeness.*)")
    narrow.add_argument("--trigger", action="append", default=[], metavar="TRIGGER",
                        choices=("final_deliverable", "talent_likeness", "personal_data", "third_party_ip"),
                        help="only findings with this approval trigger")
    who = parser.add_argument_group("who and which written approval")
    who.add_argument("--by", required=True, metavar="NAME", help="the approver's name")
    who.add_argument("--role", required=True, metavar="ROLE", help="the approver's role ([approvals] roles)")
    who.add_argument("--ref", required=True, metavar="REF", help="the written approval: ticket, email id, document")
    who.add_argument("--note", default="", metavar="TEXT", help="a note kept with the record")
    decision = parser.add_argument_group("decision").add_mutually_exclusive_group()
    decision.add_argument("--reject", action="store_true", help="record a rejection instead of an approval")
    decision.add_argument("--revoke", action="store_true", help="withdraw this role's earlier decision")
    parser.add_argument("--unbound", action="store_true",
                        help="record without binding to media (a clip with no local media: never turns stale)")
    parser.add_argument("--dry-run", action="store_true", help="print the record; write nothing")
    add_check_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the cut, build the record, and append it to the ledger (or print it with --dry-run)."""
    from ..approvals.cut import check_cut
    from ..approvals.fingerprint import Hasher
    from ..approvals.ledger import append_record
    from ..approvals.recording import prepare
    from ..check.checker import Checker
    rules_policy = policy(args)
    _check_role(args.role, rules_policy.roles)
    ledger = ledger_path(args)
    if not ledger:
        raise UsageError("no approvals ledger: give --approvals FILE or set approvals in genflag.toml")
    _check_text(args)
    cut = check_cut(_one_timeline(args.cut), Checker(check_options(args)))
    with Hasher(effective(args, "cache_dir", None)[0]) as hasher:
        prepared = prepare(cut, _request(args), rules_policy, hasher, media_roots(args), _samples(args))
    _print_covered(prepared, args)
    if args.dry_run:
        print(f"would append to {ledger}:")
        print(json.dumps(prepared.record.to_dict(), indent=2, ensure_ascii=False))
        return EXIT_OK
    landed = append_record(ledger, prepared.record, rules_policy.roles)
    print(f"{ledger}: line {landed.line} appended; head {landed.hash}")
    return EXIT_OK


def _request(args: argparse.Namespace) -> Any:
    from ..approvals.model import Covers
    from ..approvals.recording import Request
    decision = "rejected" if args.reject else "revoked" if args.revoke else "approved"
    scope = Covers(shot=args.shot, clips=(args.clip,) if args.clip else (), rules=tuple(args.rule),
                   categories=tuple(args.category), triggers=tuple(args.trigger))
    return Request(decision, scope, args.by.strip(), args.role, args.ref.strip(), args.note.strip(), args.unbound)


def _check_role(role: str, roles: tuple[str, ...]) -> None:
    if role in roles:
        return
    close = get_close_matches(role, list(roles), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise UsageError(f"--role: unknown role {role!r} ({hint}roles of the [approvals] policy: {', '.join(roles)})")


def _check_text(args: argparse.Namespace) -> None:
    for option in ("by", "ref"):
        value = getattr(args, option).strip()
        if not value or len(value) > 500 or any(ord(ch) < 32 for ch in value):
            raise UsageError(f"--{option} must be one line of 1 to 500 characters")


def _one_timeline(spec: str) -> str:
    from ..timeline.inputs import expand_inputs
    paths = expand_inputs([spec])
    if len(paths) != 1:
        raise UsageError(f"approve takes one timeline file; {spec!r} gives {len(paths)}")
    return paths[0]


def _samples(args: argparse.Namespace) -> int:
    from .settings import project_config
    probes = project_config(args).get("probes") or {}
    value = probes.get("sequence_samples") if isinstance(probes, dict) else None
    return value if isinstance(value, int) and value > 0 else 3


def _print_covered(prepared: Any, args: argparse.Namespace) -> None:
    from ..safe_text import terminal
    record = prepared.record
    verb = {"approved": "approves", "rejected": "rejects", "revoked": "revokes"}[record.decision]
    print(f"{record.who()} {verb} {terminal(record.covers.label(), 200)}, ref {terminal(record.ref, 120)}:")
    for finding in prepared.covered:
        where = f"{terminal(finding.track, 40)}@{finding.record_in}" if finding.record_in else terminal(finding.track, 40)
        print(f"  {where} {terminal(finding.clip, 80)}: {finding.rule} ({finding.category})")
    for printed in record.media:
        print(f"  media {printed.short()} {terminal(printed.path, 300)}"
              + (f" ({printed.frame_count} frames)" if printed.kind == "sequence" else ""))
    if record.unbound:
        print("  not bound to media: a re-render will not make this approval stale")
