"""Read and write timelines through OpenTimelineIO's own adapters, and write files atomically."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator

import opentimelineio as otio

from .errors import TimelineError

#: Adapters genflag documents per extension; anything else falls back to OTIO's own lookup.
ADAPTER_BY_SUFFIX = {
    "otio": "otio_json", "otioz": "otioz", "otiod": "otiod", "edl": "cmx_3600",
    "xml": "fcp_xml", "fcpxml": "fcpx_xml", "aaf": "AAF", "ale": "ale",
}
TIMELINE_SUFFIXES = tuple(sorted(ADAPTER_BY_SUFFIX))


def adapter_for(path: str | os.PathLike[str], adapter: str | None = None, write: bool = False) -> str:
    """Return the adapter name for a path: the explicit one (which must be installed), else by extension."""
    if adapter:
        from .adapter_names import unknown_adapter
        problem = unknown_adapter(adapter)
        if problem:
            raise TimelineError(problem, str(path))
        return adapter
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ADAPTER_BY_SUFFIX:
        return ADAPTER_BY_SUFFIX[suffix]
    known = otio.adapters.suffixes_with_defined_adapters(write=write, read=not write)
    if suffix in known:
        return otio.adapters.from_filepath(str(path)).name
    kind = "writer" if write else "reader"
    what = f"no timeline {kind} for extension '.{suffix}'" if suffix else "no file extension to tell the format by"
    raise TimelineError(f"{what} (known: {', '.join('.' + s for s in sorted(known))}); use --adapter", str(path))


def read_kwargs(adapter_name: str, rate: float | None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Adapter keyword arguments genflag passes: frame rate for EDLs, plus user --adapter-arg values."""
    kwargs = dict(extra or {})
    if rate is not None and adapter_name == "cmx_3600":
        kwargs["rate"] = rate
    return kwargs


def read_timeline(path: str | os.PathLike[str], adapter: str | None = None, rate: float | None = None,
                  notes: list[str] | None = None,
                  adapter_args: dict[str, Any] | None = None) -> otio.core.SerializableObject:
    """Read a timeline file; every failure becomes a one-line TimelineError naming the file.

    What adapters print or log while reading is captured (never mixed into genflag's output)
    and, deduplicated, appended to ``notes``.
    """
    path = str(path)
    _check_readable(path)
    name = adapter_for(path, adapter)
    with _captured_adapter_noise(notes if notes is not None else []):
        try:
            return otio.adapters.read_from_file(path, adapter_name=name, **read_kwargs(name, rate, adapter_args))
        except Exception as exc:  # adapters raise anything: ValueError, KeyError, AttributeError...
            raise TimelineError(f"cannot read as {name}: {_one_line(exc)}", path) from exc


class _NoteHandler(logging.Handler):
    def __init__(self, notes: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        _add_note(self.notes, record.getMessage())


def _add_note(notes: list[str], text: str) -> None:
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and f"adapter: {line}" not in notes and len(notes) < 50:
            notes.append(f"adapter: {line[:300]}")


@contextlib.contextmanager
def _captured_adapter_noise(notes: list[str]) -> Iterator[None]:
    root = logging.getLogger()
    handler = _NoteHandler(notes)
    saved_handlers, saved_propagate = root.handlers[:], root.level
    root.handlers = [handler]
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_propagate)
        _add_note(notes, buffer.getvalue())


def _check_readable(path: str) -> None:
    if not os.path.exists(path):
        from .input_problems import NO_MATCH, NO_SUCH_FILE
        raise TimelineError(NO_MATCH if set("*?[") & set(os.path.basename(path)) else NO_SUCH_FILE, path)
    if os.path.isdir(path) and not path.endswith(".otiod"):
        raise TimelineError("is a directory, not a timeline", path)
    if not os.access(path, os.R_OK):
        raise TimelineError("permission denied", path)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(exc).__name__}: {text}"


def timelines_in(obj: otio.core.SerializableObject) -> list[Any]:
    """Return the timelines (or clip collections) inside whatever an adapter returned."""
    if isinstance(obj, otio.schema.Timeline):
        return [obj]
    if isinstance(obj, otio.schema.SerializableCollection):
        found = [t for t in obj.find_children(descended_from_type=otio.schema.Timeline)]
        return found or [obj]
    return [obj]


def write_timeline(obj: otio.core.SerializableObject, path: str | os.PathLike[str],
                   adapter: str | None = None, backup: bool = False, skip_if_same: bool = False,
                   writer_args: dict[str, Any] | None = None,
                   writer: Callable[[str], bool] | None = None) -> bool:
    """Write a timeline atomically: temp file in the same folder, then rename over the target.

    With ``skip_if_same``, an existing file with identical content is left untouched.
    ``writer``, when given, is tried first: it writes the file at the temporary path it is given
    and returns True, or returns False and OpenTimelineIO's adapter writes it instead
    (writeback/splice.py). Returns True when the file was (re)written.
    """
    path = str(path)
    name = adapter_for(path, adapter, write=True)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise TimelineError("output folder does not exist", path)
    suffix = Path(path).suffix
    with _temporary_path(folder, suffix) as tmp:
        try:
            if writer is None or not writer(tmp):
                otio.adapters.write_to_file(obj, tmp, adapter_name=name, **_writer_kwargs(writer_args))
        except Exception as exc:
            raise TimelineError(f"cannot write as {name}: {_one_line(exc)}{_write_hint(name, exc)}", path) from exc
        if skip_if_same and _same_content(tmp, path):
            return False
        if backup and os.path.exists(path):
            _copy_for_backup(path, path + ".bak")
        os.replace(tmp, path)
    return True


def _writer_kwargs(args: dict[str, Any] | None) -> dict[str, Any]:
    kwargs = dict(args or {})
    policy = kwargs.get("media_policy")
    if isinstance(policy, str):
        from opentimelineio.adapters.file_bundle_utils import MediaReferencePolicy
        kwargs["media_policy"] = getattr(MediaReferencePolicy, policy)
    return kwargs


def _write_hint(adapter: str, exc: BaseException) -> str:
    if adapter in ("otioz", "otiod") and "NotAFileOnDisk" in type(exc).__name__:
        return " (bundles copy the media, which must exist; --writer-arg media_policy=MissingIfNotFile skips it)"
    if adapter == "AAF" and "mob ID" in str(exc):
        return " (the clip has no AAF mob ID; --writer-arg use_empty_mob_ids=true writes it anyway)"
    return ""


def _same_content(new: str, old: str) -> bool:
    import filecmp
    return os.path.isfile(new) and os.path.isfile(old) and filecmp.cmp(new, old, shallow=False)


def _copy_for_backup(path: str, backup: str) -> None:
    """Keep the previous file: copy (not move), so the target never disappears, even briefly."""
    import shutil
    if os.path.isdir(path):
        shutil.rmtree(backup, ignore_errors=True)
        shutil.copytree(path, backup)
    else:
        shutil.copy2(path, backup)


@contextlib.contextmanager
def _temporary_path(folder: str, suffix: str) -> Iterator[str]:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".genflag-", suffix=suffix, dir=folder)
    except OSError as exc:
        raise TimelineError(f"cannot write here: {exc.strerror}", folder) from exc
    os.close(fd)
    os.unlink(tmp)  # adapters (otiod) may want to create the path themselves
    try:
        yield tmp
    finally:
        _remove_quietly(tmp)


def _remove_quietly(path: str) -> None:
    import shutil
    try:
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)
    except OSError:
        pass
