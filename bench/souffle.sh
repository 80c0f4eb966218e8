#!/usr/bin/env bash
# lexproof against Soufflé on the same rules and facts, interleaved in one run.
#
#   bench/souffle.sh [N] [ROUNDS] [MIX]     N models (default 1000000), ROUNDS (default 5),
#                                           MIX: project (gen_facts.py, default) or every (gen_every.py)
#
# Steps: generate the facts (cached in bench/data/), translate rules.dl and the facts to Soufflé
# (bench/souffle/translate.rs: dates as day numbers, compute scaled by 10^12, `add_months` as a functor),
# compile the Soufflé program four ways (parallel and sequential code, with and without `-t explain`),
# check with Soufflé's interpreter that every derived relation has identical tuples in both engines, then time, round after round:
# lexproof `derive --output-dir` on two threads and on one (every derivation recorded, as always), and
# each Soufflé binary, all writing the public conclusion relations. Prints medians, ranges and ratios.
#
# Soufflé is not packaged for Debian 12. Build it outside the repository (never commit it), e.g.:
#   apt-get install -y bison flex cmake mcpp libffi-dev libncurses-dev
#   git clone https://github.com/souffle-lang/souffle && cd souffle
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSOUFFLE_DOMAIN_64BIT=ON -DSOUFFLE_ENABLE_TESTING=OFF \
#         -DSOUFFLE_USE_SQLITE=OFF -DSOUFFLE_USE_ZLIB=OFF && cmake --build build -j2    # about 15 minutes
# then put build/src/souffle on the PATH or set SOUFFLE=/path/to/souffle.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
ROUNDS=${2:-5}
MIX=${3:-project}
SOUFFLE=${SOUFFLE:-$(command -v souffle || true)}
if [ -z "$SOUFFLE" ] || [ ! -x "$SOUFFLE" ]; then
    echo "bench/souffle.sh: no souffle binary: set SOUFFLE=/path/to/souffle or put it on the PATH." >&2
    sed -n '/^# Soufflé is not packaged/,/^# then put/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
case "$MIX" in
    project) GEN=bench/gen_facts.py ;;
    every) GEN=bench/gen_every.py ;;
    *) echo "bench/souffle.sh: MIX is project or every, not '$MIX'" >&2; exit 2 ;;
esac
LEXPROOF=${LEXPROOF:-target/release/lexproof}
cargo build --release -q --bin lexproof -p lexproof
cargo build --release -q -p lexproof-lang --example souffle
TRANSLATE=target/release/examples/souffle
WORK=${WORK:-bench/data/souffle}
DATA=bench/data/$MIX-$N
[ "$MIX" = project ] && DATA=bench/data/$N
mkdir -p "$WORK"
if [ ! -e "$DATA/.complete" ]; then
    rm -rf "$DATA"
    python3 "$GEN" --models "$N" --out "$DATA" >&2
    touch "$DATA/.complete"
fi
SFACTS=$WORK/facts-$MIX-$N
RULES_SUM=$(sha256sum rules.dl bench/souffle/translate.rs bench/souffle/add_months.cpp | sha256sum | cut -c1-16)
if [ ! -e "$SFACTS/.complete" ] || [ "$(cat "$SFACTS/.complete")" != "$RULES_SUM" ]; then
    rm -rf "$SFACTS"
    "$TRANSLATE" facts rules.dl "$DATA" "$SFACTS"
    echo "$RULES_SUM" > "$SFACTS/.complete"
