"""`genflag merge PARTS... -o RESULT`: combine `check --shard I/N` partial results into one run's result."""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import Any

from ..errors import GenflagError, UsageError
from ..files.output_paths import resolve_output, write_output
from ..files.schemas import validator
from ..findings import RunResult, TimelineResult
from ..registry import registry
from .options import FAIL_ON
from .outcome import exit_code, set_output_fail_level


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the merge subcommand."""
    parser = subparsers.add_parser("merge", help="combine partial results of `check --shard I/N`",
                                   description="Combine the JSON results of `genflag check --shard I/N` runs into "
                                   "what one run over everything gives. Exit codes as for check.")
    parser.add_argument("parts", nargs="+", metavar="PART")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the merged result here (default: stdout)")
    parser.add_argument("--format", default="json", help="output format of the merged result (default: json)")
    parser.add_argument("--fail-on", choices=FAIL_ON, default="error")
    parser.set_defaults(run=run)


def _load(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise GenflagError(exc.strerror or str(exc), path) from None
    except json.JSONDecodeError as exc:
        raise GenflagError(f"not JSON: {exc.msg} at line {exc.lineno}", path) from None
    errors = list(validator("findings.schema.json").iter_errors(data))
    if errors:
        raise GenflagError(f"not a genflag result: {errors[0].message}", path)
    if "shard" not in data:
        raise GenflagError("not a partial result (written without --shard)", path)
    return data


def merge_parts(parts: list[dict[str, Any]], names: list[str]) -> RunResult:
    """Merge shard documents into the result one run over all inputs gives (input order kept)."""
    first = parts[0]["shard"]
    count, inputs = first["count"], first["inputs"]
    seen: dict[int, str] = {}
    for data, name in zip(parts, names):
        shard = data["shard"]
        if shard["count"] != count or shard["inputs"] != inputs:
            raise GenflagError("belongs to a different run (its inputs or shard count differ)", name)
        if shard["index"] in seen:
            raise GenflagError(f"shard {shard['index']}/{count} given twice (also {seen[shard['index']]})", name)
        seen[shard["index"]] = name
    missing = sorted(set(range(1, count + 1)) - set(seen))
    if missing:
        raise UsageError(f"missing shard(s) {', '.join(f'{i}/{count}' for i in missing)}")
    by_path = {t["path"]: t for data in parts for t in data["timelines"]}
    runs = [RunResult.from_dict(data) for data in parts]
    heads = {json.dumps(r.approvals, sort_keys=True) for r in runs}
    if len(heads) > 1:  # the ledger grew between shards: each part's findings say which approvals they saw
        print("genflag merge: warning: the parts were checked against different approvals (ledger head or "
              "sources); the merged result names the first part's", file=sys.stderr)
    return RunResult(results=[TimelineResult.from_dict(by_path[p]) for p in inputs],
                     rule_pack=runs[0].rule_pack, checked_at=min(r.checked_at for r in runs),
                     elapsed=max(r.elapsed for r in runs), interrupted=any(r.interrupted for r in runs),
                     approvals=runs[0].approvals)


def run(args: argparse.Namespace) -> int:
    """Merge the parts and write the result."""
    target = resolve_output(args.output, args.parts) if args.output and args.output != "-" else None
    merged = merge_parts([_load(p) for p in args.parts], list(args.parts))
    try:
        output = registry.get("output", args.format)()
    except (KeyError, ImportError) as exc:
        raise UsageError(str(exc).strip('"')) from None
    set_output_fail_level(output, args.fail_on)
    buffer = io.StringIO()
    output.render(merged, buffer)
    if target is not None:
        write_output(target, buffer.getvalue())
    else:
        sys.stdout.write(buffer.getvalue())
    return exit_code(merged, args.fail_on)
