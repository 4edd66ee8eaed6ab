"""Media behind clips: the media collector, the probe runner and cache, and the probes themselves."""
