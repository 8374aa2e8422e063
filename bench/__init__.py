"""Benchmarks: `python bench/run.py` (see bench/RESULTS.md)."""
