"""datalog-conformance evaluator that runs lexproof through its CLI.

Each case becomes one plain-Datalog rules file (the case's rules plus its facts as ground
facts), which is first checked (`lexproof check`) and then evaluated (`lexproof derive`).
Going through the CLI, not a library, tests exactly what users run.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from datalog_conformance.schema import Model, Program

# The binary under test; LEXPROOF_BIN overrides it (e.g. a debug build).
LEXPROOF = os.environ.get(
    "LEXPROOF_BIN",
    str(Path(__file__).resolve().parents[2] / "target" / "release" / "lexproof"),
)


class LexproofError(Exception):
    """lexproof rejected the program. `code` is the suite's error kind (the runner compares
    `expect_error` with the class name, str(exc) or `.code`); `lexproof_code` is lexproof's."""

    def __init__(self, code: str, lexproof_code: str, detail: str) -> None:
        super().__init__(f"{code} (lexproof {lexproof_code}): {detail}")
        self.code = code
        self.lexproof_code = lexproof_code


class SafetyViolationError(LexproofError):
    """Range-restriction errors. The suite names this class in some cases (gunray's name) and
    uses the codes `unbound_variable` / `safety_violations` (crepe's names) in others."""


class UnsupportedValue(Exception):
    """A case value that lexproof's types (symbol, number, date) cannot represent."""


# lexproof diagnostic code -> (exception class, suite error kind). Codes not listed are raised
# as LexproofError with lexproof's own code: the suite has no kind for them, and the failure
# message then says what lexproof objected to.
ERROR_KINDS: dict[str, tuple[type[LexproofError], str]] = {
    # wrong number of arguments for a relation: same name in the suite
    "arity_mismatch": (LexproofError, "arity_mismatch"),
    # negation through recursion (not stratifiable): same name in the suite
    "cyclic_negation": (LexproofError, "cyclic_negation"),
    # a head / negated / compared variable no positive premise binds: crepe's unbound_variable
    "unsafe_variable": (SafetyViolationError, "unbound_variable"),
    # `_` in a rule head: crepe reports it among its safety violations
    "wildcard_in_head": (SafetyViolationError, "safety_violations"),
    # the text does not parse: no suite kind, keep lexproof's name
    "syntax_error": (LexproofError, "syntax_error"),
    # a value of the wrong type, or symbols and numbers mixed in one column: no suite kind
    "type_mismatch": (LexproofError, "type_mismatch"),
    # a relation lexproof cannot infer/declare: no suite kind
    "unknown_relation": (LexproofError, "unknown_relation"),
}

# Cases expected to fail (case name -> reason): only features a legal rulebase would not want.
# Marked xfail(strict=True) by conftest.py, so a case that starts passing shows up.
_NEGATION_ONLY_VARIABLE = (
    "a variable that occurs only in a negated atom (`not s3(X, 5, P)`): Nemo reads it as `_`; "
    "lexproof rejects it (unsafe_variable), as the suite's own errors case "
    "unsafe_negation_variable_only_in_negative_literal demands. All 14 cases share the program."
)
_SYMBOL_VS_NUMBER = (
    'a quoted constant ("6") in a column the facts fill with numbers: the Souffle original had '
    "symbol columns; lexproof's typed columns reject the mix (type_mismatch)"
)
EXPECTED_FAILURES: dict[str, str] = {
    **{f"nemo_negation_{rel}": _NEGATION_ONLY_VARIABLE for rel in (
        "singlePositionX", "singlePositionY", "singlePositionZ", "multiple", "reordered",
        "filteredX", "filteredY", "filteredZ", "projectedXY", "projectedYZ", "projectedXZ",
        "projectedX", "projectedY", "projectedZ")},
    "souffle_minmax_minimum": _SYMBOL_VS_NUMBER,
    "souffle_minmax_maximum": _SYMBOL_VS_NUMBER,
    "souffle_equal_isEqual": _SYMBOL_VS_NUMBER,
}


def _literal(value: object) -> str:
    """A fact argument in lexproof syntax."""
    # bool before int: bool is a subclass of int in Python, and lexproof has no booleans.
    if isinstance(value, bool):
        raise UnsupportedValue(f"boolean {value!r}: lexproof has no boolean type")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # lexproof numbers are exact integers; rounding a float would change the case.
        raise UnsupportedValue(f"float {value!r}: lexproof numbers are exact integers")
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise UnsupportedValue(f"{type(value).__name__} {value!r}")


def rules_text(program: Program) -> str:
    """The case as one plain-mode rules file: rules first, then ground facts."""
    lines = []
    for rule in program.rules:
        rule = rule.strip()
        # The suite writes some rules without the final `.` (crepe style); lexproof needs it.
        lines.append(rule if rule.endswith(".") else rule + ".")
    for relation, rows in program.facts.items():
        for row in rows:
            lines.append(f"{relation}({', '.join(_literal(v) for v in row)}).")
    return "\n".join(lines) + "\n"


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    # A case that runs this long has gone wrong; the largest (hmmer) takes seconds.
    return subprocess.run([LEXPROOF, *args], capture_output=True, text=True, timeout=300)


def _json(proc: subprocess.CompletedProcess[str], what: str) -> dict:
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(
            f"lexproof {what} exited {proc.returncode} without JSON: {proc.stderr.strip()[:2000]}"
        ) from exc


def _raise_for(diagnostics: list[dict]) -> None:
    """Raise the suite error for the first error diagnostic (lexproof reports all of them)."""
    errors = [d for d in diagnostics if d.get("severity", "error") == "error"]
    first = errors[0] if errors else {"code": "unknown", "message": "check failed"}
    cls, kind = ERROR_KINDS.get(first["code"], (LexproofError, first["code"]))
    detail = "; ".join(f"line {d.get('line')}: [{d['code']}] {d['message']}" for d in errors)
    raise cls(kind, first["code"], detail)


class LexproofEvaluator:
    """DatalogEvaluator: evaluate(program) -> Model, or raise the suite's error kind."""

    def evaluate(self, program: Program) -> Model:
        return _evaluate(rules_text(program))


# The cases of one YAML file share one program (lubm: 20 cases, 103k facts) and run in a row:
# evaluate it once. The runner only reads the Model.
@lru_cache(maxsize=1)
def _evaluate(text: str) -> Model:
    with tempfile.TemporaryDirectory(prefix="lexproof-conf-") as tmp:
        rules = Path(tmp) / "case.dl"
        rules.write_text(text, encoding="utf-8")
        # A rules file of its own brings its facts: without --facts, nothing else is read.
        check = _run(["check", "--rules", str(rules), "--format", "json"])
        report = _json(check, "check")
        if not report.get("ok"):
            _raise_for(report.get("diagnostics", []))

        # The suite compares conclusions only: no proofs needed, so none are recorded.
        derive = _run(["-q", "derive", "--rules", str(rules),
                       "--all", "--format", "json", "--no-proofs"])
        if derive.returncode != 0:
            # A run-time error (arithmetic_error, --max-facts), reported on stderr.
            raise LexproofError("runtime_error", "runtime_error", derive.stderr.strip()[:2000])
        result = _json(derive, "derive")

    # Symbols come back as JSON strings, numbers as JSON ints: the suite's scalars.
    return Model(facts={
        rel["name"]: {tuple(row) for row in rel["tuples"]} for rel in result["relations"]
    })
