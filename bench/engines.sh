#!/usr/bin/env bash
# The run-time evaluator against the compiled engine, and each engine on two cores against one, in one
# interleaved run on the same facts: the ratios of the medians are what counts (absolute times move
# with the machine's load).
#
#   bench/engines.sh [N] [ROUNDS] [MIX]    N models (default 1000000), ROUNDS (default 3),
#                                          MIX: project (gen_facts.py, default) or every (gen_every.py)
#
# Each round runs `derive --output-dir` (every conclusion written, every rule instance recorded) four
# ways: compiled engine and run-time evaluator, each with LEXPROOF_THREADS=2 and =1, recording wall time
# and peak RSS (GNU time). The first round also checks that both engines wrote the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
ROUNDS=${2:-3}
MIX=${3:-project}
case "$MIX" in
    project) GEN=bench/gen_facts.py; DATA=bench/data/$N ;;
    every) GEN=bench/gen_every.py; DATA=bench/data/every-$N ;;
    *) echo "bench/engines.sh: MIX is project or every, not '$MIX'" >&2; exit 2 ;;
esac
LEXPROOF=${LEXPROOF:-target/release/lexproof}
cargo build --release -q --bin lexproof -p lexproof
if [ ! -e "$DATA/.complete" ]; then
    rm -rf "$DATA"
    python3 "$GEN" --models "$N" --out "$DATA" >&2
    touch "$DATA/.complete"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
: > "$TMP/raw"
for ((r = 1; r <= ROUNDS; r++)); do
    for run in compiled:2 runtime:2 compiled:1 runtime:1; do
        engine=${run%:*}
        threads=${run#*:}
        rm -rf "$TMP/out"
        LEXPROOF_THREADS=$threads /usr/bin/time -f '%e %M' -o "$TMP/time" "$LEXPROOF" derive \
            --engine "$engine" --facts "$DATA" --output-dir "$TMP/out" > /dev/null 2> "$TMP/err" \
            || { echo "bench: $engine failed:" >&2; cat "$TMP/err" >&2; exit 1; }
        read -r WALL RSS < <(tail -n 1 "$TMP/time")
        # The derive stage alone, from the run's summary line ("load .. ms, derive .. ms, ...").
        DERIVE=$(sed -n 's/.*, derive \([0-9.]*\) ms.*/\1/p' "$TMP/err" | tail -n 1)
        echo "$engine $threads $WALL $RSS ${DERIVE:?no derive time in the run\'s summary}" >> "$TMP/raw"
        echo "bench: round $r, $engine on $threads thread(s): ${WALL}s (derive ${DERIVE} ms), $((RSS / 1024)) MiB" >&2
        if [ "$r" = 1 ] && [ "$threads" = 2 ]; then
            rm -rf "$TMP/$engine"
            mv "$TMP/out" "$TMP/$engine"
        fi
    done
    if [ "$r" = 1 ]; then
        diff -r "$TMP/compiled" "$TMP/runtime" > /dev/null \
            || { echo "bench: the engines wrote different files" >&2; exit 1; }
        echo "bench: both engines wrote the same files" >&2
        rm -rf "$TMP/compiled" "$TMP/runtime"
    fi
done
python3 - "$TMP/raw" "$N" "$ROUNDS" "$MIX" <<'PY'
import statistics, sys
raw, n, rounds, mix = sys.argv[1:]
runs = {}
for line in open(raw):
    engine, threads, wall, rss, derive = line.split()
    runs.setdefault((engine, int(threads)), []).append((float(wall), int(rss), float(derive) / 1000))
med = {k: (statistics.median(w for w, _, _ in r), min(w for w, _, _ in r), max(w for w, _, _ in r),
           statistics.median(m for _, m, _ in r), statistics.median(d for _, _, d in r),
           min(d for _, _, d in r), max(d for _, _, d in r)) for k, r in runs.items()}
print(f"{mix} mix, N = {int(n):,}, {rounds} interleaved rounds, medians (range)")
print("| engine | threads | wall s | derive stage s | peak RSS MiB |")
print("|---|---:|---:|---:|---:|")
for k in (("compiled", 2), ("compiled", 1), ("runtime", 2), ("runtime", 1)):
    w, lo, hi, m, d, dlo, dhi = med[k]
    print(f"| {k[0]} | {k[1]} | {w:.2f} ({lo:.2f}-{hi:.2f}) | {d:.2f} ({dlo:.2f}-{dhi:.2f}) | {m/1024:.0f} |")
c2, c1, r2, r1 = med[("compiled", 2)], med[("compiled", 1)], med[("runtime", 2)], med[("runtime", 1)]
print(f"\nrun-time / compiled, two threads: wall {r2[0]/c2[0]:.2f}x, derive stage {r2[4]/c2[4]:.2f}x, "
      f"peak RSS {r2[3]/c2[3]:.2f}x")
print(f"run-time / compiled, one thread: wall {r1[0]/c1[0]:.2f}x, derive stage {r1[4]/c1[4]:.2f}x")
print(f"two threads / one: compiled {c1[0]/c2[0]:.2f}x, run-time {r1[0]/r2[0]:.2f}x")
PY
