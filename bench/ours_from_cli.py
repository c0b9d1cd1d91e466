#!/usr/bin/env python3
"""ansinh's own dashboard as bench/duckdb_dashboard.py reads it (OURS.json), made with the CLI:
one `ansinh metrics --json --as-of D` for the overall figures and one `--by X` per
segmentation. The benchmark harness writes the same file from the engine directly; this is for
checking by hand and for the test suite.

    python3 bench/ours_from_cli.py --ansinh PATH/TO/ansinh --db CITY.db --as-of YYYY-MM-DD
                                   --out OURS.json [--user NAME]

An encrypted database needs a user who may read reports (--user NAME; the password from
$ANSINH_PASSWORD, which the ansinh binary reads itself).
"""

import argparse
import json
import subprocess
import sys

# Must match SEGMENTATIONS in duckdb_dashboard.py.
SEGMENTATIONS = ["ward", "age", "group", "disability", "channel", "need", "assisted", "cycle", "programme", "age,channel"]

# Keys of the report that are not indicators of the overall facts.
REPORT_KEYS = {"as_of", "min_segment_payments", "min_coverage", "by", "segments", "worst_wards", "worst_groups"}


def metrics(args, by=None):
    cmd = [args.ansinh, "--db", args.db]
    if args.user:
        cmd += ["--user", args.user]
    cmd += ["metrics", "--json", "--as-of", args.as_of]
    if by:
        cmd += ["--by", by]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        print(f"ours_from_cli: {' '.join(cmd)} failed:\n{run.stderr}", file=sys.stderr)
        sys.exit(2)
    return json.loads(run.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ansinh", required=True, help="the ansinh binary")
    ap.add_argument("--db", required=True)
    ap.add_argument("--user", help="sign in as this user (password in $ANSINH_PASSWORD)")
    ap.add_argument("--as-of", required=True, help="YYYY-MM-DD")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    report = metrics(args)
    ours = {
        "as_of": report["as_of"],
        "overall": {k: v for k, v in report.items() if k not in REPORT_KEYS},
        "segmentations": {by: metrics(args, by)["segments"] for by in SEGMENTATIONS},
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(ours, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
