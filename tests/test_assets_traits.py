"""genflag's OpenAssetIO trait set: the committed code matches its traitgen YAML, and trait values round-trip."""

from __future__ import annotations

import filecmp
import logging
from pathlib import Path

import pytest
import yaml

pytest.importorskip("openassetio", reason="openassetio is not installed")

from openassetio.trait import TraitsData

from genflag.assets.traits.provenance import GenerativeTrait_v1
from genflag.assets.traits.review import FlaggedTrait_v1

ROOT = Path(__file__).resolve().parents[1]
YAML_PATH = ROOT / "schemas" / "openassetio" / "genflag_traits.yaml"
COMMITTED = ROOT / "src" / "genflag" / "assets" / "traits"


def test_regenerating_from_the_yaml_gives_the_committed_code(tmp_path: Path) -> None:
    traitgen = pytest.importorskip(
        "openassetio_traitgen",
        reason="openassetio-traitgen is a development tool (it pins old jsonschema/PyYAML); "
               "install it with `pip install --no-deps openassetio-traitgen jinja2` to run this check")
    traitgen.generate(str(YAML_PATH), str(tmp_path), "python", lambda _path: None,
                      logging.getLogger("traitgen-test"))
    generated = tmp_path / "genflag" / "traits"
    names = sorted(p.name for p in generated.glob("*.py"))
    assert names == sorted(p.name for p in COMMITTED.glob("*.py"))
    _, mismatch, errors = filecmp.cmpfiles(generated, COMMITTED, names, shallow=False)
    assert mismatch == [] and errors == [], f"regenerate src/genflag/assets/traits (see docs/assets.md): {mismatch}"


def test_trait_ids_follow_package_namespace_name() -> None:
    assert GenerativeTrait_v1.kId == "genflag:provenance.Generative"
    assert FlaggedTrait_v1.kId == "genflag:review.Flagged"


def test_every_yaml_property_is_a_scalar_type_openassetio_can_hold() -> None:
    description = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))
    types = {prop["type"] for namespace in description["traits"].values()
             for trait in namespace["members"].values() for version in trait["versions"].values()
             for prop in version.get("properties", {}).values()}
    assert types <= {"string", "integer", "float", "boolean"}


def test_generated_views_set_and_get_typed_values() -> None:
    data = TraitsData()
    provenance = GenerativeTrait_v1(data)
    provenance.imbue()
    provenance.setTool("Runway Gen-4")
    provenance.setDigitalSourceType("trainedAlgorithmicMedia")
    flags = FlaggedTrait_v1(data)
    flags.setFindingCount(3)
    assert data.traitSet() == {GenerativeTrait_v1.kId, FlaggedTrait_v1.kId}
    assert provenance.getTool() == "Runway Gen-4"
    assert flags.getFindingCount() == 3
    with pytest.raises(TypeError):
        flags.setFindingCount("3")  # type: ignore[arg-type]