fi
g++ -O2 -shared -fPIC bench/souffle/add_months.cpp -o "$WORK/libfunctors.so"
WORK_ABS=$(cd "$WORK" && pwd)
export LD_LIBRARY_PATH="$WORK_ABS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
"$TRANSLATE" translate rules.dl "$WORK/rules.dl"
"$TRANSLATE" translate rules.dl "$WORK/rules-all.dl" --all-outputs
# A program is compiled again only when its translation (or the functor) changed.
PROGRAM_SUM=$(sha256sum "$WORK/rules.dl" bench/souffle/add_months.cpp | sha256sum | cut -c1-16)
compile() { # name, jobs, extra flags
    local out=$WORK/$1
    if [ ! -x "$out" ] || [ "$(cat "$out.sum" 2>/dev/null)" != "$PROGRAM_SUM$2$3" ]; then
        echo "bench: compiling Soufflé program $1 (-j $2 $3)" >&2
        (cd "$WORK" && "$SOUFFLE" -w -j "$2" $3 -L "$WORK_ABS" -l functors -o "$1" rules.dl)
        echo "$PROGRAM_SUM$2$3" > "$out.sum"
    fi
}
compile par 2 ""
compile seq 1 ""
compile par-explain 2 "-t explain"
compile seq-explain 1 "-t explain"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "bench: checking that both engines derive the same tuples in every relation" >&2
"$LEXPROOF" -q derive --all --facts "$DATA" --output-dir "$TMP/lp" > /dev/null
mkdir -p "$TMP/sf"
# Soufflé's interpreter on the program that writes every relation: no fifth compilation.
"$SOUFFLE" -w -j 2 -L "$WORK_ABS" -l functors -F "$SFACTS" -D "$TMP/sf" "$WORK/rules-all.dl"
# The summary line, and the relations that differ if any.
"$TRANSLATE" compare rules.dl "$TMP/lp" "$TMP/sf" | grep -E '^(DIFFER|[0-9]+ relations compared)' >&2
rm -rf "$TMP/lp" "$TMP/sf"

run() { # variant, command...
    local v=$1
    shift
    rm -rf "$TMP/out"
    mkdir -p "$TMP/out"
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" > /dev/null 2> "$TMP/err" < /dev/null \
        || { echo "bench: $v failed:" >&2; cat "$TMP/err" >&2; exit 1; }
    read -r WALL RSS < <(tail -n 1 "$TMP/time")
    echo "$v $WALL $RSS" >> "$TMP/raw"
    echo "bench: round $r $v: ${WALL}s, $((RSS / 1024)) MiB" >&2
}
: > "$TMP/raw"
for ((r = 1; r <= ROUNDS; r++)); do
    run lexproof "$LEXPROOF" -q derive --facts "$DATA" --output-dir "$TMP/out"
    LEXPROOF_THREADS=1 run lexproof-1thread "$LEXPROOF" -q derive --facts "$DATA" --output-dir "$TMP/out"
    run souffle-par "$WORK/par" -j 2 -F "$SFACTS" -D "$TMP/out"
    run souffle-seq "$WORK/seq" -F "$SFACTS" -D "$TMP/out"
    run souffle-explain-par "$WORK/par-explain" -j 2 -F "$SFACTS" -D "$TMP/out"
    run souffle-explain-seq "$WORK/seq-explain" -F "$SFACTS" -D "$TMP/out"
done
python3 - "$TMP/raw" "$N" "$ROUNDS" "$MIX" <<'PY'
import statistics, sys
raw, n, rounds, mix = sys.argv[1:]
runs = {}
for line in open(raw):
    v, wall, rss = line.split()
    runs.setdefault(v, []).append((float(wall), int(rss)))
print(f"{mix} mix, N = {int(n):,}, {rounds} interleaved rounds: median wall (range), median peak RSS")
print("| engine | wall s | range s | peak RSS MiB | lexproof faster by |")
print("|---|---:|---:|---:|---:|")
lp = statistics.median(w for w, _ in runs["lexproof"])
for v, r in runs.items():
    ws = [w for w, _ in r]
    w = statistics.median(ws)
    m = statistics.median(x for _, x in r)
    print(f"| {v} | {w:.2f} | {min(ws):.2f}-{max(ws):.2f} | {m/1024:.0f} | {w/lp:.2f}x |")
PY
