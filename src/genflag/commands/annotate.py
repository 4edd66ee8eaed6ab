"""`genflag annotate` and `genflag strip`: write flags into a timeline, or remove them, safely."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..check.batch import limits_for
from ..check.checker import Checker
from ..check.isolation import Limits, default_memory_limit
from ..errors import EXIT_OK, UsageError
from ..files.output_paths import is_stdout, resolve_output
from ..safe_text import terminal
from ..timeline.read import adapter_for, read_timeline
from ..timeline.walk import clip_places
from ..timeline.write import BUNDLE_ADAPTERS, write_timeline, writer_adapter
from ..writeback.annotate import annotate_object, strip_object
from ..writeback.carriers import prepare_for_format
from ..writeback.source_text import SourceFile
from ..writeback.splice import splice_writer
from . import annotate_outputs as extra
from .isolated_command import isolated
from .options import FAIL_ON, add_check_options, parse_adapter_args
from .outcome import exit_code
from .settings import check_options, run_inputs


def writer_args(args: argparse.Namespace) -> dict[str, object]:
    """Writer keyword arguments from --writer-arg KEY=VALUE."""
    return parse_adapter_args(args.writer_arg, option="--writer-arg")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register annotate and strip."""
    annotate = subparsers.add_parser("annotate", help="write flags into a timeline as metadata and markers",
                                     description="Check a timeline and write each finding onto its clip. "
                                     "The output format follows OUT's extension. Exit codes: 0 written (or "
                                     "--dry-run), 1 with --fail-on LEVEL: open findings at or above it remain, "
                                     "2 usage error or the timeline could not be read or written.")
    _io_options(annotate)
    add_check_options(annotate)
    annotate.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    annotate.add_argument("--fail-on", choices=FAIL_ON, default="never",
                          help="exit 1 when findings at or above this severity remain (default: never)")
    extra.add_annotate_marker_options(annotate)
    annotate.set_defaults(run=run_annotate)
    strip = subparsers.add_parser("strip", help="remove everything genflag wrote into a timeline",
                                  description="Remove genflag's metadata, markers and comments from a timeline. "
                                  "Exit codes: 0 done (or nothing to remove), 2 usage error or the timeline could "
                                  "not be read or written.")
    _io_options(strip)
    strip.add_argument("--adapter", help="OpenTimelineIO adapter for reading (default: by extension)")
    review = strip.add_mutually_exclusive_group()
    review.add_argument("--keep-review", dest="keep_review", action="store_true", default=True,
                        help="keep editors' review marks (genflag.review): the default")
    review.add_argument("--drop-review", dest="keep_review", action="store_false",
                        help="remove editors' review marks too (named on standard error)")
    strip.add_argument("--dry-run", action="store_true", help="print how many clips would change; write nothing")
    strip.set_defaults(run=run_strip)


def _io_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN")
    parser.add_argument("-o", "--output", metavar="OUT", help="output timeline (format by extension)")
    parser.add_argument("--in-place", action="store_true", help="overwrite IN (atomically)")
    parser.add_argument("--backup", action="store_true", help="with --in-place: keep the previous file as IN.bak")
    parser.add_argument("--writer-arg", action="append", default=[], metavar="KEY=VALUE",
                        help="extra keyword argument for the writing adapter, e.g. use_empty_mob_ids=true (AAF) "
                             "or media_policy=MissingIfNotFile (otioz/otiod)")
    parser.add_argument("--full-write", action="store_true",
                        help=".otio to .otio: write the whole timeline with OpenTimelineIO's writer, instead of "
                             "replacing only the changed clips in the input's text")
    extra.add_track_options(parser)


def _output_path(args: argparse.Namespace) -> str | None:
    """OUT (or IN with --in-place), checked now so a refused output fails before the check runs."""
    if args.in_place and args.output:
        raise UsageError("give either -o OUT or --in-place, not both")
    if args.backup and not args.in_place:
        raise UsageError("--backup only applies with --in-place")
    out = args.input if args.in_place else args.output
    if not out:
        if args.dry_run:
            return None
        raise UsageError("give -o OUT (or --in-place to overwrite the input)")
    name = writer_adapter(out)  # fails early on an extension with no writer
    resolve_output(out, _inputs(args), replace_input=args.in_place, bundle=name in BUNDLE_ADAPTERS,
                   hint="; use --in-place")
    return out


def _inputs(args: argparse.Namespace) -> list[str]:
    return run_inputs(args, [args.input]) if hasattr(args, "rules") else [args.input]


def _status(out: str, text: str) -> None:
    """Print a status line: on stderr when the timeline itself goes to standard output."""
    stream = sys.stderr if is_stdout(out) else sys.stdout
    print(f"{terminal(out, 300)}: {text}", file=stream)


