"""Which nodes of a comp or node graph are generative, ML-assisted, or neither.

A catalogue of node classes (glob patterns, case-insensitive) per family: Nuke (built-in AIR
nodes, Cattery models, ComfyUI bridges, OFX plug-ins), and ComfyUI (samplers, model loaders,
video models, partner API nodes; ML upscalers, interpolators, segmenters, depth and pose
estimators). Inference-style nodes are classed by the model they load. A studio adds or
overrides classes in the project configuration (``[comp.node_classes]``), which is looked up first.
Anything unknown is ``other``.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from .model import COMFYUI, NUKE

GENERATIVE, ML_ASSISTED, OTHER = "generative", "ml_assisted", "other"
CATEGORIES = (GENERATIVE, ML_ASSISTED, OTHER)


@dataclass(frozen=True)
class NodeClass:
    """A node class's category and a short label saying what it is."""

    category: str
    label: str


#: (pattern, category, label) per family, first match wins.
NUKE_CATALOGUE: tuple[tuple[str, str, str], ...] = (
    # generative bridges and vendor nodes inside Nuke
    ("*ComfyUI*", GENERATIVE, "ComfyUI bridge node"),
    ("*StableDiffusion*", GENERATIVE, "Stable Diffusion node"),
    ("*SDXL*", GENERATIVE, "Stable Diffusion XL node"),
    ("*Midjourney*", GENERATIVE, "Midjourney node"),
    ("*Firefly*", GENERATIVE, "Adobe Firefly node"),
    ("*RunwayML*", GENERATIVE, "Runway node"),
    ("*Runway_Gen*", GENERATIVE, "Runway node"),
    ("*Griptape*", GENERATIVE, "Griptape Nodes bridge"),
    ("*GenFill*", GENERATIVE, "generative fill node"),
    ("*GenerativeFill*", GENERATIVE, "generative fill node"),
    ("*Txt2Img*", GENERATIVE, "text-to-image node"),
    ("*Img2Img*", GENERATIVE, "image-to-image node"),
    ("*FluxPro*", GENERATIVE, "FLUX node"),
    ("*FLUX1*", GENERATIVE, "FLUX node"),
    # Foundry AIR (machine learning) nodes and Cattery models
    ("CopyCat", ML_ASSISTED, "Nuke CopyCat (ML training)"),
    ("BigCat", ML_ASSISTED, "Nuke BigCat (ML training)"),
    ("Inference", ML_ASSISTED, "Nuke Inference (runs a .cat model)"),
    ("CatFileCreator", ML_ASSISTED, "Nuke CatFileCreator (packages an ML model)"),
    ("Upscale", ML_ASSISTED, "Nuke Upscale (ML)"),
    ("Deblur", ML_ASSISTED, "Nuke Deblur (ML)"),
    ("*Cattery*", ML_ASSISTED, "Cattery ML model"),
    ("*DepthAnything*", ML_ASSISTED, "Depth Anything (ML depth)"),
    ("*RIFE*", ML_ASSISTED, "RIFE (ML frame interpolation)"),
    ("*MODNet*", ML_ASSISTED, "MODNet (ML matting)"),
    ("*SegmentAnything*", ML_ASSISTED, "Segment Anything (ML segmentation)"),
    ("*ESRGAN*", ML_ASSISTED, "ESRGAN (ML upscale)"),
    ("*KeenTools*Face*", ML_ASSISTED, "KeenTools FaceTracker (ML)"),
    ("*SwitchLight*", ML_ASSISTED, "Beeble SwitchLight (ML relight)"),
    ("OFXcom.borisfx*ml_v*", ML_ASSISTED, "Boris FX ML effect (OFX)"),
    ("OFXcom.borisfx*ML*", ML_ASSISTED, "Boris FX ML effect (OFX)"),
    ("OFXcom.topazlabs*", ML_ASSISTED, "Topaz Labs (OFX)"),
)

