"""Provenance through the comp: read compositing scripts and node graphs without running them.

``nk_tokens`` and ``nuke_script`` read Nuke ``.nk`` text, ``comfy_workflow`` reads ComfyUI
workflow / prompt JSON, ``node_catalogue`` classes their nodes (generative, ml_assisted, other),
``locate`` finds the script a render names, ``trace`` follows ingredients upstream (probed like any
media, depth-bounded, cycle-safe) and ``chains`` turns what was found into evidence chains.
Nothing read from a script is ever executed or evaluated. Kept tiny: plugin discovery may import it.
"""
