#!/usr/bin/env bash
# Run the datalog-conformance core suites against target/release/lexproof, one folder at a
# time (the suite's tag filter cannot select a folder). Exits non-zero if any case fails
# unexpectedly, or an expected failure (EXPECTED_FAILURES in lexproof_adapter.py) passes.
# Needs: pip install datalog-conformance==0.1.0 (brings pytest and pyyaml).
# Slowest part: recursion/souffle_example_hmmer, ~6 min, nearly all of it in derive --format
# json computing weakest_authority for 1M conclusions (tsv: 28 s).
set -u
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
status=0
for folder in basic recursion negation errors; do
    echo "== $folder"
    "${PYTHON:-python3}" -m pytest -q --tb=line -rfX --conformance-folder="$folder" "$@" || status=1
done
exit $status
