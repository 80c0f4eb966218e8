#!/usr/bin/env bash
# Benchmark lexproof with witness relations on and off.
#
#   bench/run.sh [N ...]          N = number of models (default: 10000 100000 1000000)
#
# Env: BENCH_NO_BUILD=1  use the existing binaries instead of building them
#      BENCH_REPEAT=k    run each measurement k times and report medians (default 1)
#      BENCH_DOCS=1      also put the table into docs/performance.md (between its bench/run.sh
#                        markers), so the documented numbers are the latest run's
#
# Prints a Markdown table and writes it to bench/out/results.md; raw per-run
# numbers go to bench/out/raw.tsv. Facts are cached in bench/data/N.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -eq 0 ] && set -- 10000 100000 1000000
REPEAT=${BENCH_REPEAT:-1}
OUT=bench/out
mkdir -p "$OUT" bench/data
WIT=target/release/lexproof
NOWIT=target/bench-nowit/release/lexproof

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    cargo build --release
    # Separate target dir, so the two builds do not overwrite each other.
    cargo build --release --features no-witnesses --target-dir target/bench-nowit
fi
[ -x "$WIT" ] || { echo "bench: $WIT is missing (run without BENCH_NO_BUILD=1)" >&2; exit 1; }
# name, binary, extra arguments. "runtime": the same rules on the run-time evaluator (with witnesses).
VARIANTS=("on $WIT" "runtime $WIT --engine runtime")
if [ -x "$NOWIT" ]; then
    VARIANTS+=("off $NOWIT")
else
    echo "bench: $NOWIT is missing, skipping the witnesses-off variant" >&2
fi

RAW=$OUT/raw.tsv
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# One row per run; the explain column is "-" for runs without an explain.
printf 'n\tvariant\tinput_facts\tconclusions\tinstances\tload_ms\tderive_ms\tindex_ms\twall_s\trss_kib\texplain_ms\n' > "$RAW"

for N in "$@"; do
    DATA=bench/data/$N
    if [ ! -e "$DATA/.complete" ]; then
        echo "bench: generating $N models into $DATA" >&2
        rm -rf "$DATA"
        python3 bench/gen_facts.py --models "$N" --out "$DATA" >&2
        touch "$DATA/.complete"   # marker: a half-written directory is never reused
    fi

    # A ground obligation to explain: first answer of the query, columns A and M.
    # `|| true`: query exits 1 when nothing matches.
    GOAL=$("$WIT" -q query 'obligation(A, M, "art53_1_a")' --facts "$DATA" --format tsv | awk -F'\t' 'NR==1 {print $1 "\t" $2}' || true)

    for v in "${VARIANTS[@]}"; do
        read -r NAME BIN EXTRA <<< "$v"
        for ((r = 1; r <= REPEAT; r++)); do
            echo "bench: N=$N witnesses=$NAME run $r/$REPEAT" >&2
            /usr/bin/time -f '%e %M' -o "$TMP/time" \
                "$BIN" derive $EXTRA --facts "$DATA" --format tsv > /dev/null 2> "$TMP/err"
            # Guard against a stale or mislabelled binary.
            grep -q "witnesses $([ "$NAME" = off ] && echo off || echo recorded)\$" "$TMP/err" \
                || { echo "bench: $BIN does not report witnesses $NAME" >&2; cat "$TMP/err" >&2; exit 1; }
            # "lexproof: F input facts from ..., C conclusions, W rule instances recorded"
            read -r FACTS CONCL INST < <(sed -nE 's/^lexproof: ([0-9]+) input facts .*, ([0-9]+) conclusions, ([0-9]+) rule instances.*/\1 \2 \3/p' "$TMP/err")
            # "lexproof: load X ms, derive Y ms, index Z ms, total T ms"
            read -r LOAD DERIVE INDEX < <(sed -nE 's/^lexproof: load ([0-9.]+) ms, derive ([0-9.]+) ms, index ([0-9.]+) ms.*/\1 \2 \3/p' "$TMP/err")
            # time writes a "Command exited ..." line first on failure; the numbers are last.
            read -r WALL RSS < <(tail -n 1 "$TMP/time")

            EXPLAIN=-
            if [ "$NAME" != off ] && [ -n "$GOAL" ]; then
                IFS=$'\t' read -r A M <<< "$GOAL"
                "$BIN" explain $EXTRA "obligation(\"$A\", \"$M\", \"art53_1_a\")" --facts "$DATA" > /dev/null 2> "$TMP/err"
                EXPLAIN=$(sed -nE 's/^lexproof: proof search ([0-9.]+) ms.*/\1/p' "$TMP/err")
            fi
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$N" "$NAME" "$FACTS" "$CONCL" "$INST" \
                "$LOAD" "$DERIVE" "$INDEX" "$WALL" "$RSS" "$EXPLAIN" >> "$RAW"
        done
    done
