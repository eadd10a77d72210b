"""Run every validation module (validate/ranking.py, agreement.py and leniency.py), print one table
and exit non-zero if any row misses its target. Rows without a target (reported measures such
as the leniency slope) show "-" and never fail. `--only ranking` runs one module."""

import argparse
import importlib
import sys
import time
from datetime import UTC, datetime

MODULES = ("validate.ranking", "validate.agreement", "validate.leniency")
COLUMNS = ("area", "scenario", "measure", "value", "target", "passed")


def _value(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1e-3 and v != 0 else f"{v:.3f}"
    return str(v)


def _verdict(passed: bool | None) -> str:
    return "-" if passed is None else "yes" if passed else "**NO**"


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table (README shows it as printed)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = [_value(r[c]) if c != "passed" else _verdict(r[c]) for c in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m validate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=[m.split(".")[1] for m in MODULES],
                        help="run one module's simulations only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows: list[dict] = []
    for name in MODULES:
        if args.only and name != f"validate.{args.only}":
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a module that is there but fails to import is an error
                raise
            continue
        rows.extend(module.rows(seed=args.seed))
    took = time.perf_counter() - started
    print(f"Validation of {datetime.now(UTC):%Y-%m-%d} (seed {args.seed}, {took:.0f} s)\n")
    print(table(rows))
    targeted = [r for r in rows if r["passed"] is not None]
    failed = [r for r in targeted if not r["passed"]]
    print(f"\n{len(targeted) - len(failed)} of {len(targeted)} rows with a target meet it.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
