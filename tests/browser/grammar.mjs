// Tokenises a sample with the VS Code extension's TextMate grammar (editors/vscode) through
// vscode-textmate, the engine VS Code uses, and checks the scope of each kind of token.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const wasm = readFileSync(join(dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
await oniguruma.loadWASM(wasm.buffer);

const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) => {
    if (scopeName !== "source.lexproof") return null;
    const path = join(here, "../../editors/vscode/syntaxes/lexproof.tmLanguage.json");
    return vsctm.parseRawGrammar(readFileSync(path, "utf8"), path);
  },
});
const grammar = await registry.loadGrammar("source.lexproof");

const sample = [
  "// A line comment.",
  ".decl training_compute(model: model, flop: number)",
  ".param art51_threshold: number = 1e25",
  "@rule compute_above_threshold",
  "@cite \"Art. 51(2)\"",
  "exceeds_compute(M, T) :- training_compute(M, F), F > T, !rebutted(M).",
  "made_available(\"m\", \"api\", \"2025-09-01\").",
  "/* a block */ generates(\"m\", \"text\").",
  "expect not provider(\"p\", \"m\") by provider_of_placed_gpai_model.",
];

let state = vsctm.INITIAL;
const tokens = [];
for (const line of sample) {
  const r = grammar.tokenizeLine(line, state);
  for (const t of r.tokens) {
    tokens.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
  }
  state = r.ruleStack;
}

const failures = [];
function expectScope(text, scope) {
  const hit = tokens.find((t) => t.text === text && t.scopes.some((s) => s.startsWith(scope)));
  if (!hit) {
    const seen = tokens.filter((t) => t.text === text).map((t) => t.scopes.join(" "));
    failures.push(`${JSON.stringify(text)} should have ${scope}; has ${seen.join(" | ") || "no token"}`);
  }
}
expectScope("// A line comment.", "comment.line");
expectScope(".decl", "keyword.control.directive");
expectScope(".param", "keyword.control.directive");
expectScope("training_compute", "entity.name.type");
expectScope("1e25", "constant.numeric");
expectScope("@rule", "storage.type.annotation.metadata");
expectScope("compute_above_threshold", "entity.name.tag.metadata");
expectScope("@cite", "storage.type.annotation.metadata");
expectScope("Art. 51(2)", "string.quoted.double");
expectScope(":-", "keyword.operator.rule");
expectScope("exceeds_compute", "entity.name.function.relation");
expectScope("M", "variable.other");
expectScope("!", "keyword.operator.negation");
expectScope("\"2025-09-01\"", "constant.other.date");
expectScope("api", "string.quoted.double");
expectScope(" a block ", "comment.block");
expectScope("expect not", "keyword.control.expect");

if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`grammar: ${tokens.length} tokens, all scopes as expected`);
