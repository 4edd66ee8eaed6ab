"""`genflag approvals list|verify|explain`: read the approvals ledger, verify its chain, and
explain a clip's approval state."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..errors import EXIT_FINDINGS, EXIT_OK, UsageError
from ..safe_text import terminal
from .options import add_check_options
from .settings import ledger_path, policy


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `approvals` and its list, verify and explain subcommands."""
    parser = subparsers.add_parser("approvals", help="list, verify or explain written approvals",
                                   description="Read the approvals ledger (docs/approvals.md). Exit codes: 0 listed, verified "
                                               "or explained, 2 a malformed ledger or a broken chain (the first "
                                               "broken line is named), 3 internal error.")
    commands = parser.add_subparsers(dest="approvals_command", metavar="ACTION")
    commands.required = True
    listing = commands.add_parser("list", help="one line per record")
    _ledger_option(listing)
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(run=run_list)
    verify = commands.add_parser("verify", help="verify every line and the hash chain; print the head hash")
    _ledger_option(verify)
    verify.add_argument("--cut", action="append", default=[], metavar="TIMELINE",
                        help="also check that records given on these cuts name clips that are in them")
    verify.set_defaults(run=run_verify)
    explain = commands.add_parser("explain", help="why a clip's findings are approved, stale, rejected or pending")
    explain.add_argument("cut", metavar="CUT")
    explain.add_argument("clip", metavar="CLIP", help="a clip name or a shot (SH020)")
    add_check_options(explain)  # includes --approvals
    explain.set_defaults(run=run_explain)


def _ledger_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--approvals", metavar="FILE", help="the ledger (default: approvals in genflag.toml)")
    parser.set_defaults(media_root=[], cache_dir=None)


def _ledger(args: argparse.Namespace) -> Any:
    from ..approvals.ledger import read_ledger
    path = ledger_path(args)
    if not path:
        raise UsageError("no approvals ledger: give --approvals FILE or set approvals in genflag.toml")
    return read_ledger(path, policy(args).roles)


def run_list(args: argparse.Namespace) -> int:
    """Print every record (the ledger is verified first)."""
    ledger = _ledger(args)
    if args.format == "json":
        print(json.dumps({"ledger": ledger.describe(), "records": [
            {**r.to_dict(), "line": n, "hash": r.hash} for n, r in enumerate(ledger.records, start=1)]},
            indent=2, ensure_ascii=False))
        return EXIT_OK
    for number, record in enumerate(ledger.records, start=1):
        media = f"{len(record.media)} media" if record.media else ("unbound" if record.unbound else "no media")
        print(f"{ledger.path}:{number}: {record.at} {record.decision} {terminal(record.covers.label(), 200)} "
              f"by {terminal(record.who(), 120)} ref {terminal(record.ref, 120)} ({media})")
    print(f"{len(ledger.records)} record(s); head {ledger.head}")
    return EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    """Verify every line and the chain (any problem: FILE:LINE: error, exit 2); optionally against cuts."""
    ledger = _ledger(args)
    if args.cut:
        _verify_against_cuts(args, ledger)
    print(f"{ledger.path}: {len(ledger.records)} record(s), chain intact; head {ledger.head}")
    return EXIT_OK


def _verify_against_cuts(args: argparse.Namespace, ledger: Any) -> None:
    from ..approvals.cut import CheckedCut
    from ..approvals.ledger import LedgerError
    from ..findings import TimelineResult
    from ..timeline.read import read_timeline, timelines_in
    from ..timeline.walk import iter_clip_places
    for path in args.cut:
        obj = read_timeline(path)
        for timeline in timelines_in(obj):
            name = getattr(timeline, "name", "") or ""
            cut = CheckedCut(path, TimelineResult(path), [name], [p.clip.name for p in iter_clip_places(timeline)])
            for record in ledger.records:
                if record.given_on.get("timeline") != name:
                    continue
                try:
                    cut.require(record.covers.clips[0] if record.covers.clips else None, record.covers.shot)
                except UsageError as exc:
                    raise LedgerError(f"record given on timeline {name!r} ({path}): {exc.message}",
                                      record.location) from None


def run_explain(args: argparse.Namespace) -> int:
    """Check CUT with the approvals in use and explain every finding of the clip or shot."""
    from ..approvals.cut import check_cut
    from ..check.checker import Checker
    from ..findings import RunResult
    from .approve import _one_timeline
    from .settings import check_options, post_check, show_warnings
    cut = check_cut(_one_timeline(args.cut), Checker(check_options(args)))
    findings = cut.findings_of(args.clip)
    if not findings:
        cut.require(None if cut.has_shot(args.clip) else args.clip, None)
        print(f"{args.clip}: no findings in {cut.path}")
        return EXIT_OK
    run = RunResult([cut.result])
    inputs = post_check(args).run(run)
    show_warnings(inputs)
    from ..approvals.explain import explain_lines
    from .settings import effective, media_roots
    for line in explain_lines(findings, inputs, media_roots(args), effective(args, "cache_dir", None)[0]):
        print(line)
    return EXIT_FINDINGS if any(f.counts_toward_failure() for f in findings) else EXIT_OK
