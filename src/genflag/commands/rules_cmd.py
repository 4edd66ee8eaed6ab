"""`genflag rules validate|list|explain|test|fields`: work with rule packs."""

from __future__ import annotations

import argparse
import json
from difflib import get_close_matches
from typing import Any

from ..check.selftest import run_rule_tests
from ..errors import EXIT_FINDINGS, EXIT_OK, ProblemsError, UsageError
from ..facts.catalogue import FIELD_DOCS
from ..rules.loader import load_rule_file
from ..rules.model import Rule
from ..rules.pack import RulePack, load_pack, rule_files_in
from ..safe_text import json_dumps, terminal, terminal_lines


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `genflag rules` and its subcommands."""
    parser = subparsers.add_parser("rules", help="validate, list, explain and test rule packs")
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    validate = sub.add_parser("validate", help="validate rule files (all problems, with file:line:col)")
    validate.add_argument("files", nargs="+", metavar="FILE_OR_DIR")
    validate.set_defaults(run=run_validate)
    for name, func, text in (("list", run_list, "list the effective rules"),
                             ("test", run_test, "run the test cases rules carry"),
                             ("explain", run_explain, "show one rule's documentation and logic")):
        cmd = sub.add_parser(name, help=text)
        if name == "explain":
            cmd.add_argument("rule_id", metavar="RULE_ID")
        if name == "test":
            cmd.add_argument("files", nargs="*", metavar="FILE_OR_DIR", help="only test rules from these files")
        cmd.add_argument("--rules", action="append", default=[], metavar="FILE_OR_DIR")
        cmd.add_argument("--no-default-rules", action="store_true")
        cmd.add_argument("--format", choices=("text", "json"), default="text")
        cmd.set_defaults(run=func)
    fields = sub.add_parser("fields", help="list the fact fields rules can match")
    fields.set_defaults(run=run_fields)


def run_validate(args: argparse.Namespace) -> int:
    """Validate each file on its own; print every problem; exit 2 if any."""
    problems = []
    count = 0
    for source in args.files:
        for path in rule_files_in(source):
            try:
                rule_file = load_rule_file(path)
                count += len(rule_file.rules)
            except ProblemsError as exc:
                problems.extend(exc.problems)
    if problems:
        raise ProblemsError(problems)
    print(f"ok: {count} rule(s) valid")
    return EXIT_OK


def _pack(args: argparse.Namespace) -> RulePack:
    extra = list(args.rules) + list(getattr(args, "files", []) or [])
    return load_pack(extra, include_default=not args.no_default_rules)


def run_list(args: argparse.Namespace) -> int:
    """Print the effective rules of the pack."""
    pack = _pack(args)
    rows = [{"id": r.id, "category": r.category, "severity": r.severity, "enabled": r.enabled,
             "requires": r.requires, "tool": r.tool, "title": r.title, "pack": r.pack} for r in pack.rules.values()]
    if args.format == "json":
        print(json_dumps({"packs": pack.describe()["packs"], "rules": rows}, indent=2, ensure_ascii=True))
        return EXIT_OK
    for row in rows:
        state = "" if row["enabled"] else "  (disabled)"
        print(f"{terminal(row['id'], 128):<44} {terminal(row['severity'], 20):<8} {terminal(row['category'], 80):<30} "
              f"{terminal(row['title'])}{state}")
    print(f"{len(rows)} rule(s) from {terminal(pack.version(), 500)}")
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    """Print one rule's documentation, selections and condition."""
    pack = _pack(args)
    rule = pack.rules.get(args.rule_id)
    if rule is None:
        close = get_close_matches(args.rule_id, list(pack.rules), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"no rule {args.rule_id!r}{hint}")
    if args.format == "json":
        print(json_dumps(_explain_dict(rule), indent=2, ensure_ascii=True))
        return EXIT_OK
    for line in _explain_lines(rule):
        print(line)
    return EXIT_OK


def _explain_dict(rule: Rule) -> dict[str, Any]:
    return {"id": rule.id, "title": rule.title, "description": rule.description, "category": rule.category,
            "severity": rule.severity, "requires": rule.requires, "tool": rule.tool, "vendor": rule.vendor,
            "status": rule.status, "enabled": rule.enabled, "message": rule.message, "tags": rule.tags,
            "references": rule.references, "falsepositives": rule.falsepositives,
            "selections": {name: [[leaf.key for leaf in group] for group in sel.alternatives]
                           for name, sel in rule.selections.items()},
            "strength": dict(rule.selection_strength), "messages": dict(rule.messages),
            "source": f"{rule.source}:{rule.line}"}


def _explain_lines(rule: Rule) -> list[str]:
    """The rule's documentation for a terminal: every text from the rule pack escaped (safe_text.py)."""
    data = _explain_dict(rule)
    t = terminal
    lines = [f"{t(rule.id)}: {t(rule.title, 500)}", f"  defined at   {t(data['source'], 1000)}",
             f"  category     {t(rule.category)}", f"  severity     {t(rule.severity)}" + ("" if rule.enabled else " (disabled)"),
             f"  requires     {t(', '.join(rule.requires)) or '-'}",
             f"  tool/vendor  {t(rule.tool or '-')} / {t(rule.vendor or '-')}", f"  status       {t(rule.status)}"]
    if rule.description:
        lines += ["", *("  " + text for text in terminal_lines(rule.description.strip()))]
    lines += ["", "  selections:"]
    for name, groups in data["selections"].items():
        tier = rule.selection_strength.get(name, "from its evidence")
        lines.append(f"    {t(name)} [{t(tier, 40)}]: " + t(" OR ".join("(" + " AND ".join(g) + ")" for g in groups), 2000))
    lines += [f"  message      {t(rule.message, 1000)}"]
    if rule.falsepositives:
        lines += ["  known false positives: " + t("; ".join(rule.falsepositives), 2000)]
    if rule.references:
        lines += ["  references:  " + t(" ".join(rule.references), 2000)]
    return lines


def run_test(args: argparse.Namespace) -> int:
    """Run rule test cases; exit 1 when any fails."""
    pack = _pack(args)
    only = None
    if args.files:
        only = {rule.id for source in args.files for path in rule_files_in(source)
                for rule in load_rule_file(path).rules}
    results = run_rule_tests(pack, only)
    failed = [r for r in results if not r.passed]
    if args.format == "json":
        print(json_dumps({"cases": len(results), "failed": [vars(r) for r in failed]}, indent=2, default=str))
    else:
        for case in failed:
            want = "match" if case.expect_match else "no match"
            if case.expect_match and "@strength" in case.facts:
                want += f" of strength {terminal(case.facts['@strength'], 40)}"
            print(f"{terminal(case.source, 1000)}:{case.line}: FAIL: {terminal(case.rule_id)}: expected {want} for case "
                  f"{case.index + 1}: {terminal(json.dumps(case.facts, ensure_ascii=False))}")
        rules = len({r.rule_id for r in results})
        print(f"{len(results) - len(failed)} passed, {len(failed)} failed ({rules} rule(s) with tests)")
    return EXIT_FINDINGS if failed else EXIT_OK


def run_fields(args: argparse.Namespace) -> int:
    """Print every documented fact field."""
    from ..rules.fields import plugin_field_docs
    for name, text in {**FIELD_DOCS, **plugin_field_docs()}.items():
        print(f"{terminal(name, 200):<36} {terminal(text, 1000)}")
    print("any field may end in .* to match every value under it, e.g. metadata.* or c2pa.*")
    return EXIT_OK
