"""The ``kitsu`` approvals source: written approvals made where producers already work.

An approval is a comment on the shot's review task (``task_type``, default Compositing) that sets
the task to one of ``approve_statuses`` (default ``done``; ``reject_statuses``, default ``retake``,
record a rejection), posted after the writer's genflag comment, by a person whose Kitsu role maps
(``role_map``) to a genflag role the ``[approvals]`` policy counts. It answers the latest genflag
comment posted before it: that comment's binding line names the media fingerprints and rules it
asked approval for, so a re-render after the approval makes it stale. Reading is all or nothing:
any failure raises ApprovalSourceError, never a partial list.
"""

from __future__ import annotations

from typing import Any

from genflag.plugins import ApprovalSource, ApprovalSourceError, RunResult

from .matching import ShotGroup, group_by_shot
from .options import OptionsError, load_options

MAX_NOTE = 500


class KitsuApprovals(ApprovalSource):
    """Reads approvals (task status changes with a comment) from the shots' review tasks."""

    name = "kitsu"
    description = "Kitsu (Zou): approvals are status changes on the shot's review task, bound to the media " \
                  "the genflag comment named"

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def read(self, run: RunResult, options: dict[str, Any]) -> list[dict[str, Any]]:
        """Return an approval record for every approving or rejecting comment on the run's shots."""
        try:
            opts = load_options(options)
        except OptionsError as exc:
            raise ApprovalSourceError(str(exc)) from None
        groups, _ = group_by_shot(run.findings, opts)
        if not groups:
            return []
        from .publication import Tracker
        from .tracker import TrackerError
        tracker = Tracker(opts)
        try:
            tracker.log_in()
            tracker.load_project()
            return _Reader(tracker, opts, self.warnings).records(groups)
        except TrackerError as exc:
            raise ApprovalSourceError(f"{exc}; no approvals were read") from None
        finally:
            tracker.log_out()


class _Reader:
    """Reads each shot's review-task comments once and turns approvals into records."""

    def __init__(self, tracker: Any, opts: Any, warnings: list[str]) -> None:
        import gazu
        self.tracker, self.opts, self.warnings = tracker, opts, warnings
        persons = tracker.call("list people", gazu.person.all_persons)
        self.people = {p["id"]: p for p in persons}
        self.roles = opts.roles()
        self.approve = {s.casefold() for s in opts.approve_statuses}
        self.reject = {s.casefold() for s in opts.reject_statuses}

    def records(self, groups: list[ShotGroup]) -> list[dict[str, Any]]:
        """The records of every shot group, in shot order."""
        out: list[dict[str, Any]] = []
        for group in groups:
            out.extend(self._group_records(group))
        return out

    def _group_records(self, group: ShotGroup) -> list[dict[str, Any]]:
        import gazu

        from .content import marker_digest, parse_binding
        label = group.key.label()
        shot = self.tracker.find_shot(group.key)
        task = self.tracker.task_for(shot) if shot else None
        if task is None:
            self.warnings.append(f"kitsu: {label}: no shot or no {self.opts.task_type} task: no approvals there")
            return []
        comments = self.tracker.call("read comments", gazu.task.all_comments_for_task, task)
        binding, out = None, []
        for comment in sorted(reversed(comments), key=lambda c: str(c.get("created_at") or "")):  # oldest first
            if marker_digest(comment.get("text")):
                binding = parse_binding(comment.get("text"))
                continue
            decision = self._decision(comment)
            if decision is None:
                continue
            if not binding or not binding[0]:
                self.warnings.append(f"kitsu: {label}: the {decision} by {self._name(comment)} answers no genflag "
                                     "comment naming the media: not counted (publish first, then approve)")
                continue
            out.append(self._record(comment, decision, binding, group, label))
        return out

    def _decision(self, comment: dict[str, Any]) -> str | None:
        status = self.tracker.statuses.get(comment.get("task_status_id") or "", {})
        names = {str(status.get("short_name", "")).casefold(), str(status.get("name", "")).casefold()}
        if names & self.approve:
            return "approved"
        if names & self.reject:
            return "rejected"
        return None

    def _person(self, comment: dict[str, Any]) -> dict[str, Any]:
        person_id = comment.get("person_id") or (comment.get("person") or {}).get("id")
        return self.people.get(person_id or "", {})

    def _name(self, comment: dict[str, Any]) -> str:
        person = self._person(comment)
        return person.get("full_name") or " ".join(
            p for p in (person.get("first_name"), person.get("last_name")) if p) or person.get("email") or "unknown"

    def _record(self, comment: dict[str, Any], decision: str, binding: tuple[list[str], list[str]],
                group: ShotGroup, label: str) -> dict[str, Any]:
        from .content import token_media
        kitsu_role = str(self._person(comment).get("role") or "unknown")
        role = self.roles.get(kitsu_role) or f"kitsu_{kitsu_role}"[:40]
        media = [m for m in (token_media(t) for t in binding[0]) if m is not None]
        record: dict[str, Any] = {
            "genflag_approval": 1, "decision": decision,
            "covers": {"clips": group.clip_names(), **({"rules": binding[1]} if binding[1] else {})},
            "media": media, "by": {"name": self._name(comment)[:200], "role": role},
            "at": _iso(comment.get("created_at")), "ref": f"kitsu:comment/{comment['id']}",
            "source": "kitsu", "location": f"kitsu:{label} comment {comment['id']}"}
        note = " ".join(str(comment.get("text") or "").split())[:MAX_NOTE]
        if note:
            record["note"] = note
        return record


def _iso(value: Any) -> str:
    """Zou's UTC timestamps (2026-11-02T10:00:00 or with a zone) as ISO 8601 with a zone."""
    text = str(value or "").replace(" ", "T")
    if not text:
        raise ApprovalSourceError("a comment without a creation time")
    if text.endswith("Z") or "+" in text[10:] or text[10:].count("-") > 0:
        return text
    return text.split(".")[0] + "Z"
