"""Write timelines through OpenTimelineIO's adapters, safely.

output_paths.py decides where a timeline may go; atomic_write.py makes the write all-or-nothing.
OpenTimelineIO's own ``.otio`` file writer (C++) loses write errors (a full disk leaves a
truncated file and reports success). So it only ever writes into genflag's pending temporary,
and what it wrote is checked whole before the rename (_write_otio_json_streamed); with write
hooks to run or an unindented layout, and for every other adapter that can write a string, the
text is serialised in memory and written through the safe writer, every byte checked. Adapters that
only write a path themselves (AAF, ``.otioz``, ``.otiod``) write into a locked temporary folder
beside the target; what they wrote is checked (a bundle's ``content.otio`` must parse, a zip must
open, a file must not be empty) and synced before it is moved into place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

import opentimelineio as otio

from ..errors import TimelineError, UsageError
from ..files.atomic_write import PendingFile, PendingFolder, WriteError, write_all
from ..files.file_ownership import Ownership
from ..files.output_paths import OutputTarget, is_written_through, open_output, resolve_output
from ..safe_text import describe_exception, terminal
from .otio_access import writes_verbatim
from .read import adapter_for

#: Adapters whose output is a folder.
BUNDLE_ADAPTERS = frozenset({"otiod"})
#: Characters of serialised text encoded and written at a time (bounds the extra memory).
_TEXT_SLICE = 1 << 22

#: ``writer(stream) -> bool``: writes the whole timeline to the binary stream and returns True,
#: or returns False (having written any part of it) and the adapter writes it instead.
StreamWriter = Callable[[BinaryIO], bool]


def writer_adapter(path: str, adapter: str | None = None) -> str:
    """The adapter that writes ``path``: the one named, else by extension; standard output and
    devices without an extension (``-o -``, ``/dev/stdout``) get ``.otio`` JSON."""
    if adapter:
        return adapter
    if not Path(path).suffix and is_written_through(path):
        return "otio_json"
    return adapter_for(path, None, write=True)


def write_timeline(obj: otio.core.SerializableObject, path: str | os.PathLike[str],
                   adapter: str | None = None, backup: bool = False, skip_if_same: bool = False,
                   writer_args: dict[str, Any] | None = None, writer: StreamWriter | None = None,
                   inputs: Iterable[str] = (), in_place: bool = False) -> bool:
    """Write a timeline safely; return True when the file was (re)written.

    ``inputs``: the run's input files, never overwritten unless ``in_place`` (``path`` is the
    input). ``skip_if_same``: an existing file with identical content is left untouched.
    ``writer``: tried first (writeback/splice.py); when it gives up, the adapter writes.
    ``backup``: the previous file is kept as ``path``.bak. Every failure raises a one-line
    GenflagError naming the file, and leaves the previous file as it was.
    """
    path = os.fspath(path)
    name = writer_adapter(path, adapter)
    target = resolve_output(path, inputs, replace_input=in_place, bundle=name in BUNDLE_ADAPTERS,
                            hint="; use --in-place")
    kwargs = _writer_kwargs(writer_args)
    if otio.adapters.from_name(name).has_feature("write_to_string"):
        return _write_text(obj, name, kwargs, target, path, writer, backup, skip_if_same)
    return _write_by_adapter(obj, name, kwargs, target, path, backup, skip_if_same)


def _write_text(obj: Any, name: str, kwargs: dict[str, Any], target: OutputTarget, path: str,
                writer: StreamWriter | None, backup: bool, skip_if_same: bool) -> bool:
    with open_output(target, Path(path).suffix) as pending:
        if writer is None or not writer(pending.stream):
            pending.restart()
            if isinstance(pending, PendingFile) and _streams(name, kwargs):
                _write_otio_json_streamed(pending, obj, kwargs, path)
            else:
                _write_serialised(pending, obj, name, kwargs, path)
        if skip_if_same and not target.written_through and pending.same_as(target.path):
            return False
        if backup:
            keep_backup(target, path)
        pending.commit()
    _run_post_write_hooks(obj, kwargs, path)
    return True


def _write_serialised(pending: Any, obj: Any, name: str, kwargs: dict[str, Any], path: str) -> None:
    """Serialise with the adapter's write_to_string (its pre-write hooks run) and write it out."""
    try:
        text = otio.adapters.from_name(name).write_to_string(
            obj, hook_function_argument_map={"_filepath": path}, **kwargs)
    except Exception as exc:  # adapters raise anything
        raise TimelineError(f"cannot write as {name}: {describe_exception(exc)}{_write_hint(name, exc)}",
                            terminal(path, 300)) from exc
    if isinstance(text, bytes):
        pending.write(text)
        return
    for start in range(0, len(text), _TEXT_SLICE):
        pending.write(text[start:start + _TEXT_SLICE].encode("utf-8", errors="replace"))


def _streams(name: str, kwargs: dict[str, Any]) -> bool:
    """True when an .otio file can be streamed by OpenTimelineIO's C++ writer and then checked whole:
    no write hook to run, and an indented layout (see _write_otio_json_streamed)."""
    indent = kwargs.get("indent", 4)
    return name == "otio_json" and isinstance(indent, int) and indent >= 1 and set(kwargs) <= {"indent"} \
        and writes_verbatim()


