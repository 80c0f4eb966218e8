#!/usr/bin/env bash
# Time against the number of models: the compiled engine's whole `derive --output-dir` run (every
# conclusion written, every rule instance recorded, two threads) at several sizes, interleaved, and
# how each part grows: wall, user and system processor time, load, derive, peak memory. Beside each
# size, bench/touch.py times the machine handing a program that much fresh memory, so a system time
# that grows faster than the sizes can be told apart from the program's own work.
#
#   bench/scaling.sh [ROUNDS] [MIX] [N ...]   ROUNDS (default 3), MIX project (default) or every,
#                                            N models (default 100000 1000000 3000000)
#
# Prints a Markdown table of medians (ranges), then the growth exponent k of each measure (time
# proportional to N^k) between each pair of neighbouring sizes and fitted over all of them: k = 1 is
# linear.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
MIX=${2:-project}
shift $(($# < 2 ? $# : 2))
[ $# -eq 0 ] && set -- 100000 1000000 3000000
case "$MIX" in
    project) GEN=bench/gen_facts.py; PREFIX= ;;
    every) GEN=bench/gen_every.py; PREFIX=every- ;;
    *) echo "bench/scaling.sh: MIX is project or every, not '$MIX'" >&2; exit 2 ;;
esac
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/scaling.sh: ROUNDS is a positive whole number, not '$ROUNDS'" >&2; exit 2; }
for N in "$@"; do
    [[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "bench/scaling.sh: N is a positive whole number, not '$N'" >&2; exit 2; }
done
LEXPROOF=${LEXPROOF:-target/release/lexproof}
cargo build --release -q --bin lexproof -p lexproof
for N in "$@"; do
    DATA=bench/data/$PREFIX$N
    if [ ! -e "$DATA/.complete" ]; then
        rm -rf "$DATA"
        python3 "$GEN" --models "$N" --out "$DATA" >&2
        touch "$DATA/.complete"
    fi
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
: > "$TMP/raw"
for ((r = 1; r <= ROUNDS; r++)); do
    for N in "$@"; do
        rm -rf "$TMP/out"
        LEXPROOF_THREADS=2 /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$LEXPROOF" derive \
            --facts "bench/data/$PREFIX$N" --output-dir "$TMP/out" > /dev/null 2> "$TMP/err" \
            || { echo "bench: derive failed at N = $N:" >&2; cat "$TMP/err" >&2; exit 1; }
        read -r WALL USER SYS RSS < <(tail -n 1 "$TMP/time")
        read -r LOAD DERIVE < <(sed -nE 's/^lexproof: load ([0-9.]+) ms, derive ([0-9.]+) ms.*/\1 \2/p' "$TMP/err")
        [ -n "${DERIVE:-}" ] || { echo "bench: no load and derive times in lexproof's summary:" >&2; cat "$TMP/err" >&2; exit 1; }
        rm -rf "$TMP/out"
        TOUCH=$(python3 bench/touch.py $((RSS * 1024)))
        echo "$N $WALL $USER $SYS $RSS $LOAD $DERIVE $TOUCH" >> "$TMP/raw"
        echo "bench: round $r, N = $N: wall ${WALL}s (user $USER, system $SYS), $((RSS / 1024)) MiB; touching as much fresh memory: ${TOUCH}s" >&2
    done
done
python3 - "$TMP/raw" "$ROUNDS" "$MIX" <<'PY'
import math, statistics, sys
raw, rounds, mix = sys.argv[1:]
names = ["wall s", "user s", "system s", "peak MiB", "load s", "derive s", "touch s"]
runs = {}
for line in open(raw):
    n, *vals = line.split()
    wall, user, sys_, rss, load, derive, touch = map(float, vals)
    runs.setdefault(int(n), []).append((wall, user, sys_, rss / 1024, load / 1000, derive / 1000, touch))
sizes = sorted(runs)
med = {n: [statistics.median(r[i] for r in runs[n]) for i in range(len(names))] for n in sizes}
print(f"{mix} mix, compiled engine, two threads, {rounds} interleaved rounds, medians (range)")
print("| N models | " + " | ".join(names) + " |")
print("|---:|" + "---:|" * len(names))
for n in sizes:
    cells = []
    for i in range(len(names)):
        vals = [r[i] for r in runs[n]]
        fmt = "{:.0f}" if names[i] == "peak MiB" else "{:.2f}"
        cell = fmt.format(med[n][i])
        if len(vals) > 1 and names[i] != "peak MiB":
            cell += f" ({fmt.format(min(vals))}-{fmt.format(max(vals))})"
        cells.append(cell)
    print(f"| {n:,} | " + " | ".join(cells) + " |")
def k(a, b, i):
    return math.log(med[b][i] / med[a][i]) / math.log(b / a) if med[a][i] > 0 and med[b][i] > 0 else float("nan")
def fit(i):
    xs = [math.log(n) for n in sizes if med[n][i] > 0]
    ys = [math.log(med[n][i]) for n in sizes if med[n][i] > 0]
    if len(xs) < 2:
        return float("nan")
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
print("\ngrowth exponent k (time proportional to N^k; 1 is linear)")
print("| measure | " + " | ".join(f"{a:,} to {b:,}" for a, b in zip(sizes, sizes[1:])) + " | fitted |")
print("|---|" + "---:|" * len(sizes))
for i, name in enumerate(names):
    steps = " | ".join(f"{k(a, b, i):.2f}" for a, b in zip(sizes, sizes[1:]))
    print(f"| {name} | {steps} | {fit(i):.2f} |")
PY
