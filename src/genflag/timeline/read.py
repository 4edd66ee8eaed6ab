"""Read timelines through OpenTimelineIO's own adapters (writing: timeline_write.py)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import stat
import warnings
from pathlib import Path
from typing import Any, Iterator

import opentimelineio as otio

from ..errors import TimelineError
from ..files.file_kinds import file_kind
from ..files.fs_names import adapter_path
from ..safe_text import describe_exception

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
            with adapter_path(path) as readable:  # a name that is not UTF-8 (fs_names.py)
                return otio.adapters.read_from_file(readable, adapter_name=name, **read_kwargs(name, rate, adapter_args))
        except Exception as exc:  # adapters raise anything: ValueError, KeyError, AttributeError...
            raise TimelineError(f"cannot read as {name}: {describe_exception(exc)}", path) from exc


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


#: Limits on .otioz bundles (zip archives): what their members may add up to when unpacked.
MAX_ARCHIVE_BYTES = 4 << 30
MAX_ARCHIVE_MEMBERS = 100_000


def _check_readable(path: str) -> None:
    """Refuse what cannot be a timeline before an adapter opens it: missing paths, folders, FIFOs
    and devices (an adapter would wait on them for ever), unreadable files, zip bombs."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        from .input_problems import NO_MATCH, NO_SUCH_FILE
        raise TimelineError(NO_MATCH if set("*?[") & set(os.path.basename(path)) else NO_SUCH_FILE, path) from None
    except (OSError, ValueError) as exc:
        raise TimelineError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path) from None
    if stat.S_ISDIR(mode):
        if not path.rstrip("/").endswith(".otiod"):
            raise TimelineError("is a directory, not a timeline", path)
    elif not stat.S_ISREG(mode):
        raise TimelineError(f"not a regular file ({file_kind(mode)}): never read as a timeline", path)
    if not os.access(path, os.R_OK):
        raise TimelineError("permission denied", path)
    if path.lower().endswith(".otioz") and stat.S_ISREG(mode):
        _check_archive(path)


def _check_archive(path: str) -> None:
    """An .otioz must be a zip whose members unpack to at most MAX_ARCHIVE_BYTES."""
    import zipfile
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TimelineError(f"not a valid .otioz bundle: {exc}", path) from None
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise TimelineError(f"bundle has {len(members):,} members (limit {MAX_ARCHIVE_MEMBERS:,})", path)
    total = sum(member.file_size for member in members)
    if total > MAX_ARCHIVE_BYTES:
        raise TimelineError(f"bundle unpacks to {total:,} bytes (limit {MAX_ARCHIVE_BYTES:,}): "
                            "not read", path)


def timelines_in(obj: Any, path: str = "") -> list[Any]:
    """Return the timelines (or clip collections) inside whatever an adapter returned; TimelineError
    when it holds none (a file of JSON null, a string, an unknown schema)."""
    if isinstance(obj, otio.schema.Timeline):
        return [obj]
    if isinstance(obj, otio.schema.SerializableCollection):
        found = [t for t in obj.find_children(descended_from_type=otio.schema.Timeline)]
        return found or [obj]
    if isinstance(obj, (otio.core.Composition, otio.schema.Clip)):
        return [obj]
    if isinstance(obj, otio._otio.UnknownSchema):
        raise TimelineError(f"holds no timeline: unknown schema {obj.original_schema_name}."
                            f"{obj.original_schema_version}", path or None)
    raise TimelineError(f"holds no timeline (it holds {type(obj).__name__})", path or None)


def json_depth(path: str, limit: int = 64 << 20) -> int:
    """How deeply a JSON file nests objects and arrays (strings skipped), reading at most ``limit``
    bytes: to explain a reader that crashed or ran out of time on it."""
    depth = deepest = 0
    in_string = escaped = False
    with open(path, "rb") as handle:
        data = handle.read(limit)
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x7D, 0x5D):
            depth -= 1
    return deepest

