"""Speed and memory measurements at demo and national scale: `python -m benchmarks [--quick]`."""
