"""Load and sweep benchmarks: `make bench` (see bench/run.py)."""
