"""Tests of the pure matching engine (marketplace.matching)."""
