"""Helpers shared by tests and benchmarks: throwaway databases, ledgers, clocks."""
