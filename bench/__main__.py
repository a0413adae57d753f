"""Run every benchmark in turn and print its figures (docs/benchmarks.md records them).
`--quick` asks those that have one for their small size (minutes on a laptop)."""

import importlib
import os
import sys
import time

BENCHMARKS = [
    "eventstore",
    "routing",
    "chat_latency",
    "email_ingest",
    "webhooks",
    "feed",
    "kpis",
    "knowledge",
    "wfm",
    "search",
    "voice",
]


def main(args: list[str]) -> int:
    names = [a for a in args if not a.startswith("--")]
    if "--quick" in args:
        os.environ["BENCH_QUICK"] = "1"  # read when each benchmark's module is imported
    failed = []
    for name in names or BENCHMARKS:
        print(f"\n=== bench/{name}.py ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        if module.main() != 0:
            failed.append(name)
        print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    if failed:
        print(f"\nmissed targets or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
