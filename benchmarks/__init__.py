"""antechamber's benchmarks: `scripts/bench` (or `python -m benchmarks`), see __main__.py."""
