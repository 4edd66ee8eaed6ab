"""A logged-in Kitsu session for one project, through gazu, with every failure turned into a clear message."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import gazu
import requests
from gazu import exception as gazu_errors

from .content import STATUSES, marker_digest
from .matching import ShotKey
from .options import KitsuOptions

T = TypeVar("T")


class TrackerError(Exception):
    """One Kitsu operation failed; the message names what and why."""


class Unreachable(TrackerError):
    """The server cannot be reached or refused the login: nothing more can be done this run."""


class _TimeoutSession(requests.Session):
    """A requests session that never waits forever (gazu sets no timeout of its own)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Send a request with the configured timeout unless one is given."""
        kwargs.setdefault("timeout", self._timeout)
        return super().request(*args, **kwargs)


def describe(exc: BaseException, host: str, timeout: float) -> str:
    """Return a one-line reason for a failed Kitsu call (never a password, never a traceback)."""
    if isinstance(exc, requests.Timeout):
        return f"no answer from {host} within {timeout:g}s"
    if isinstance(exc, requests.ConnectionError):
        return f"cannot reach {host} (connection failed: is the server running and the host right?)"
    if isinstance(exc, gazu_errors.AuthFailedException):
        return "login refused: wrong user or password"
    if isinstance(exc, gazu_errors.RouteNotFoundException) and str(exc).startswith("auth/"):
        return f"no Kitsu API at {host} (behind Kitsu's web server the API is at /api; served directly, at the root)"
    if isinstance(exc, json.JSONDecodeError):
        return f"{host} did not answer like the Kitsu API (behind Kitsu's web server the API is at /api)"
    messages: dict[type, str] = {
        gazu_errors.NotAuthenticatedException: "not authenticated (session expired or revoked)",
        gazu_errors.NotAllowedException: "permission denied by Kitsu",
        gazu_errors.RouteNotFoundException: "not found on the server",
        gazu_errors.ServerErrorException: "Kitsu server error (HTTP 500)",
        gazu_errors.ParameterException: "request rejected by Kitsu",
        gazu_errors.ValidationException: "request rejected by Kitsu",
    }
    for kind, text in messages.items():
        if isinstance(exc, kind):
            detail = " ".join(str(exc).split())[:200]
            return f"{text}: {detail}" if detail else text
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"


@dataclass
class ProjectIndex:
    """The project's episodes, sequences, shots and review tasks, read once per run."""

    project: dict[str, Any]
    case_sensitive: bool
    episodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    sequences: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    shots_by_name: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def fold(self, text: str | None) -> str | None:
        """Return a name as compared (case-folded unless case-sensitive)."""
        return text if self.case_sensitive or text is None else text.casefold()

    def add_shots(self, shots: list[dict[str, Any]]) -> None:
        """Index shots by name."""
        for shot in shots:
            self.shots_by_name.setdefault(self.fold(shot["name"]) or "", []).append(shot)

    def all_shots(self) -> list[dict[str, Any]]:
        """Return every indexed shot."""
        return [shot for shots in self.shots_by_name.values() for shot in shots]

    def key_of(self, shot: dict[str, Any]) -> ShotKey:
        """Return a Kitsu shot's episode/sequence/shot names."""
        sequence = self.sequences.get(shot.get("parent_id") or "")
        episode = self.episodes.get((sequence or {}).get("parent_id") or "")
        return ShotKey((episode or {}).get("name"), (sequence or {}).get("name"), shot["name"])

    def find(self, key: ShotKey) -> list[dict[str, Any]]:
        """Return the shots matching a key (its missing parts match anything)."""
        found = []
        for shot in self.shots_by_name.get(self.fold(key.shot) or "", []):
            other = self.key_of(shot)
            if key.sequence and self.fold(other.sequence) != self.fold(key.sequence):
                continue
            if key.episode and self.fold(other.episode) != self.fold(key.episode):
                continue
            found.append(shot)
        return found


