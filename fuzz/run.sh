#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the repository's own inputs, then runs it.
#   fuzz/run.sh TARGET SECONDS      e.g. fuzz/run.sh rules 600, or fuzz/run.sh all 3600
#   FUZZ_RUNS=1000000 fuzz/run.sh all 3600   at most 10^6 executions per target
# FUZZ_BIN=DIR runs the targets already built in DIR (e.g. a copy of
# fuzz/target/x86_64-unknown-linux-gnu/release) instead of building them, so that a campaign can
# run while the sources change.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Crashes land in
# fuzz/artifacts/TARGET/; copy each into tests/fuzz-regressions/TARGET/ once fixed.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$self")"
target=$1
seconds=${2:-300}
# `all`: every target in turn, SECONDS each.
if [ "$target" = all ]; then
  # Every target runs even if one finds something; the exit status says whether any did.
  status=0
  for t in rules facts_dl facts_tsv facts_headed_tsv facts_csv facts_json model_card atom lifecycle; do
    "$self" "$t" "$seconds" || status=1
  done
  exit $status
fi
corpus=corpus/$target
mkdir -p "$corpus"
seed() { for f in "$@"; do [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")"; done; return 0; }
case $target in
  rules) seed ../rules.dl ../tests/rulebases/*.dl ../tests/rulebases/compiled/*.dl ../tests/bad-input/rules/*.dl ;;
  facts_dl) seed ../facts/*.dl ../tests/bad-input/facts/*.dl ../tests/scenarios/*.dl ;;
  facts_json) seed ../tests/bad-input/facts/*.json ../tests/formats/keyed.json ../examples/import/cyclonedx/bom.json
    printf '{"developer": [["m", "p"]], "training_compute": [["m", 2.6e25]], "made_available": [["m", "api", "2025-09-01"]]}' > "$corpus/seed-demo.json" ;;
  facts_tsv) printf '\000m1\tp1\nm2\tp2\n' > "$corpus/seed-developer"
    printf '\001m1\t2.6e25\nm2\t1e23\n' > "$corpus/seed-compute"
    printf '\002m1\tapi\t2025-09-01\n' > "$corpus/seed-made" ;;
  facts_csv) for f in ../tests/formats/csv/*.csv; do cp "$f" "$corpus/seed-$(basename "$f")"; done ;;
  facts_headed_tsv) for f in ../tests/formats/tsv/*.tsv; do cp "$f" "$corpus/seed-$(basename "$f")"; done ;;
  model_card) for f in ../examples/import/hf/*/README.md; do cp "$f" "$corpus/seed-$(basename "$(dirname "$f")")"; done ;;
  atom) for a in 'obligation(A, "aurora-m", D)' 'obligation("aurora-labs", "aurora-m", "art53_1_a")' \
      'systemic_risk("borealis-70")' 'gpai_model(_)' 'training_compute(M, 1e25)' 'deadline(A, M, D, "2025-08-16")'; do
      printf '%s' "$a" > "$corpus/seed-$(printf '%s' "$a" | md5sum | cut -c1-8)"; done ;;
  lifecycle) head -c 600 /dev/urandom > "$corpus/seed-random"
    printf '\000\001\002\003\001\200\004\001\023\006\001\000\023\001\377' > "$corpus/seed-chain" ;;
  *) echo "unknown target $target (rules, facts_dl, facts_tsv, facts_headed_tsv, facts_csv, facts_json, model_card, atom, lifecycle)"; exit 2 ;;
esac
# A generous timeout: a campaign often shares the machine, and a starved run is no hang.
flags=(-max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -print_final_stats=1)
# FUZZ_RUNS=N stops a target after N executions (or SECONDS, whichever comes first).
[ -n "${FUZZ_RUNS:-}" ] && flags+=(-runs="$FUZZ_RUNS")
# Rules files are read whole by every execution; the seeds (the shipped rules.dl, 3,000 lines)
# are cut to their first 8 KiB so that mutations, not one huge file, get the time.
[ "$target" = rules ] && flags+=(-max_len=8192)
if [ -n "${FUZZ_BIN:-}" ]; then
  mkdir -p "artifacts/$target"
  "$FUZZ_BIN/$target" "$corpus" -artifact_prefix="artifacts/$target/" "${flags[@]}"
else
  cargo +nightly fuzz run -O -s none "$target" "$corpus" -- "${flags[@]}"
fi