def _write_otio_json_streamed(pending: PendingFile, obj: Any, kwargs: dict[str, Any], path: str) -> None:
    """Let OpenTimelineIO's C++ writer stream the .otio text into the pending file, then check it is whole.

    Serialising in memory first would double a large cut's peak memory. The C++ writer loses
    write errors, but what it leaves on a failure is a prefix of the text; and in indented JSON
    the only line that starts with ``}`` is the last one (nested braces are indented, strings
    cannot hold a raw line break). So the text is whole exactly when it ends with ``\n}``.
    """
    try:
        otio.adapters.otio_json.write_to_file(obj, pending.descriptor_path(), **kwargs)
    except Exception as exc:  # the binding raises its own error types
        raise TimelineError(f"cannot write as otio_json: {describe_exception(exc)}", terminal(path, 300)) from exc
    if not pending.ends_with(b"\n}"):
        raise WriteError("cannot write: the .otio text stopped short (is the disk full?); nothing was changed",
                         terminal(path, 300))


def _run_post_write_hooks(obj: Any, kwargs: dict[str, Any], path: str) -> None:
    """What OpenTimelineIO's write_to_file runs after writing, now that the file is in place."""
    if otio.hooks.scripts_attached_to("post_adapter_write"):
        otio.hooks.run("post_adapter_write", obj, extra_args={"adapter_arguments": dict(kwargs), "_filepath": path})


def _write_by_adapter(obj: Any, name: str, kwargs: dict[str, Any], target: OutputTarget, path: str,
                      backup: bool, skip_if_same: bool) -> bool:
    suffix = Path(path).suffix
    if target.written_through:
        with tempfile.TemporaryDirectory(prefix="genflag-") as folder:
            out = os.path.join(folder, "output" + suffix)
            _adapter_writes(obj, name, kwargs, out, path)
            with open_output(target) as pending, open(out, "rb") as written:
                while chunk := written.read(1 << 20):
                    pending.write(chunk)
                pending.commit()
        return True
    with PendingFolder(target.path, shown=target.shown, suffix=suffix) as pending:
        _adapter_writes(obj, name, kwargs, pending.path, path)
        if skip_if_same and _same_file(pending.path, target.path):
            return False
        if backup:
            keep_backup(target, path)
        pending.commit()
    return True


def _adapter_writes(obj: Any, name: str, kwargs: dict[str, Any], out: str, path: str) -> None:
    """Let the adapter write ``out``, then check that what it wrote is whole."""
    try:
        otio.adapters.write_to_file(obj, out, adapter_name=name, **kwargs)
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror or exc}; nothing was changed", terminal(path, 300)) from exc
    except Exception as exc:  # adapters raise anything
        raise TimelineError(f"cannot write as {name}: {describe_exception(exc)}{_write_hint(name, exc)}",
                            terminal(path, 300)) from exc
    problem = incomplete_output(out, name)
    if problem:
        raise WriteError(f"cannot write: the {name} writer left {problem}; nothing was changed", terminal(path, 300))


def incomplete_output(path: str, adapter: str) -> str | None:
    """What is wrong with a file or bundle an adapter wrote (None: it is whole)."""
    try:
        if adapter == "otiod":
            with open(os.path.join(path, "content.otio"), "rb") as content:
                json.load(content)
        elif adapter == "otioz":
            with zipfile.ZipFile(path) as bundle:
                json.loads(bundle.read("content.otio"))
        elif os.path.getsize(path) == 0:
            return "an empty file"
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        return f"an incomplete output ({describe_exception(exc)})"
    return None


def keep_backup(target: OutputTarget, path: str) -> None:
    """Keep the file about to be replaced as ``path``.bak (copied, so the target never disappears)."""
    if not os.path.lexists(target.path):
        return
    backup = resolve_output(path + ".bak")
    if backup.written_through:
        raise WriteError("the backup path is a device or pipe; not used", backup.shown)
    if os.path.isdir(target.path):
        with PendingFolder(backup.path, shown=backup.shown) as pending:
            shutil.copytree(target.path, pending.path, symlinks=True)
            pending.commit()
        return
    with PendingFile(backup.path, shown=backup.shown) as pending, open(target.path, "rb") as old:
        while chunk := old.read(1 << 20):
            write_all(pending.fd, chunk)
        pending.commit(Ownership.of(os.stat(target.path)))


def _writer_kwargs(args: dict[str, Any] | None) -> dict[str, Any]:
    kwargs = dict(args or {})
    policy = kwargs.get("media_policy")
    if isinstance(policy, str):
        from opentimelineio.adapters.file_bundle_utils import MediaReferencePolicy
        if not hasattr(MediaReferencePolicy, policy):
            known = ", ".join(sorted(k for k in vars(MediaReferencePolicy) if not k.startswith("_")))
            raise UsageError(f"--writer-arg media_policy must be one of {known}, got {terminal(policy)!s}")
        kwargs["media_policy"] = getattr(MediaReferencePolicy, policy)
    return kwargs


def _write_hint(adapter: str, exc: BaseException) -> str:
    if adapter in ("otioz", "otiod") and "NotAFileOnDisk" in type(exc).__name__:
        return " (bundles copy the media, which must exist; --writer-arg media_policy=MissingIfNotFile skips it)"
    if adapter == "AAF" and "mob ID" in str(exc):
        return " (the clip has no AAF mob ID; --writer-arg use_empty_mob_ids=true writes it anyway)"
    return ""


def _same_file(new: str, old: str) -> bool:
    import filecmp
    return os.path.isfile(new) and os.path.isfile(old) and filecmp.cmp(new, old, shallow=False)



