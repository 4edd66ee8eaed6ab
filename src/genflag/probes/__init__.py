"""Built-in media probes, one module each; kept tiny because plugin discovery imports this package."""

#: probe name -> "module:Class", imported only when used (the same form as genflag.builtins).
BUILTIN_PROBES: dict[str, str] = {
    "c2pa": "genflag.probes.c2pa_probe:C2paProbe",
    "xmp": "genflag.probes.xmp:XmpProbe",
    "png": "genflag.probes.png_text:PngTextProbe",
    "exif": "genflag.probes.exif:ExifProbe",
    "exr": "genflag.probes.exr:ExrProbe",
    "dpx": "genflag.probes.dpx:DpxProbe",
    "sidecar": "genflag.probes.sidecar:SidecarProbe",
    "mp4": "genflag.probes.movie:MovieProbe",
    "audio": "genflag.probes.audio_tags:AudioTagProbe",
    "comp": "genflag.probes.comp_script:CompScriptProbe",
}
