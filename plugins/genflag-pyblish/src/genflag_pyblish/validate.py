"""Validate: stop a publish that carries generative media, or a cut with unapproved generative clips.

Both validators are optional per instance (AYON's toggle, or ``publish_attributes``) and raise
the host's validation error (AYON's ``PublishValidationError`` or ``GenflagValidationError``),
titled so the publisher groups them, never an unhandled exception: files genflag cannot read and
broken genflag settings are validation errors too.
"""

from __future__ import annotations

from typing import Any, Callable

import pyblish.api

from genflag.api import GenflagError

from . import gate, messages
from .host import Optional, validation_error
from .runner import inputs_of, run_for, unreadable
from .settings import SettingsError

UNREADABLE_TITLE = "Unreadable files (genflag)"
SETTINGS_TITLE = "genflag settings"


class _GenflagValidator(pyblish.api.InstancePlugin, Optional):  # type: ignore[misc,valid-type]
    """Shared flow: skip when off or empty, report unreadable files, then gate the findings."""

    order = pyblish.api.ValidatorOrder
    optional = True
    fail_on = "warning"
    fail_on_unreadable = True
    title = "genflag"
    editorial = False
    intro = ""
    select: Callable[[Any, str], list[Any]] = staticmethod(gate.media_blocking)

    def process(self, instance: pyblish.api.Instance) -> None:
        """Run genflag on the instance's files and raise when they must not be published."""
        if not self.is_active(instance.data) or inputs_of(instance).empty():
            return
        try:
            run = run_for(instance)
        except (GenflagError, SettingsError) as exc:
            raise validation_error(f"{instance}: {exc}", SETTINGS_TITLE,
                                   f"genflag could not start: `{exc}`. Fix the studio's genflag settings.") from None
        self._check_readable(instance, run)
        blocking = self.select(run.findings, self.fail_on)
        if blocking:
            label = str(instance)
            raise validation_error(messages.summary(label, blocking, self.editorial), self.title,
                                   messages.description(blocking, self.editorial, self.intro))
        self.log.info("%s: genflag found nothing that blocks this publish", instance)

    def _check_readable(self, instance: pyblish.api.Instance, run: Any) -> None:
        errors = unreadable(run)
        if not errors:
            return
        message, text = messages.unreadable_text(str(instance), errors)
        if self.fail_on_unreadable:
            raise validation_error(message, UNREADABLE_TITLE, text)
        self.log.warning(message)


class ValidateGenerativeMedia(_GenflagValidator):
    """Renders, plates and textures must not carry generative-AI media unless it was approved."""

    label = "Validate generative media (genflag)"
    families = ["render", "plate", "texture"]
    title = "Generative AI media"
    intro = ("genflag found generative-AI provenance in files of this publish (Content Credentials, "
             "generator metadata, sidecars or names).")


class ValidateEditorialGenerativeClips(_GenflagValidator):
    """An editorial publish must not carry generative clips without approval, or likeness without consent."""

    label = "Validate generative clips in the cut (genflag)"
    families = ["editorial"]
    fail_on = "warning"
    title = "Unapproved generative clips"
    editorial = True
    intro = ("This cut has generative-AI clips that need written approval (and, for likeness, the "
             "performer's consent) before it is published.")
    select = staticmethod(gate.editorial_blocking)
