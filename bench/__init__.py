"""Benchmarks of the build: see bench/README.md."""
