"""Tests of the Kitsu writer plugin (plugins/genflag-kitsu) against a real Zou server."""
