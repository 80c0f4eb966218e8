#!/usr/bin/env bash
# Compare two lexproof binaries on the same generated fact base, interleaved, in one run: the ratio of
# their medians is what counts (absolute times move with the machine's load).
#
#   bench/compare.sh BASE_BIN NEW_BIN [N] [ROUNDS]     N models (default 1000000), ROUNDS (default 3)
#
# Each round runs `derive --output-dir` (every conclusion written, witnesses recorded) with each binary in
# turn and records wall time and peak RSS (GNU time). Facts are cached in bench/data/N (gen_facts.py).
# Build the baseline from an older commit outside the repository, e.g.
#   git worktree add /tmp/base <commit> && cargo build --release --manifest-path /tmp/base/Cargo.toml
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:?usage: bench/compare.sh BASE_BIN NEW_BIN [N] [ROUNDS]}
NEW=${2:?usage: bench/compare.sh BASE_BIN NEW_BIN [N] [ROUNDS]}
N=${3:-1000000}
ROUNDS=${4:-3}
DATA=bench/data/$N
if [ ! -e "$DATA/.complete" ]; then
    rm -rf "$DATA"
    python3 bench/gen_facts.py --models "$N" --out "$DATA" >&2
    touch "$DATA/.complete"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
: > "$TMP/raw"
for ((r = 1; r <= ROUNDS; r++)); do
    for v in base new; do
        BIN=$([ $v = base ] && echo "$BASE" || echo "$NEW")
        rm -rf "$TMP/out"
        # The generated facts carry their assessment date, so both binaries answer as of the same day.
        /usr/bin/time -f '%e %M' -o "$TMP/time" "$BIN" -q derive --facts "$DATA" \
            --output-dir "$TMP/out" --format tsv > /dev/null 2> "$TMP/err" \
            || { echo "bench: $BIN failed:" >&2; cat "$TMP/err" >&2; exit 1; }
        read -r WALL RSS < <(tail -n 1 "$TMP/time")
        CONCL=$(cat "$TMP"/out/*.tsv | wc -l)
        echo "$v $WALL $RSS $CONCL" >> "$TMP/raw"
        echo "bench: round $r $v: ${WALL}s, $((RSS / 1024)) MiB, $CONCL conclusion rows" >&2
    done
done
python3 - "$TMP/raw" "$N" "$ROUNDS" <<'PY'
import statistics, sys
raw, n, rounds = sys.argv[1:]
runs = {}
for line in open(raw):
    v, wall, rss, concl = line.split()
    runs.setdefault(v, []).append((float(wall), int(rss), int(concl)))
med = {v: (statistics.median(w for w, _, _ in r), statistics.median(m for _, m, _ in r), r[0][2]) for v, r in runs.items()}
b, x = med["base"], med["new"]
print(f"N = {int(n):,}, {rounds} interleaved rounds, medians")
print("| binary | wall s | peak RSS MiB | conclusion rows |")
print("|---|---:|---:|---:|")
for v in ("base", "new"):
    w, m, c = med[v]
    print(f"| {v} | {w:.2f} | {m/1024:.0f} | {c:,} |")
print(f"\nnew / base: wall {x[0]/b[0]:.2f}x, peak RSS {x[1]/b[1]:.2f}x")
PY
