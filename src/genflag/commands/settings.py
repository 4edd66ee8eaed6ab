"""The effective settings of a command: each option from the command line, else the project configuration
(genflag.toml or [tool.genflag]), else the default; list options (--rules, --media-root, --exclude) add to
the configured lists. Built into the data the library takes: CheckOptions, PostCheck, a report's Source.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..approvals.apply import ApprovalInputs, MediaOptions
from ..approvals.policy import load_policy
from ..check.options import CheckOptions
from ..check.post_check import PostCheck, PostCheckOptions
from ..check.selection import parse_selectors
from ..errors import ConfigError, ProblemsError, UsageError
from ..reports.source import Source, checked_source, saved_source
from ..timeline.inputs import expand_inputs
from ..timeline.media_paths import parse_media_root
from .options import parse_adapter_args
from .project_config import ProjectConfig, load_config, rule_id_problems


def project_config(args: argparse.Namespace) -> ProjectConfig:
    """The project configuration for this invocation (loaded once)."""
    config = getattr(args, "_project_config", None)
    if config is None:
        config = load_config()
        args._project_config = config
    return config


def effective(args: argparse.Namespace, key: str, default: Any, arg: str | None = None) -> tuple[Any, str]:
    """Return (value, source) for an option: command line, configuration, or default."""
    value = getattr(args, arg or key, None)
    if value is not None and value != []:
        return value, "command line"
    config = project_config(args)
    if key in config.values:
        return config.values[key], config.sources[key]
    return default, "default"


def media_roots(args: argparse.Namespace) -> list[tuple[str, str]]:
    """--media-root remaps, then the configuration's media_roots."""
    return [_root(spec) for spec in getattr(args, "media_root", None) or []] + \
        list(project_config(args).get("media_roots", {}).items())


def _root(spec: str) -> tuple[str, str]:
    try:
        return parse_media_root(spec)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def check_options(args: argparse.Namespace, **extra: Any) -> CheckOptions:
    """Build CheckOptions from parsed arguments and the project configuration."""
    config = project_config(args)
    roots = media_roots(args)
    _check_adapter_and_rule_ids(args, config)
    rate = effective(args, "rate", None)[0]
    if rate is not None and not (0 < float(rate) < 1000):
        raise UsageError(f"--rate must be a positive frame rate, got {rate:g}")
    asset_config = effective(args, "asset_config", None)[0]
    if asset_config:
        from ..assets.host import required_session
        required_session(asset_config)  # a broken manager config fails now, with exit 2
        merged = dict(extra.pop("config", {}) or {})
        merged["assets"] = {"config": asset_config, "required": True}
        extra["config"] = merged
    extra.setdefault("config", {})
    extra["config"] = {**config.values, **extra["config"]}
    timeout, memory = _limits(args)
    floor = effective(args, "min_evidence", None)[0]
    if floor is not None:
        extra["config"]["min_evidence"] = floor
    return CheckOptions(
        timeout=timeout, memory_limit=memory,
        rules=list(config.get("rules", [])) + list(args.rules),
        include_default_rules=effective(args, "default_rules", True)[0],
        adapter=args.adapter, rate=rate, adapter_args=parse_adapter_args(args.adapter_arg),
        probe_media=effective(args, "probe", True)[0], media_roots=roots,
        cache_dir=effective(args, "cache_dir", None)[0], evaluate_all=getattr(args, "evaluate_all", False),
        severity_overrides=dict(config.get("severity", {})), disabled_rules=list(config.get("disable", [])),
        select=selectors(args, "select"), ignore=selectors(args, "ignore"), **extra)


def selectors(args: argparse.Namespace, key: str) -> list[str]:
    """--select / --ignore (comma-separated, repeatable), else the configuration's list."""
    given = getattr(args, key, None)
    if given:
        return parse_selectors(given)
    return parse_selectors(project_config(args).get(key, []) or [])


def _limits(args: argparse.Namespace) -> tuple[float | None, int | None]:
    """--timeout and --memory-limit (or the configuration's), checked."""
    from ..check.isolation import parse_size
    timeout = effective(args, "timeout", None)[0]
    if timeout is not None and not float(timeout) > 0:
        raise UsageError(f"--timeout must be a positive number of seconds, got {timeout:g}")
    memory = effective(args, "memory_limit", None)[0]
    try:
        return (None if timeout is None else float(timeout)), (None if memory is None else parse_size(str(memory)))
    except ValueError as exc:
        raise UsageError(f"--memory-limit: {exc}") from None


def _check_adapter_and_rule_ids(args: argparse.Namespace, config: ProjectConfig) -> None:
    """--adapter must name an installed adapter, and the rule ids and selectors the configuration names
    must exist: every one that does not is reported with its line."""
    if args.adapter:
        from ..timeline.adapter_names import unknown_adapter
        problem = unknown_adapter(args.adapter)
        if problem:
            raise UsageError(f"--adapter: {problem}")
    if not any(config.get(key) for key in ("severity", "disable", "select", "ignore")):
        return
    from ..rules.pack import load_pack
    rules = list(config.get("rules", [])) + list(args.rules)
    problems = rule_id_problems(config, load_pack(rules, effective(args, "default_rules", True)[0]))
    if problems:
        raise ProblemsError(problems, ConfigError)


