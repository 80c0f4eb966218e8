// Drives `lexproof lsp` as an editor does on the repository's rules.dl (open, code lenses, a typo,
// hover) and renders what an editor would show, from the server's own answers, as a picture:
//   node editor.mjs LEXPROOF_BIN RULES_DL OUT.png
// It fails unless the server answered with a diagnostic, a hover and code lenses, so the picture
// always shows real output. VS Code itself cannot run on this machine; the page only draws the text.
import { launch } from './chromium.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bin, rulesPath, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node editor.mjs LEXPROOF_BIN RULES_DL OUT.png');
  process.exit(2);
}
const rules = readFileSync(rulesPath, 'utf8');
const uri = pathToFileURL(resolve(rulesPath)).href;

// The server, framed JSON-RPC over stdio.
const server = spawn(bin, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
let buffer = Buffer.alloc(0);
const waiting = [];
const inbox = [];
server.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const head = buffer.indexOf('\r\n\r\n');
    if (head < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, head).toString())[1]);
    if (buffer.length < head + 4 + length) return;
    const msg = JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString());
    buffer = buffer.subarray(head + 4 + length);
    inbox.push(msg);
    while (waiting.length) waiting.shift()();
  }
});
const send = (msg) => {
  const body = JSON.stringify({ jsonrpc: '2.0', ...msg });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
};
const next = (pred) => new Promise((res, rej) => {
  const timer = setTimeout(() => rej(new Error('the server did not answer')), 20000);
  const look = () => {
    const i = inbox.findIndex(pred);
    if (i >= 0) { clearTimeout(timer); res(inbox.splice(i, 1)[0]); } else { waiting.push(look); }
  };
  look();
});
let id = 0;
const request = async (method, params) => {
  id += 1;
  const mine = id;
  send({ id: mine, method, params });
  const reply = await next((m) => m.id === mine);
  if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result;
};
const notify = (method, params) => send({ method, params });
const diagnostics = () => next((m) => m.method === 'textDocument/publishDiagnostics');

await request('initialize', { processId: null, rootUri: pathToFileURL(dirname(resolve(rulesPath))).href, capabilities: {} });
notify('initialized', {});
notify('textDocument/didOpen', { textDocument: { uri, languageId: 'lexproof', version: 1, text: rules } });
await diagnostics();
// The window shown: the rule that defines a GPAI model and its neighbours.
const lines = rules.split('\n');
const first = lines.findIndex((l) => l.startsWith('@rule gpai_indicative_criterion'));
const shown = [first, first + 24];
// A typo in one rule, as a rule author makes it while typing.
const typoLine = lines.findIndex((l, i) => i > first && l.startsWith('general_capability(M) :- capability_assessment'));
const broken = lines.slice();
broken[typoLine] = broken[typoLine].replace('capability_assessment(', 'capability_assesment(');
notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken.join('\n') }] });
const diags = (await diagnostics()).params.diagnostics;
const lenses = await request('textDocument/codeLens', { textDocument: { uri } });
const hoverAt = { line: first + 5, character: lines[first + 5].indexOf('generates(') + 3 };
const hover = await request('textDocument/hover', { textDocument: { uri }, position: hoverAt });
await request('shutdown', null);
notify('exit', null);

const diag = diags.find((d) => d.range.start.line === typoLine);
const lensesShown = lenses.filter((l) => l.range.start.line >= shown[0] && l.range.start.line < shown[1]);
if (!diag || !hover || !lensesShown.length) {
  console.error('editor.mjs: the server gave no diagnostic, hover or code lens for the window shown');
  process.exit(1);
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
let rows = '';
for (let i = shown[0]; i < shown[1]; i += 1) {
  for (const l of lensesShown.filter((x) => x.range.start.line === i)) {
    rows += `<div class="lens"><span class="no"></span>${esc(l.command.title)}</div>`;
  }
  const cut = (t) => (t.length > 140 ? `${t.slice(0, 139)}…` : t);
  let text = esc(cut(broken[i]));
  if (i === typoLine) {
    const { start, end } = diag.range;
    const raw = broken[i];
    text = `${esc(raw.slice(0, start.character))}<span class="squiggle">${esc(raw.slice(start.character, end.character))}</span>${esc(raw.slice(end.character))}`;
  }
  rows += `<div class="line"><span class="no">${i + 1}</span>${text}</div>`;
  if (i === hoverAt.line) {
    // Markdown as plain text: without its code fences and blank lines.
    const shownHover = hover.contents.value.replace(/```/g, '').replace(/\n{2,}/g, '\n').trim();
    rows += `<div class="hover">${esc(shownHover)}</div>`;
  }
  if (i === typoLine) {
    rows += `<div class="problem">✖ ${esc(diag.code)}: ${esc(diag.message)}</div>`;
  }
}
const page = `<!doctype html><meta charset="utf-8"><title>rules.dl in an editor</title><style>
body{margin:0;background:#1e1e1e;color:#d4d4d4;font:13px/1.45 "DejaVu Sans Mono",monospace}
.bar{background:#2d2d2d;color:#ccc;padding:6px 12px;font-family:sans-serif}
.line,.lens{white-space:pre;padding-left:8px}.no{display:inline-block;width:48px;color:#858585;text-align:right;margin-right:16px}
.lens{color:#999;font-size:11px}.squiggle{text-decoration:underline wavy #f14c4c}
.hover{margin:2px 0 2px 72px;max-width:900px;white-space:pre-wrap;background:#252526;border:1px solid #454545;padding:8px;font-size:12px}
.problem{margin:2px 0 2px 72px;color:#f48771;white-space:pre-wrap}
</style><div class="bar">rules.dl: lexproof lsp (diagnostic, hover and code lenses as the server sent them)</div>${rows}`;
const dir = mkdtempSync(join(tmpdir(), 'lexproof-editor-'));
writeFileSync(join(dir, 'editor.html'), page);
const context = await launch(join(dir, 'profile'));
try {
  const p = context.pages()[0] || await context.newPage();
  await p.goto(pathToFileURL(join(dir, 'editor.html')).href);
  await p.screenshot({ path: out, fullPage: true });
} finally {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`wrote ${out}`);