COMFYUI_CATALOGUE: tuple[tuple[str, str, str], ...] = (
    # ML-assisted first: these names would otherwise fall under broad generative patterns
    ("UpscaleModelLoader", ML_ASSISTED, "upscale model loader (ESRGAN-style)"),
    ("ImageUpscaleWithModel", ML_ASSISTED, "ML upscale"),
    ("*VFI", ML_ASSISTED, "ML frame interpolation"),
    ("SAM*", ML_ASSISTED, "Segment Anything (ML segmentation)"),
    ("*SegmentAnything*", ML_ASSISTED, "Segment Anything (ML segmentation)"),
    ("GroundingDino*", ML_ASSISTED, "Grounding DINO (ML detection)"),
    ("*Segmentor*", ML_ASSISTED, "ML segmentation"),
    ("*rembg*", ML_ASSISTED, "ML background removal"),
    ("*Remove Background*", ML_ASSISTED, "ML background removal"),
    ("BiRefNet*", ML_ASSISTED, "ML matting"),
    ("*DepthAnything*", ML_ASSISTED, "ML depth"),
    ("MiDaS*", ML_ASSISTED, "ML depth"),
    ("Zoe*", ML_ASSISTED, "ML depth"),
    ("DSINE*", ML_ASSISTED, "ML normals"),
    ("DWPreprocessor", ML_ASSISTED, "ML pose estimation"),
    ("*Preprocessor", ML_ASSISTED, "ML preprocessor (ControlNet aux)"),
    ("Florence2*", ML_ASSISTED, "ML captioning / detection"),
    # generative: diffusion sampling, model loaders, conditioning, video models, partner API nodes
    ("KSampler*", GENERATIVE, "diffusion sampler"),
    ("SamplerCustom*", GENERATIVE, "diffusion sampler"),
    ("*CheckpointLoader*", GENERATIVE, "diffusion checkpoint loader"),
    ("UNETLoader", GENERATIVE, "diffusion model loader"),
    ("UnetLoaderGGUF*", GENERATIVE, "diffusion model loader"),
    ("DiffusersLoader", GENERATIVE, "diffusion model loader"),
    ("LoraLoader*", GENERATIVE, "LoRA loader"),
    ("ControlNet*", GENERATIVE, "ControlNet conditioning"),
    ("IPAdapter*", GENERATIVE, "IP-Adapter conditioning"),
    ("Empty*Latent*", GENERATIVE, "empty latent (text-to-image)"),
    ("InpaintModelConditioning", GENERATIVE, "inpainting conditioning"),
    ("VAEEncodeForInpaint", GENERATIVE, "inpainting"),
    ("SVD_img2vid_Conditioning", GENERATIVE, "Stable Video Diffusion"),
    ("*AnimateDiff*", GENERATIVE, "AnimateDiff"),
    ("ADE_*", GENERATIVE, "AnimateDiff"),
    ("Wan*", GENERATIVE, "Wan video model"),
    ("LTXV*", GENERATIVE, "LTX-Video"),
    ("Hunyuan*", GENERATIVE, "HunyuanVideo"),
    ("Cosmos*", GENERATIVE, "Cosmos video model"),
    ("Mochi*", GENERATIVE, "Mochi video model"),
    ("StableZero123*", GENERATIVE, "Stable Zero123"),
    ("*TextToVideo*", GENERATIVE, "text-to-video API node"),
    ("*ImageToVideo*", GENERATIVE, "image-to-video API node"),
    ("*TextToImage*", GENERATIVE, "text-to-image API node"),
    ("OpenAI*", GENERATIVE, "OpenAI API node"),
    ("Runway*", GENERATIVE, "Runway API node"),
    ("Kling*", GENERATIVE, "Kling API node"),
    ("Luma*", GENERATIVE, "Luma API node"),
    ("Veo*", GENERATIVE, "Google Veo API node"),
    ("Gemini*", GENERATIVE, "Google Gemini API node"),
    ("Pika*", GENERATIVE, "Pika API node"),
    ("Minimax*", GENERATIVE, "MiniMax API node"),
    ("Stability*", GENERATIVE, "Stability AI API node"),
    ("Ideogram*", GENERATIVE, "Ideogram API node"),
    ("Recraft*", GENERATIVE, "Recraft API node"),
    ("FluxPro*", GENERATIVE, "Black Forest Labs API node"),
    ("FluxKontext*", GENERATIVE, "Black Forest Labs API node"),
    ("BFL*", GENERATIVE, "Black Forest Labs API node"),
    ("Moonvalley*", GENERATIVE, "Moonvalley API node"),
    ("Vidu*", GENERATIVE, "Vidu API node"),
    ("Pixverse*", GENERATIVE, "PixVerse API node"),
    ("ByteDance*", GENERATIVE, "ByteDance API node"),
)

#: Model file names that are generative (checked on Inference-style nodes' model files).
GENERATIVE_MODEL = re.compile(
    r"stable[ _-]?diffusion|sd[ _-]?xl|sd[ _-]?(?:1[._-]5|2[._-]1|3(?:[._-]5)?)(?![0-9])|(?:^|[^a-z])flux|"
    r"controlnet|(?:^|[^a-z])lora(?:[^a-z]|$)|animatediff|hunyuan|(?:^|[^a-z])wan[ _-]?2|ltx[ _-]?v|"
    r"kandinsky|pixart|stylegan|(?:^|[^a-z])gan(?:[^a-z]|$)|diffusion|inpaint|txt2img|img2img|midjourney|dall[ _-]?e",
    re.IGNORECASE)

_CATALOGUES = {NUKE: NUKE_CATALOGUE, COMFYUI: COMFYUI_CATALOGUE}
_DEFAULT = NodeClass(OTHER, "")


def classify(cls: str, family: str, extra: Mapping[str, str] | None = None) -> NodeClass:
    """Return the class of a node (``extra``: the studio's pattern -> category, looked up first)."""
    if extra:
        for pattern, category in extra.items():
            if fnmatch.fnmatchcase(cls.lower(), pattern.lower()):
                return NodeClass(category, f"studio class {pattern}")
    return _builtin(cls, family)


@lru_cache(maxsize=4096)
def _builtin(cls: str, family: str) -> NodeClass:
    lowered = cls.lower()
    for pattern, category, label in _CATALOGUES.get(family, ()):
        if fnmatch.fnmatchcase(lowered, pattern.lower()):
            return NodeClass(category, label)
    return _DEFAULT


def model_category(path: str) -> str:
    """Return the category of a model an inference node loads: generative by name, else ml_assisted."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return GENERATIVE if GENERATIVE_MODEL.search(name) else ML_ASSISTED


def verdict(categories: list[str]) -> str:
    """Return the strongest category: generative over ml_assisted over other."""
    for category in (GENERATIVE, ML_ASSISTED):
        if category in categories:
            return category
    return OTHER
