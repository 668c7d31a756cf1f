"""`python -m samples OUT_DIR`: write the README sample set (deterministic, a few seconds)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from samples.capture import write_mail, write_scan_batch
from samples.sets import write_sample_set
from samples.signed import write_signed_samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples", description=__doc__)
    parser.add_argument("out_dir", help="directory to write the samples into (created)")
    parser.add_argument(
        "--signed",
        action="store_true",
        help="also a signed and a tampered Bescheid, with the demo PKI in OUT_DIR/.pki",
    )
    parser.add_argument(
        "--capture",
        action="store_true",
        help="also a scan batch with separator sheets and an e-mail with attachments",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    samples = write_sample_set(args.out_dir)
    for sample in samples:
        print(f"{sample.file:24} {sample.pages} p.  {sample.description}")
    if args.signed:
        trust_dir, _ = write_signed_samples(Path(args.out_dir))
        print(f"{'bescheid_signiert.pdf':24} 1 p.  signed (PAdES), trust anchor in {trust_dir}")
        print(f"{'bescheid_manipuliert.pdf':24} 1 p.  the same, one byte changed after signing")
    if args.capture:
        out = Path(args.out_dir)
        spans = write_scan_batch(out / "stapel_mit_trennblaettern.pdf")
        print(f"{'stapel_mit_trennblaettern.pdf':24} 7 p.  scan batch: letters on pages {spans}")
        write_mail(out, "mail_schlagloch.eml")
        print(f"{'mail_schlagloch.eml':24} 1 p.  e-mail with a PDF and a photo attached")
    count = len(samples) + (2 if args.signed else 0) + (2 if args.capture else 0)
    print(f"{count} files in {args.out_dir} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
