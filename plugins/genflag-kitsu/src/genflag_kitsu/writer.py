"""The ``kitsu`` writer: publish a run's findings to the matching Kitsu shots (see docs/kitsu.md)."""

from __future__ import annotations

from typing import Any

from genflag.plugins import RunResult, Writer, WriterSummary

from .matching import group_by_shot
from .options import OptionsError, load_options


class KitsuWriter(Writer):
    """Sets each flagged shot's genai status and details and keeps one review comment up to date."""

    name = "kitsu"
    description = "Kitsu (Zou) production tracker: shot metadata and one review comment per flagged shot"

    def publish(self, run: RunResult, options: dict[str, Any], dry_run: bool = False) -> WriterSummary:
        """Publish the findings; with dry_run, report what would change and change nothing."""
        summary = WriterSummary()
        try:
            opts = load_options(options)
        except OptionsError as exc:
            summary.errors.append(f"kitsu: {exc}")
            return summary
        groups, unmatched = group_by_shot(run.findings, opts)
        if opts.unmatched != "ignore":
            (summary.errors if opts.unmatched == "error" else summary.messages).extend(unmatched)
        if not groups and not opts.reset_clean:
            summary.messages.append("kitsu: no flagged clip matched a shot: nothing to publish")
            return summary
        from .publication import Publication, Tracker  # imports gazu: only when there is work
        tracker = Tracker(opts)
        try:
            Publication(tracker, opts, summary, dry_run).run(groups)
        finally:
            tracker.log_out()
        return summary


