"""AYON's conventions when ayon_core is importable; Pyblish path discovery; the headless command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyblish.api
from pyblish_support import CLEAN_PLATE, COMFY_PNG, HERE

import genflag_pyblish

# ayon-core is not on the package index: this stub has the documented interface the plug-ins use
# (ayon_core.pipeline.publish: PublishValidationError(message, title=None, description=None,
# detail=None) and OptionalPyblishPluginMixin.is_active(data)), so the AYON branch really runs.
AYON_STUB = '''
class PublishValidationError(Exception):
    def __init__(self, message, title=None, description=None, detail=None):
        super().__init__(message)
        self.message, self.title, self.description, self.detail = message, title, description, detail

class OptionalPyblishPluginMixin:
    @classmethod
    def is_active(cls, data):
        return data.get("publish_attributes", {}).get(cls.__name__, {}).get("active", True)
'''

PUBLISH_SCRIPT = '''
import json, sys, pyblish.api, pyblish.util, genflag_pyblish
from genflag_pyblish import host
context = pyblish.api.Context()
for name, active in (("on", True), ("off", False)):
    instance = context.create_instance(name, family="render", families=["render"])
    instance.data["files"] = [sys.argv[1]]
    instance.data["publish_attributes"] = {"ValidateGenerativeMedia": {"active": active}}
pyblish.util.publish(context, plugins=genflag_pyblish.plugins())
errors = [r["error"] for r in context.data["results"] if r["error"]]
print(json.dumps({"ayon": host.AYON, "errors": [[type(e).__module__, e.title, e.description[:40], str(r)]
                  for e, r in zip(errors, [r["instance"] for r in context.data["results"] if r["error"]])]}))
'''


def test_inside_ayon_the_validators_raise_ayons_publish_validation_error(tmp_path: Path) -> None:
    package = tmp_path / "ayon_core" / "pipeline" / "publish"
    package.mkdir(parents=True)
    for folder in (tmp_path / "ayon_core", tmp_path / "ayon_core" / "pipeline"):
        (folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text(AYON_STUB)
    render = tmp_path / "sh010_comp_v001.png"
    render.write_bytes(COMFY_PNG.read_bytes())
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "GENFLAG_NO_PLUGINS": "1"}
    proc = subprocess.run([sys.executable, "-c", PUBLISH_SCRIPT, str(render)], env=env, capture_output=True,
                          text=True, timeout=120)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["ayon"] is True
    ((module, title, description, instance),) = report["errors"]  # only the instance left active fails
    assert module == "ayon_core.pipeline.publish" and title == "Generative AI media" and instance == "on"
    assert description.startswith("genflag found generative-AI provenance")


def test_without_ayon_the_plugins_use_plain_pyblish_errors() -> None:
    from genflag_pyblish import host
    assert host.AYON is False  # ayon_core is not installed in the test environment
    error = host.validation_error("one line", "Title", "Markdown")
    assert (str(error), error.title, error.description) == ("one line", "Title", "Markdown")


def test_pyblish_discovers_exactly_the_plugins_from_the_plugin_path() -> None:
    pyblish.api.deregister_all_paths()
    pyblish.api.register_plugin_path(genflag_pyblish.PLUGIN_PATH)
    try:
        found = {p.__name__ for p in pyblish.api.discover()}
    finally:
        pyblish.api.deregister_plugin_path(genflag_pyblish.PLUGIN_PATH)
    assert found >= {p.__name__ for p in genflag_pyblish.plugins()}
    assert not any(name.startswith("_") for name in found)


def test_register_adds_the_plugins_and_deregister_removes_them() -> None:
    ours = {p.__name__ for p in genflag_pyblish.plugins()}
    genflag_pyblish.register()
    try:
        assert ours <= {p.__name__ for p in pyblish.api.registered_plugins()}
    finally:
        genflag_pyblish.deregister()
    assert not ours & {p.__name__ for p in pyblish.api.registered_plugins()}


def test_the_headless_command_exits_by_result_and_writes_json(tmp_path: Path) -> None:
    from genflag_pyblish.cli import main
    plate = tmp_path / "sh040_plate_v001.png"
    plate.write_bytes(CLEAN_PLATE.read_bytes())
    staging = tmp_path / "staging"
    staging.mkdir()
    assert main([str(plate), "--family", "plate", "--staging", str(staging), "--json", str(tmp_path / "r.json")]) == 0
    assert (staging / "genflag.html").exists()
    render = tmp_path / "sh010_comp_v001.png"
    render.write_bytes(COMFY_PNG.read_bytes())
    assert main([str(render), "--family", "render", "--json", str(tmp_path / "r.json")]) == 1
    rows = json.loads((tmp_path / "r.json").read_text())["results"]
    failed = [r for r in rows if not r["success"]]
    assert [r["title"] for r in failed] == ["Generative AI media"] and failed[0]["instance"] == "sh010_comp_v001"
    assert main([str(plate), "--family", "plate", "--staging", str(tmp_path / "nope")]) == 2


def test_the_plugin_is_built_only_on_genflags_public_api() -> None:
    sources = (HERE.parent / "src" / "genflag_pyblish").rglob("*.py")
    imports = {line.split()[1] for path in sources for line in path.read_text().splitlines()
               if line.startswith(("from genflag", "import genflag")) and not line.startswith("from genflag_pyblish")}
    assert imports == {"genflag", "genflag.api", "genflag.plugins"}, imports
