"""Benchmarks, run by hand or with `make bench`; never part of the test suite (see bench/README.md)."""
