"""AYON when it is there, plain Pyblish otherwise: the validation error and the per-instance opt-out.

With ``ayon_core`` importable, validators raise AYON's ``PublishValidationError`` (its publisher
groups errors by ``title`` and shows ``description`` as Markdown) and use AYON's
``OptionalPyblishPluginMixin`` (an "active" toggle per instance). Without it, they raise
``GenflagValidationError`` with the same three attributes, and ``OptionalMixin`` reads the same
per-instance toggle (``instance.data["publish_attributes"][PluginClassName]["active"]``).
"""

from __future__ import annotations

from typing import Any, Mapping


class GenflagValidationError(Exception):
    """A validation failure with a short title, a one-line message and a Markdown description."""

    def __init__(self, message: str, title: str | None = None, description: str | None = None,
                 detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.title = title or "genflag"
        self.description = description or message
        self.detail = detail


class OptionalMixin:
    """Per-instance opt-out for optional validators, read from the instance's publish attributes."""

    optional = True

    @classmethod
    def is_active(cls, data: Mapping[str, Any]) -> bool:
        """False when this plug-in was switched off for the instance."""
        attributes = (data.get("publish_attributes") or {}).get(cls.__name__) or {}
        return attributes.get("active", True) is not False


try:  # AYON's publisher conventions, when running inside AYON
    from ayon_core.pipeline.publish import OptionalPyblishPluginMixin as _AyonOptional
    from ayon_core.pipeline.publish import PublishValidationError as _AyonError
except ImportError:
    AYON = False
    ValidationErrorClass: type[Exception] = GenflagValidationError
    Optional: type = OptionalMixin
else:
    AYON = True
    ValidationErrorClass = _AyonError
    Optional = _AyonOptional


def validation_error(message: str, title: str, description: str) -> Exception:
    """The host's validation error (AYON's PublishValidationError, else GenflagValidationError)."""
    return ValidationErrorClass(message, title=title, description=description)
