"""Built-in media probes, one module each; kept tiny because plugin discovery imports this package."""

#: probe name -> "module:Class", imported only when used (the same form as genflag.builtins).
BUILTIN_PROBES: dict[str, str] = {
    "c2pa": "genflag.media.probes.c2pa_probe:C2paProbe",
    "xmp": "genflag.media.probes.xmp:XmpProbe",
    "png": "genflag.media.probes.png_text:PngTextProbe",
    "exif": "genflag.media.probes.exif:ExifProbe",
    "exr": "genflag.media.probes.exr:ExrProbe",
    "dpx": "genflag.media.probes.dpx:DpxProbe",
    "sidecar": "genflag.media.probes.sidecar:SidecarProbe",
    "mp4": "genflag.media.probes.movie:MovieProbe",
    "audio": "genflag.media.probes.audio_tags:AudioTagProbe",
    "comp": "genflag.comp.probe:CompScriptProbe",
}
