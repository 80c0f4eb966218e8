#!/usr/bin/env bash
# lexproof against clingo on the identical program and facts (see bench/clingo_compare.py).
#
#   bench/clingo.sh [N ...]     default: 10000 100000; counts are checked at every N
#
# Writes the scaled rules to bench/out/clingo/rules-scaled.dl, builds a second lexproof from them
# (LEXPROOF_RULES, separate target dir), installs clingo from PyPI if needed, and prints one row per
# N: input facts, lexproof wall s and peak GiB, clingo wall s and peak GiB, clingo/lexproof time.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 0 ] && set -- 10000 100000
python3 -c "import clingo" 2>/dev/null || python3 -m pip install -q "clingo==5.8.3"
OUT=bench/out/clingo
mkdir -p "$OUT"
python3 bench/clingo_compare.py --write-scaled-rules --out "$OUT"
BIN=target/bench-scaled/release/lexproof
LEXPROOF_RULES="$PWD/$OUT/rules-scaled.dl" cargo build --release --target-dir target/bench-scaled >&2
printf 'N\tinput_facts\tlexproof_s\tlexproof_GiB\tclingo_s\tclingo_GiB\tclingo/lexproof\n' | tee "$OUT/results.tsv"
for N in "$@"; do
  DATA=bench/data/$N
  if [ ! -e "$DATA/.complete" ]; then
    rm -rf "$DATA"; python3 bench/gen_facts.py --models "$N" --out "$DATA" >&2; touch "$DATA/.complete"
  fi
  python3 bench/clingo_compare.py --lexproof "$BIN" --facts "$DATA" --out "$OUT" --check | tee -a "$OUT/results.tsv"
done
