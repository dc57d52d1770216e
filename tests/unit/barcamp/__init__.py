"""Tests of the BarCamp domain."""