done

# Header (date, cores, commit) + table + ratios, to stdout and results.md.
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then COMMIT="$COMMIT (dirty)"; fi
python3 - "$RAW" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$COMMIT" "$REPEAT" <<'EOF' | tee "$OUT/results.md"
import csv, statistics, sys
raw, date, cores, commit, repeat = sys.argv[1:]
rows = list(csv.DictReader(open(raw), delimiter="\t"))
groups = {}  # (n, variant) -> runs, in first-seen order
for r in rows:
    groups.setdefault((r["n"], r["variant"]), []).append(r)

def med(runs, key):
    vals = [float(r[key]) for r in runs if r[key] not in ("", "-")]
    return statistics.median(vals) if vals else None

print(f"lexproof benchmark, {date}, nproc {cores}, commit {commit}, "
      f"{'median of ' + repeat + ' runs' if repeat != '1' else 'one run each'}\n")
print("| N models | input facts | variant | load s | derive s | index s | wall s "
      "| peak RSS MiB | conclusions | rule instances | explain ms |")
print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
stats = {}
for (n, v), runs in groups.items():
    s = {k: med(runs, k) for k in ("load_ms", "derive_ms", "index_ms", "wall_s", "rss_kib", "explain_ms")}
    stats[(n, v)] = s
    r0 = runs[0]  # counts are deterministic across runs
    ex = f"{s['explain_ms']:.3f}" if s["explain_ms"] is not None else "-"
    label = {"on": "compiled, witnesses", "off": "compiled, no witnesses", "runtime": "run-time, witnesses"}[v]
    print(f"| {int(n):,} | {int(r0['input_facts']):,} | {label} "
          f"| {s['load_ms']/1000:.3f} | {s['derive_ms']/1000:.3f} | {s['index_ms']/1000:.3f} "
          f"| {s['wall_s']:.2f} | {s['rss_kib']/1024:.0f} | {int(r0['conclusions']):,} "
          f"| {int(r0['instances']):,} | {ex} |")
print()
for n in dict.fromkeys(n for n, _ in groups):
    on, off, rt = stats.get((n, "on")), stats.get((n, "off")), stats.get((n, "runtime"))
    ratio = lambda a, b: f"{a/b:.2f}x" if b else "n/a"  # %e can round a tiny run to 0.00
    if on and off:
        print(f"- N = {int(n):,}: compiled, witnesses on / off: derive {ratio(on['derive_ms'], off['derive_ms'])}, "
              f"wall {ratio(on['wall_s'], off['wall_s'])}, peak RSS {ratio(on['rss_kib'], off['rss_kib'])}")
    if on and rt:
        print(f"- N = {int(n):,}: run-time evaluator / compiled engine (both with witnesses): derive "
              f"{ratio(rt['derive_ms'], on['derive_ms'])}, wall {ratio(rt['wall_s'], on['wall_s'])}, "
              f"peak RSS {ratio(rt['rss_kib'], on['rss_kib'])}")
EOF

if [ "${BENCH_DOCS:-0}" = 1 ]; then
    python3 - "$OUT/results.md" docs/performance.md <<'EOF'
import sys
results, doc = sys.argv[1:]
begin, end = "<!-- bench/run.sh: begin -->", "<!-- bench/run.sh: end -->"
text = open(doc).read()
i, j = text.find(begin), text.find(end)
if i < 0 or j < i:
    sys.exit(f"bench: {doc} has no {begin} ... {end} block to replace")
table = open(results).read().strip()
open(doc, "w").write(text[: i + len(begin)] + "\n" + table + "\n" + text[j:])
print(f"bench: {doc} updated", file=sys.stderr)
EOF
fi
