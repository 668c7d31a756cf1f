"""`python -m samples OUT_DIR`: write the README sample set (deterministic, a few seconds)."""

from __future__ import annotations

import argparse
import sys
import time

from samples.sets import write_sample_set


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples", description=__doc__)
    parser.add_argument("out_dir", help="directory to write the samples into (created)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    samples = write_sample_set(args.out_dir)
    for sample in samples:
        print(f"{sample.file:24} {sample.pages} p.  {sample.description}")
    print(f"{len(samples)} files in {args.out_dir} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
