"""Options shared by the commands that check timelines, merged with the project configuration,
and the exit-code decision.

Precedence: command line, then the project configuration (genflag.toml or [tool.genflag]),
then built-in defaults. List options (--rules, --media-root, --exclude) add to the configured lists.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from .project_config import ProjectConfig, load_config
from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from ..findings import SEVERITY_RANK, RunResult
from ..timeline.media_paths import parse_media_root
from ..check.checker import CheckOptions
from ..rules.strength import TIERS, keep_min_evidence

FAIL_ON = ("info", "warning", "error", "never")
EXIT_INTERRUPTED = 130


def add_check_options(parser: argparse.ArgumentParser) -> None:
    """Add the options every timeline-checking command takes."""
    group = parser.add_argument_group("checking")
    group.add_argument("--rules", action="append", default=[], metavar="FILE_OR_DIR",
                       help="add a rule file or folder on top of the default pack (repeatable)")
    group.add_argument("--no-default-rules", dest="default_rules", action="store_const", const=False,
                       default=None, help="do not load the default rule pack")
    group.add_argument("--adapter", help="OpenTimelineIO adapter name (default: by file extension)")
    group.add_argument("--rate", type=float, help="frame rate for EDLs (default: the adapter's)")
    group.add_argument("--adapter-arg", action="append", default=[], metavar="KEY=VALUE",
                       help="extra keyword argument for the reading adapter, e.g. ignore_timecode_mismatch=true")
    group.add_argument("--no-probe", dest="probe", action="store_const", const=False, default=None,
                       help="do not read the media files behind clips")
    group.add_argument("--media-root", action="append", default=[], metavar="OLD=NEW",
                       help="remap a media path prefix (repeatable)")
    group.add_argument("--cache-dir", help="media probe cache folder")
    group.add_argument("--evaluate-all", action="store_true",
                       help="evaluate every rule on every clip, without the prefilter (same results, slower; "
                            "for comparison)")
    group.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="stop checking a timeline after this long and report it (default 900)")
    group.add_argument("--memory-limit", metavar="SIZE",
                       help="memory one timeline's check may use, e.g. 8GiB (default: 80%% of the machine's, "
                            "shared by the jobs running at once)")
    group.add_argument("--min-evidence", choices=TIERS, default=None, metavar="TIER",
                       help="report only findings whose evidence is at least TIER: possible (everything, the default), "
                            "named, metadata or declared")
    group.add_argument("--asset-config", metavar="TOML",
                       help="OpenAssetIO manager config (default: $OPENASSETIO_DEFAULT_CONFIG when set)")
    from ..reports.source import add_consent_options
    add_consent_options(parser)
    from .post_check import add_post_check_options
    add_post_check_options(parser)


def apply_consent_registry(args: argparse.Namespace, run: RunResult) -> None:
    """Mark likeness findings with their consent status when a registry is given or configured."""
    from ..reports.source import apply_consents, parse_as_of
    consents = effective(args, "consents", None)[0]
    if consents:
        apply_consents(run, consents, getattr(args, "project", None), parse_as_of(getattr(args, "as_of", None)))


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
    extra["config"] = {**{k: v for k, v in config.values.items()}, **extra["config"]}
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
        **extra)


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


def apply_min_evidence(run: RunResult, options: CheckOptions) -> RunResult:
    """Drop the findings whose evidence is weaker than --min-evidence (or the configured min_evidence)."""
    floor = options.config.get("min_evidence")
    if floor:
        for result in run.results:
            result.findings = keep_min_evidence(result.findings, floor)
    return run


def _root(spec: str) -> tuple[str, str]:
    try:
        return parse_media_root(spec)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def parse_adapter_args(specs: list[str], option: str = "--adapter-arg") -> dict[str, Any]:
    """Parse KEY=VALUE adapter arguments; values are YAML scalars (true, 25, text)."""
    if not specs:
        return {}
    import yaml
    out: dict[str, Any] = {}
    for spec in specs:
        key, sep, raw = spec.partition("=")
        if not sep or not key.isidentifier():
            raise UsageError(f"{option} must be KEY=VALUE, got {spec!r}")
        try:
            value = yaml.safe_load(raw) if raw else ""
        except yaml.YAMLError:
            value = raw
        out[key] = value if isinstance(value, (str, int, float, bool)) else raw
    return out


def _check_adapter_and_rule_ids(args: argparse.Namespace, config: ProjectConfig) -> None:
    """--adapter must name an installed adapter, and the rule ids the configuration overrides or
    disables must exist: every one that does not is reported with its line."""
    if args.adapter:
        from ..timeline.adapter_names import unknown_adapter
        problem = unknown_adapter(args.adapter)
        if problem:
            raise UsageError(f"--adapter: {problem}")
    if not config.get("severity") and not config.get("disable"):
        return
    from .project_config import rule_id_problems
    from ..errors import ConfigError, ProblemsError
    from ..rules.pack import load_pack
    rules = list(config.get("rules", [])) + list(args.rules)
    problems = rule_id_problems(config, load_pack(rules, effective(args, "default_rules", True)[0]).rules)
    if problems:
        raise ProblemsError(problems, ConfigError)


def set_output_fail_level(output: Any, level: str) -> None:
    """Tell an output format that marks failures (JUnit) which level makes the exit code 1."""
    if hasattr(output, "fail_on"):
        output.fail_on = level


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


def exit_code(run: RunResult, fail_level: str) -> int:
    """130 interrupted, 2 when any timeline could not be read, 1 open findings at or above the level, else 0."""
    if run.interrupted:
        return EXIT_INTERRUPTED
    if run.errors:
        return EXIT_USAGE
    if fail_level == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_level]
    failing = any(f.counts_toward_failure() and SEVERITY_RANK[f.severity] >= threshold for f in run.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


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
