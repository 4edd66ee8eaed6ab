"""IPTC digital source type normalisation and classification."""

from __future__ import annotations

import pytest

from genflag.media.probes.source_type import classify, derive_iptc, is_generative, normalise, normalise_all


@pytest.mark.parametrize("value, term", [
    ("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", "trainedAlgorithmicMedia"),
    ("https://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic/", "compositeSynthetic"),
    ("digitalsourcetype:algorithmicMedia", "algorithmicMedia"),
    (" http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", "digitalCapture"),
    ("\tcompositeWithTrainedAlgorithmicMedia \n", "compositeWithTrainedAlgorithmicMedia"),
    ("TRAINEDALGORITHMICMEDIA", "trainedAlgorithmicMedia"),
    ("http://c2pa.org/digitalsourcetype/empty", "empty"),
])
def test_when_value_is_uri_qcode_or_term_then_normalised_to_term(value: str, term: str) -> None:
    assert normalise(value) == term


@pytest.mark.parametrize("value", ["", "   ", None, 42, "http://x/<script>", "a b c"])
def test_when_value_is_junk_then_dropped(value: object) -> None:
    assert normalise(value) is None


def test_when_algorithmic_media_then_procedural_not_generative() -> None:
    assert classify("algorithmicMedia") == "procedural"
    assert not is_generative("algorithmicMedia")


@pytest.mark.parametrize("term", ["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"])
def test_when_generative_term_then_generative(term: str) -> None:
    assert classify(term) == "generative" and is_generative(term)


def test_when_digital_capture_then_capture() -> None:
    assert classify("digitalCapture") == "capture"
    assert classify("somethingNew") == "unknown"


def test_when_values_repeat_then_normalise_all_dedupes_in_order() -> None:
    assert normalise_all([" digitalCapture", "digitalCapture", "x:algorithmicMedia"]) == ["digitalCapture", "algorithmicMedia"]


def test_when_facts_from_several_probes_then_iptc_is_their_union() -> None:
    facts = {"c2pa.actions.digital_source_type": ["algorithmicMedia"],
             "c2pa.ingredients.digital_source_type": ["trainedAlgorithmicMedia"],
             "xmp.digital_source_type": " http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"}
    derived = derive_iptc(facts)
    assert derived["iptc.digital_source_type"] == ["algorithmicMedia", "trainedAlgorithmicMedia", "digitalCapture"]
    assert derived["iptc.source_class"] == ["procedural", "generative", "capture"]
    assert derived["iptc.generative"] is True


def test_when_only_procedural_then_not_generative() -> None:
    derived = derive_iptc({"sidecar.digital_source_type": "algorithmicMedia"})
    assert derived["iptc.generative"] is False


def test_when_no_source_type_then_no_iptc_facts() -> None:
    assert derive_iptc({"png.generator": "ComfyUI"}) == {}
