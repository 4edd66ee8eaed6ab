"""Marker lists editors import into their NLE: Avid Media Composer, DaVinci Resolve, Premiere Pro.

``clock`` finds the cut's frame rate, start timecode and drop-frame mode (and says what it
assumed); ``model`` turns findings into one marker per finding; ``avid``, ``resolve`` and
``premiere`` each write one format; ``export`` ties them together for the commands.
Formats and the public references they were checked against: docs/markers.md.
"""
