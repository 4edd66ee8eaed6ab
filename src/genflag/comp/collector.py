"""The ``comp`` collector: follow a render's provenance through its comp script.

Runs after the media probes (order 60 > 50), so a clip's header attributes (``exr.*``,
``dpx.*``), sidecar (``sidecar.*``) and asset-manager facts (``asset.*``) are there to name the
render's comp script (genflag.comp.locate). The scripts are read as text or data, never run;
their ingredients are probed like any media, upstream scripts followed within the bounds of the
``[comp]`` configuration (genflag.comp.settings). Each traced clip gets ``comp.*`` facts with the
chain of evidence (render ← comp script ← generated ingredient or generative node).
"""

from __future__ import annotations

from typing import Sequence

from ..plugins import ClipPlace, Collector, RunContext

FIELD_DOCS: dict[str, str] = {
    "comp.script": "the comp script (Nuke .nk, ComfyUI .json) the clip's render names, as a local path",
    "comp.script_found_by": "how it was found: the header attribute, sidecar key or asset fact and its value, "
                            "or the folder convention",
    "comp.script_state": "read, missing, unreadable (too large, not a comp script, malformed) or not_read (a limit)",
    "comp.script_error": "why the clip's own comp script could not be read, 'file name: reason'",
    "comp.kind": "nuke or comfyui: the kind of the clip's own comp script",
    "comp.verdict": "generative (a generative node or generated ingredient upstream), ml_assisted (only ML "
                    "nodes), or other",
    "comp.chain": "each generative lead as a chain: render ← comp script [how found] ← ingredient [what it "
                  "declares] or node [its class] (list)",
    "comp.ml_chain": "each ML-assisted lead as a chain (list)",
    "comp.chain_summary": "the first chain with file names only (for messages)",
    "comp.conform_of": "the generated still the clip's comp only conforms (one ingredient, a still declaring "
                       "itself generated, no generative node)",
    "comp.scripts": "every comp script traced upstream (list)",
    "comp.ingredients": "every media file the traced scripts read (list)",
    "comp.generative_ingredients": "ingredients whose own provenance declares them generated (list)",
    "comp.generative_nodes": "generative nodes of the traced scripts, 'name (class: what) in script' (list)",
    "comp.ml_nodes": "ML-assisted nodes of the traced scripts (list)",
    "comp.models": "model files named by inference and loader nodes (list)",
    "comp.depth": "how many scripts deep the longest path upstream goes",
    "comp.unresolved_count": "file references holding expressions or TCL genflag did not evaluate",
    "comp.errors": "scripts that could not be read, each 'path: reason' (list)",
    "comp.limits": "limits met: scripts not read, ingredients not probed, truncated scripts (list)",
    "comp.cycles": "cycles among scripts, e.g. 'a.nk → b.nk → a.nk' (list)",
    # facts of a script probed on its own (the comp probe; also on clips whose media is a script)
    "comp.version": "the script's Nuke version or ComfyUI workflow version",
    "comp.node_count": "nodes in the script",
    "comp.node_classes": "distinct node classes in the script (list)",
    "comp.nodes.generative": "node classes the catalogue calls generative (list)",
    "comp.nodes.ml_assisted": "node classes the catalogue calls ML-assisted (list)",
    "comp.nodes.other": "the other node classes (list)",
    "comp.class": "the script's own nodes: generative, ml_assisted or other",
    "comp.ingredient_count": "media files the script reads",
    "comp.script_refs": "scripts the script loads (Precomp, LiveGroup) (list)",
    "comp.writes": "files the script's Write nodes render to (list)",
    "comp.unresolved": "file references genflag did not evaluate, 'node.knob: value' (list)",
    "comp.truncated": "limits met while reading the script (list)",
    "comp.error": "why the script could not be read",
}


class CompCollector(Collector):
    """Adds comp.* facts to clips whose render names a comp script (header, sidecar, asset, convention)."""

    name = "comp"
    order = 60
    description = "provenance through the comp: a render's Nuke / ComfyUI script, its ingredients and nodes"
    fields = FIELD_DOCS

    def wants(self, context: RunContext) -> bool:
        """Only when media is probed (the script is found from media facts) and not switched off."""
        table = context.config.get("comp") if isinstance(context.config, dict) else None
        return context.probe_media and not (isinstance(table, dict) and table.get("enabled") is False)

    def collect(self, places: Sequence[ClipPlace], context: RunContext) -> None:
        """Find each clip's comp script, trace upstream once for the timeline, add the facts."""
        if not self.wants(context):
            return
        from .settings import settings_from
        from .trace_collector import trace_places
        trace_places(places, settings_from(context.config), context)
