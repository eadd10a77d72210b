"""`make validate`: simulations with fixed seeds that check the statistics' promises.

Each module here exposes `rows(seed: int = 0) -> list[dict]` with keys area, scenario,
measure, value, target, passed; validate/__main__.py runs them all and prints one table.
"""