def run_annotate(args: argparse.Namespace) -> int:
    """Annotate IN and write OUT (or print the changes with --dry-run)."""
    out = _output_path(args)
    extra.check_markers_output(args, out)
    checker = Checker(check_options(args))
    limits = limits_for(checker.options, 1)
    return isolated(args.input, lambda: _annotate(args, out, checker), limits)


def _annotate(args: argparse.Namespace, out: str | None, checker: Checker) -> int:
    options = checker.options
    source = _splice_source(args, out, options.adapter)  # stamped before the read
    obj = read_timeline(args.input, options.adapter, options.rate, adapter_args=options.adapter_args)
    outcome = annotate_object(obj, args.input, checker)
    for warning in outcome.result.warnings:
        print(terminal(f"{args.input}: warning: {warning}", 1000), file=sys.stderr)
    if args.dry_run:
        for line in outcome.changes:
            print(f"would change {terminal(line, 1000)}")
        print(f"{outcome.changed_clips} clip(s) would change; {len(outcome.result.findings)} finding(s)")
        extra.print_split_plan(obj, out, args)  # which EDL would hold which track
        return EXIT_OK
    assert out is not None  # only --dry-run goes without an output
    if args.in_place and outcome.changed_clips == 0:
        _status(out, f"{len(outcome.result.findings)} finding(s); unchanged (flags already up to date)")
        extra.write_markers(args, obj, outcome.result, out)
        return _exit(outcome, args)
    prepare_for_format(obj, out, writer_adapter(out))
    if extra.write_split(obj, out, args, writer_args(args)):  # several tracks to .edl: a file each
        extra.write_markers(args, obj, outcome.result, out)
        return _exit(outcome, args)
    written = write_timeline(obj, out, backup=args.backup, skip_if_same=args.in_place, writer_args=writer_args(args),
                             writer=splice_writer(source, obj, outcome.changed, outcome.result.clips),
                             inputs=_inputs(args), in_place=args.in_place)
    state = f"{outcome.changed_clips} clip(s) changed" if written else "unchanged"
    _status(out, f"{len(outcome.result.findings)} finding(s) on "
            f"{len({f.clip_index for f in outcome.result.findings})} clip(s); {state}")
    extra.write_markers(args, obj, outcome.result, out)
    return _exit(outcome, args)


def _splice_source(args: argparse.Namespace, out: str | None, adapter: str | None) -> SourceFile | None:
    """The input, stamped before it is read, when OUT may be written by splicing (writeback/splice.py)."""
    if out is None or args.full_write or args.writer_arg:
        return None
    if adapter_for(args.input, adapter) != "otio_json" or writer_adapter(out) != "otio_json":
        return None
    return SourceFile.before_read(args.input)


def _exit(outcome: "object", args: argparse.Namespace) -> int:
    from ..findings import RunResult
    return exit_code(RunResult([outcome.result]), args.fail_on)  # type: ignore[attr-defined]


def _clip_count(obj: Any) -> int:
    return len(clip_places(obj)) if hasattr(obj, "tracks") else 0


def _say_reviews(reviews: list[str], kept: bool, dry_run: bool) -> None:
    """Name the editors' review marks kept, or (loudly, on standard error) those dropped."""
    if not reviews:
        return
    listed = "; ".join(reviews[:20]) + (f"; and {len(reviews) - 20} more" if len(reviews) > 20 else "")
    if kept:
        print(f"kept editors' review marks on {len(reviews)} clip(s): {listed}")
        return
    verb = "would drop" if dry_run else "DROPPED"
    print(f"warning: {verb} editors' review marks (genflag.review) from {len(reviews)} clip(s): {listed}. "
          "Written approvals are in the approvals ledger, never only in the timeline.", file=sys.stderr)


def run_strip(args: argparse.Namespace) -> int:
    """Remove genflag's metadata and markers from IN, writing OUT."""
    out = _output_path(args)
    return isolated(args.input, lambda: _strip(args, out), Limits(memory=default_memory_limit()))


def _strip(args: argparse.Namespace, out: str | None) -> int:
    source = _splice_source(args, out, args.adapter)
    obj = read_timeline(args.input, args.adapter)
    clips: dict[int, Any] = {}
    reviews: list[str] = []
    changed = strip_object(obj, keep_review=args.keep_review, changed=clips, reviews=reviews)
    _say_reviews(reviews, args.keep_review, args.dry_run or out is None)
    if args.dry_run or out is None:
        print(f"{changed} clip(s) would change")
        return EXIT_OK
    writer = splice_writer(source, obj, clips, _clip_count(obj)) if source else None
    if extra.write_split(obj, out, args, writer_args(args)):  # several tracks to .edl: a file each
        return EXIT_OK
    if not write_timeline(obj, out, backup=args.backup, skip_if_same=args.in_place, writer_args=writer_args(args),
                          writer=writer, inputs=_inputs(args), in_place=args.in_place):
        _status(args.input, "unchanged (nothing from genflag found)")
        return EXIT_OK
    _status(out, f"removed genflag marks from {changed} clip(s)")
    return EXIT_OK
