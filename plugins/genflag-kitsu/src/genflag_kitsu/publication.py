"""One publish run: plan each shot's change, apply it (or describe it in a dry run), collect the results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from genflag.plugins import WriterSummary

from .content import (
    CLEAN,
    binding_line,
    comment_body,
    media_token,
    parse_binding,
    reset_body,
    shot_details,
    shot_status,
)
from .matching import ShotGroup, ShotKey
from .options import KitsuOptions
from .tracker import Tracker, TrackerError, Unreachable

__all__ = ["Publication", "Tracker"]


@dataclass
class ShotChange:
    """What publishing one shot changes: metadata values, a task, the comment."""

    values: dict[str, Any] | None = None
    create_task: bool = False
    comment: dict[str, Any] | None = None
    comment_text: str = ""
    post: bool = False
    notes: list[str] = field(default_factory=list)
    problem: str = ""


class Publication:
    """One publish run against a logged-in tracker; collects results into the summary."""

    def __init__(self, tracker: Tracker, opts: KitsuOptions, summary: WriterSummary, dry_run: bool) -> None:
        self.tracker = tracker
        self.opts = opts
        self.summary = summary
        self.dry_run = dry_run
        self.flagged_ids: set[str] = set()

    def run(self, groups: list[ShotGroup]) -> None:
        """Log in, read the project, publish every shot, then reset clean shots when asked."""
        if self.dry_run:
            self.summary.messages.append("kitsu (dry run): nothing will be written")
        try:
            self.tracker.log_in()
            self.tracker.load_project()
            if self.opts.task_status:
                self.tracker.status_id(self.opts.task_status)
        except TrackerError as exc:
            self.summary.errors.append(f"kitsu: {exc}; {_count(len(groups), 'shot')} not published")
            return
        self._descriptors()
        later = ["reset"] if self.opts.reset_clean else []
        for position, group in enumerate(groups):
            lost = self._guarded(partial(self._publish, group), group.key.label(), group.clip_names())
            if lost:
                left = [group.key.label()] + [g.key.label() for g in groups[position + 1:]] + later
                self.summary.errors.append(f"kitsu: {group.key.label()}: {lost}; stopped, not done: {_listed(left)}")
                return
        if later:
            lost = self._guarded(self._reset_all, "reset", [])
            if lost:
                self.summary.errors.append(f"kitsu: reset: {lost}; stopped")

    def _guarded(self, step: Callable[[], None], label: str, clips: list[str]) -> str:
        """Run one step, turning its failure into an error line; return the reason when the server is gone."""
        try:
            step()
        except Unreachable as exc:
            return str(exc)
        except TrackerError as exc:
            listed = f" (clips: {_listed(clips)})" if clips else ""
            self.summary.errors.append(f"kitsu: {label}: {exc}{listed}")
        return ""

    def _descriptors(self) -> None:
        try:
            self.summary.messages.extend(
                f"kitsu: {m}" for m in self.tracker.ensure_descriptors(self.opts.create_descriptors, self.dry_run))
        except TrackerError as exc:  # the shot values are still stored, Kitsu just does not show them
            self.summary.errors.append(f"kitsu: {exc}")

    def _publish(self, group: ShotGroup) -> None:
        shot = self.tracker.find_shot(group.key)
        if shot is None:
            shot = self._missing_shot(group.key)
            if shot is None:
                return self._report_new_shot(group)
        self.flagged_ids.add(shot["id"])
        status = shot_status(group.findings)
        values = {self.opts.status_field: status, self.opts.details_field: shot_details(group.findings)}
        binding = media_binding(group.findings) if self.opts.bind_media else ""
        text = comment_body(group.key.label(), status, group.findings, binding)
        change = self._plan(shot, values, text)
        self._apply(group.key.label(), shot, change)
        if change.problem:
            raise TrackerError(change.problem)

    def _missing_shot(self, key: ShotKey) -> dict[str, Any] | None:
        project = self.opts.project
        if not self.opts.create_missing:
            raise TrackerError(f"no such shot in project {project!r} (set create_missing to create it)")
        if self.dry_run:
            return None
        shot = self.tracker.create_shot(key)
        self.summary.messages.append(f"kitsu: {key.label()}: created shot")
        return shot

    def _report_new_shot(self, group: ShotGroup) -> None:
        status = shot_status(group.findings)
        steps = [f"create shot {group.key.label()}", f"set {self.opts.status_field} {status}"]
        if self.opts.create_task:
            steps += [f"create {self.opts.task_type} task", "post comment"]
        self.summary.changed += 1
        self.summary.messages.append(f"kitsu (dry run): {group.key.label()}: would {'; '.join(steps)}")

    def _plan(self, shot: dict[str, Any], values: dict[str, Any], text: str) -> ShotChange:
        change = ShotChange(comment_text=text)
        current = self.tracker.shot_values(shot)
        if current != values:
            change.values = values
            change.notes.append(_value_note(self.opts.status_field, current, values))
        task = self.tracker.task_for(shot)
        if task is None:
            if not self.opts.create_task:
                change.problem = f"shot has no {self.opts.task_type} task: comment not posted (set create_task)"
                return change
            change.create_task, change.post = True, True
            change.notes += [f"create {self.opts.task_type} task", f"post comment on {self.opts.task_type}"]
            return change
        change.comment = self.tracker.own_comment(task)
        if change.comment is None:
            change.post = True
            change.notes.append(f"post comment on {self.opts.task_type}")
        elif _media_changed(change.comment.get("text"), text):
            change.post = True  # approvals answered the old comment: keep it, ask again for the new media
            change.notes.append(f"post new comment on {self.opts.task_type} (the media changed)")
        elif (change.comment.get("text") or "").rstrip() != text.rstrip():
            change.notes.append(f"update comment on {self.opts.task_type}")
        else:
            change.comment_text = ""
        return change

    def _apply(self, label: str, shot: dict[str, Any], change: ShotChange) -> None:
        if not change.notes:
            self.summary.unchanged += 1
            return
        if self.dry_run:
            self.summary.changed += 1
            self.summary.messages.append(f"kitsu (dry run): {label}: would {'; '.join(change.notes)}")
            return
        if change.values is not None:
            self.tracker.set_shot_values(shot, change.values)
        task = self.tracker.create_task(shot) if change.create_task else self.tracker.task_for(shot)
        if change.post and task is not None:
            self.tracker.post_comment(task, change.comment_text)
        elif change.comment is not None and change.comment_text:
            self.tracker.update_comment(change.comment, change.comment_text)
        self.summary.changed += 1
        self.summary.messages.append(f"kitsu: {label}: {'; '.join(change.notes)}")

    def _reset_all(self) -> None:
        """Set every shot the writer marked earlier, and that has no finding now, back to clean."""
        index = self.tracker.index
        assert index is not None, "load_project() runs first"
        only = {index.fold(s) for s in self.opts.reset_sequences}
        for shot in sorted(index.all_shots(), key=lambda s: index.key_of(s).label()):
            key = index.key_of(shot)
            if shot["id"] in self.flagged_ids or (only and index.fold(key.sequence) not in only):
                continue
            if self.tracker.shot_values(shot)[self.opts.status_field] in (None, "", CLEAN):
                continue
            try:
                self._reset(key.label(), shot)
            except Unreachable:
                raise
            except TrackerError as exc:
                self.summary.errors.append(f"kitsu: {key.label()}: reset to clean failed: {exc}")

    def _reset(self, label: str, shot: dict[str, Any]) -> None:
        values = {self.opts.status_field: CLEAN, self.opts.details_field: ""}
        change = ShotChange(values=values, comment_text=reset_body(label))
        change.notes.append(_value_note(self.opts.status_field, self.tracker.shot_values(shot), values))
        task = self.tracker.task_for(shot)
        change.comment = self.tracker.own_comment(task) if task else None
        if change.comment is not None:
            change.notes.append(f"update comment on {self.opts.task_type}")
        else:
            change.comment_text = ""
        self._apply(label, shot, change)

def media_binding(findings: list[Any]) -> str:
    """The binding line: fingerprints of the media of the findings that need approval, and their rules."""
    from genflag.api import fingerprint_media
    needing = [f for f in findings if "approval" in (f.requires or [])]
    if not needing:
        return ""
    tokens = []
    for finding in needing:
        printed = fingerprint_media(finding)
        if printed is not None:
            tokens.append(media_token(printed))
    return binding_line(tokens, [f.rule for f in needing])


def _media_changed(old_text: str | None, new_text: str) -> bool:
    """True when both comments bind media and the media differ (the old one was answered for other media)."""
    old, new = parse_binding(old_text), parse_binding(new_text)
    return old is not None and new is not None and set(old[0]) != set(new[0])


def _value_note(status_field: str, current: dict[str, Any], values: dict[str, Any]) -> str:
    before = current.get(status_field) or "(none)"
    after = values[status_field]
    note = f"set {status_field} {before} → {after}" if before != after else ""
    details = [f"set {k}" for k in values if k != status_field and current.get(k) != values[k]]
    return "; ".join(n for n in [note, *details] if n)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _listed(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