class Tracker:
    """A logged-in gazu client bound to one project; each method raises TrackerError."""

    def __init__(self, opts: KitsuOptions) -> None:
        self.opts = opts
        self.host = opts.host.rstrip("/")
        self.client = gazu.client.create_client(self.host)
        self.client.session = _TimeoutSession(opts.timeout)
        self.user_id = ""
        self.index: ProjectIndex | None = None
        self.task_type: dict[str, Any] = {}
        self.statuses: dict[str, dict[str, Any]] = {}
        self.fields: dict[str, str] = {}

    def call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one gazu call; raise Unreachable or TrackerError with a clear reason."""
        try:
            return fn(*args, client=self.client, **kwargs)
        except (requests.ConnectionError, requests.Timeout, gazu_errors.AuthFailedException,
                gazu_errors.NotAuthenticatedException) as exc:
            raise Unreachable(f"{what}: {describe(exc, self.host, self.opts.timeout)}") from None
        except (gazu_errors.GazuException, requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise TrackerError(f"{what}: {describe(exc, self.host, self.opts.timeout)}") from None

    def log_in(self) -> None:
        """Log in and remember who we are (the author of the writer's comments)."""
        self.call(f"log in to {self.host} as {self.opts.user}", gazu.log_in, self.opts.user, self.opts.password)
        self.user_id = self.call("read the logged-in user", gazu.client.get_current_user)["id"]

    def log_out(self) -> None:
        """Revoke the session's token; never raises."""
        try:
            gazu.log_out(client=self.client)
        except (gazu_errors.GazuException, requests.RequestException, ValueError):
            pass  # the run's outcome does not depend on a clean logout
        self.client.session.close()

    def load_project(self) -> ProjectIndex:
        """Read the project, its shots, the review task type and its tasks."""
        project = self.call(f"find project {self.opts.project!r}", gazu.project.get_project_by_name,
                            self.opts.project)
        if not project:
            raise TrackerError(f"project {self.opts.project!r} not found on {self.host}")
        index = ProjectIndex(project, self.opts.case_sensitive)
        index.episodes = {e["id"]: e for e in self.call("list episodes", gazu.shot.all_episodes_for_project, project)}
        index.sequences = {s["id"]: s for s in self.call("list sequences", gazu.shot.all_sequences_for_project,
                                                         project)}
        index.add_shots(list(self.call("list shots", gazu.shot.all_shots_for_project, project)))
        self._load_tasks(index)
        self.statuses = {s["id"]: s for s in self.call("list task statuses", gazu.task.all_task_statuses)}
        self.index = index
        return index

    def _load_tasks(self, index: ProjectIndex) -> None:
        name = self.opts.task_type
        task_type = self.call(f"find task type {name!r}", gazu.task.get_task_type_by_name, name, for_entity="Shot")
        if not task_type:
            raise TrackerError(f"task type {name!r} (for shots) not found on {self.host}")
        self.task_type = task_type
        tasks = self.call(f"list {name} tasks", gazu.task.all_tasks_for_task_type, index.project, task_type)
        for task in sorted(tasks, key=lambda t: t.get("name") != "main"):
            index.tasks.setdefault(task["entity_id"], task)

    def status_id(self, short_name: str) -> str:
        """Return the id of a task status by short name or name."""
        wanted = short_name.casefold()
        for status in self.statuses.values():
            if wanted in (str(status.get("short_name", "")).casefold(), str(status.get("name", "")).casefold()):
                return status["id"]
        raise TrackerError(f"task status {short_name!r} not found on {self.host}")

    def ensure_descriptors(self, create: bool, dry_run: bool) -> list[str]:
        """Find (or create) the two shot metadata descriptors; return messages about created ones."""
        assert self.index is not None
        project = self.index.project
        existing = self.call("list metadata descriptors", gazu.project.all_metadata_descriptors, project)
        by_name = {d["field_name"]: d for d in existing if d.get("entity_type") == "Shot"}
        by_name.update({d["name"]: d for d in existing if d.get("entity_type") == "Shot"})
        messages = []
        for name, choices in ((self.opts.status_field, list(STATUSES)), (self.opts.details_field, [])):
            if name in by_name:
                self.fields[name] = by_name[name]["field_name"]
                continue
            self.fields[name] = name
            if not create:
                continue
            messages.append(f"{'would create' if dry_run else 'created'} shot metadata descriptor {name!r}")
            if not dry_run:
                made = self.call(f"create metadata descriptor {name!r}", gazu.project.add_metadata_descriptor,
                                 project, name, "Shot", choices=choices)
                self.fields[name] = made["field_name"]
        return messages

    def find_shot(self, key: ShotKey) -> dict[str, Any] | None:
        """Return the one shot matching a key, None when there is none; raise when it is ambiguous."""
        assert self.index is not None
        found = self.index.find(key)
        if len(found) > 1:
            where = ", ".join(sorted(self.index.key_of(s).label() for s in found))
            raise TrackerError(f"{len(found)} shots match ({where}): add the sequence to the pattern")
        return found[0] if found else None

    def create_shot(self, key: ShotKey) -> dict[str, Any]:
        """Create the shot (and its sequence and episode when missing) and add it to the index."""
        assert self.index is not None
        if not key.sequence:
            raise TrackerError("cannot create a shot without a sequence (the pattern has no sequence group)")
        project = self.index.project
        episode = None
        if key.episode:
            episode = self.call(f"create episode {key.episode!r}", gazu.shot.new_episode, project, key.episode)
            self.index.episodes[episode["id"]] = episode
        sequence = self.call(f"create sequence {key.sequence!r}", gazu.shot.new_sequence, project, key.sequence,
                             episode=episode)
        self.index.sequences[sequence["id"]] = sequence
        shot = self.call(f"create shot {key.shot!r}", gazu.shot.new_shot, project, sequence, key.shot)
        self.index.add_shots([shot])
        return shot

    def task_for(self, shot: dict[str, Any]) -> dict[str, Any] | None:
        """Return the shot's review task, if it has one."""
        assert self.index is not None
        return self.index.tasks.get(shot["id"])

    def create_task(self, shot: dict[str, Any]) -> dict[str, Any]:
        """Create the shot's review task."""
        assert self.index is not None
        task = self.call(f"create {self.opts.task_type} task", gazu.task.new_task, shot, self.task_type)
        self.index.tasks[shot["id"]] = task
        return task

    def own_comment(self, task: dict[str, Any]) -> dict[str, Any] | None:
        """Return the writer's own comment on a task (marker line and our author), newest first."""
        comments = self.call("read comments", gazu.task.all_comments_for_task, task)
        for comment in comments:
            author = comment.get("person_id") or (comment.get("person") or {}).get("id")
            if author == self.user_id and marker_digest(comment.get("text")):
                return comment
        return None

    def post_comment(self, task: dict[str, Any], text: str) -> dict[str, Any]:
        """Post a comment, keeping the task's status unless task_status is configured."""
        status = self.status_id(self.opts.task_status) if self.opts.task_status else task["task_status_id"]
        return self.call("post comment", gazu.task.add_comment, task, status, text)

    def update_comment(self, comment: dict[str, Any], text: str) -> dict[str, Any]:
        """Replace the text of the writer's comment."""
        data: dict[str, Any] = {"id": comment["id"], "text": text}
        if self.opts.task_status:
            data["task_status_id"] = self.status_id(self.opts.task_status)
        return self.call("update comment", gazu.task.update_comment, data)

    def shot_values(self, shot: dict[str, Any]) -> dict[str, Any]:
        """Return the shot's current values of the writer's two fields."""
        data = shot.get("data") or {}
        return {name: data.get(self.fields.get(name, name)) for name in (self.opts.status_field,
                                                                         self.opts.details_field)}

    def set_shot_values(self, shot: dict[str, Any], values: dict[str, Any]) -> None:
        """Merge the writer's fields into the shot's metadata (other keys stay as they are)."""
        data = {self.fields.get(name, name): value for name, value in values.items()}
        updated = self.call("update shot metadata", gazu.shot.update_shot_data, shot, data)
        shot["data"] = updated.get("data", {**(shot.get("data") or {}), **data})
