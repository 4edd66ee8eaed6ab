"""Editing-tool specifics genflag reads beside OpenTimelineIO's adapters (kept tiny: plugin discovery)."""
