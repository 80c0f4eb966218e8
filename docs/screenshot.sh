#!/usr/bin/env bash
# Renders the documentation's pictures: a proof page and a compliance report from the demo facts, opened in
# headless Chromium by tests/browser/check.mjs (which also checks them), and rules.dl as `lexproof lsp`
# answers an editor on it (tests/browser/editor.mjs), saved as PNG in docs/.
# Needs a release build, Chromium and `npm ci` in tests/browser (as .ci/run sets up).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/lexproof
[ -x "$bin" ] || cargo build --release
out=$(mktemp -d)
$bin -q explain 'obligation("aurora-labs", "aurora-m", "art53_1_a")' --format html > "$out/proof.html"
$bin -q report --format html > "$out/report.html"
node tests/browser/check.mjs proof "$out/proof.html" "Art. 53" --screenshot docs/proof.png
node tests/browser/check.mjs report "$out/report.html" "copyright" --screenshot docs/report.png
node tests/browser/editor.mjs "$bin" rules.dl docs/editor.png
rm -rf "$out"
echo "wrote docs/proof.png, docs/report.png and docs/editor.png"