def fail_on(args: argparse.Namespace, default: str) -> str:
    """The effective --fail-on level."""
    return str(effective(args, "fail_on", default)[0])


def excludes(args: argparse.Namespace) -> list[str]:
    """Exclude globs from the configuration and the command line."""
    return list(project_config(args).get("exclude", [])) + list(getattr(args, "exclude", []) or [])


def jobs_option(args: argparse.Namespace) -> int:
    """The effective --jobs: command line, configuration, else one per usable CPU."""
    jobs = getattr(args, "jobs", None)
    if jobs is None:
        jobs = effective(args, "jobs", None)[0]
    jobs = default_jobs() if jobs is None else int(jobs)
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    return jobs


def default_jobs() -> int:
    """One worker per usable CPU."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def run_inputs(args: argparse.Namespace, timelines: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Every file a run reads that an output must never replace (output_paths.resolve_output):
    the timelines, rule files, the consent registry, a saved result, credit templates, the asset
    manager's configuration and the project configuration."""
    from ..rules.pack import rule_files_in
    config = project_config(args)
    rules = list(config.get("rules", [])) + list(getattr(args, "rules", []) or [])
    singles = [effective(args, "consents", None)[0], getattr(args, "from_json", None),
               getattr(args, "templates", None), effective(args, "asset_config", None)[0], config.path]
    found = list(timelines) + [str(p) for p in singles if p]
    for source in rules:
        try:
            found += rule_files_in(str(source))
        except OSError:
            found.append(str(source))
    return found


# ------------------------------------------------------------------ the steps after a check

def approvals_config(args: argparse.Namespace) -> tuple[Any, str]:
    """The configuration's ``approvals`` value (a ledger path or a table) and where it came from."""
    config = project_config(args)
    return config.get("approvals"), config.sources.get("approvals", "configuration")


def ledger_path(args: argparse.Namespace) -> str | None:
    """The approvals ledger: --approvals, else the configuration's."""
    if getattr(args, "approvals", None):
        return str(args.approvals)
    value, _ = approvals_config(args)
    if isinstance(value, dict):
        return value.get("ledger")
    return str(value) if value else None


def policy(args: argparse.Namespace) -> Any:
    """The [approvals] role policy of the configuration (the default policy when there is none)."""
    value, source = approvals_config(args)
    return load_policy(value, source)


def source_names(args: argparse.Namespace) -> list[str]:
    """Approvals source plugins: --approvals-from, plus the configuration's sources."""
    value, _ = approvals_config(args)
    configured = list(value.get("sources") or []) if isinstance(value, dict) else []
    return list(dict.fromkeys([*configured, *(getattr(args, "approvals_from", None) or [])]))


def media_options(args: argparse.Namespace) -> MediaOptions:
    """Path remaps and cache folder for reading a finding's media (as the check reads them)."""
    return MediaOptions(roots=media_roots(args), cache_dir=effective(args, "cache_dir", None)[0])


def post_check(args: argparse.Namespace) -> PostCheck:
    """The steps after a check as this command's options and the configuration set them up (the role
    policy is checked now: a bad one fails before any check)."""
    config = project_config(args)
    names = source_names(args)
    consents = effective(args, "consents", None)[0]
    return PostCheck(PostCheckOptions(
        require_media=bool(effective(args, "require_media", False)[0]),
        consents=str(consents) if consents else None, project=getattr(args, "project", None),
        as_of=getattr(args, "as_of", None), ledger=ledger_path(args), policy=policy(args), sources=names,
        source_options={name: dict(config.get(name) or {}) for name in names}, media=media_options(args)))


def show_warnings(inputs: ApprovalInputs | None) -> None:
    """Print what the approvals step had to say (a missing ledger, a source's notes) on standard error."""
    for warning in inputs.warnings if inputs else []:
        print(warning, file=sys.stderr)


def report_source(args: argparse.Namespace, want_layouts: bool = False) -> Source:
    """A report's run: the timelines given, checked, or --from-json; then the steps after a check."""
    if args.from_json and args.timelines:
        raise UsageError("give timelines or --from-json, not both")
    steps = post_check(args)
    if args.from_json:
        layouts_from = CheckOptions(adapter=args.adapter, rate=args.rate,
                                    adapter_args=parse_adapter_args(args.adapter_arg)) if want_layouts else None
        source = saved_source(args.from_json, steps, layouts_from)
    else:
        paths = expand_inputs(args.timelines, args.exclude) if args.timelines else []
        source = checked_source(paths, check_options(args), steps)
    show_warnings(source.approvals)
    return source

