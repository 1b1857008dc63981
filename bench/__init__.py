"""feedshield's benchmark: `python -m bench` (see README, Benchmark)."""
