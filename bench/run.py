"""Runs every bench/bench_*.py in turn; each prints one JSON object per figure on its own line:
{"figure": NAME, "value": NUMBER, "unit": UNIT}."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = 0
    for script in sorted(here.glob("bench_*.py")):
        result = subprocess.run([sys.executable, str(script)], cwd=here.parent, check=False)
        if result.returncode != 0:
            print(f"{script.name} failed with exit status {result.returncode}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
