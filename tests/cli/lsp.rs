//! `lexproof lsp` driven over stdio as an editor drives it: framed JSON-RPC messages in, responses and
//! published diagnostics out.

use super::{lexproof, root, scratch, stdout, write};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .arg("lsp")
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lexproof lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut c = Client {
            child,
            stdin,
            stdout,
            next_id: 1,
        };
        let uri = format!("file://{}", root().display());
        let init = c.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": {}}),
        );
        assert!(
            init["capabilities"]["hoverProvider"] == json!(true),
            "{init}"
        );
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut len = None;
        loop {
            let mut line = String::new();
            let n = self.stdout.read_line(&mut line).unwrap();
            assert!(n > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = Some(v.parse::<usize>().unwrap());
            }
        }
        let mut body = vec![0; len.expect("a Content-Length header")];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.receive();
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{msg}");
                return msg["result"].clone();
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The diagnostics the server publishes for `uri` after the last change.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let msg = self.receive();
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "lexproof", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    fn at(&mut self, method: &str, uri: &str, (line, character): (usize, usize)) -> Value {
        let mut params = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
        if method == "textDocument/references" {
            params["context"] = json!({"includeDeclaration": true});
        }
        self.request(method, params)
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

/// The 0-based line and character of the first `needle` after the first `after` in `text`.
fn find(text: &str, after: &str, needle: &str) -> (usize, usize) {
    let start = text.find(after).expect("anchor in text");
    let at = start + text[start..].find(needle).expect("needle after anchor");
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, col + 1)
}

#[test]
fn an_editor_gets_diagnostics_hover_definition_references_symbols_and_completion() {
    let rules = std::fs::read_to_string(root().join("rules.dl")).unwrap();
    let uri = format!("file://{}/rules.dl", root().display());
    let mut c = Client::start();
    assert_eq!(c.open(&uri, &rules), Vec::<Value>::new());

    // Hover on a relation used in a rule: its declaration, documentation and the rules deriving it.
    let use_site = find(
        &rules,
        "@rule compute_above_threshold",
        "undated_compute_counts(M, F)",
    );
    let hover = c.at("textDocument/hover", &uri, use_site);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains(".decl undated_compute_counts(model: model, flop: number)")
            && text.contains("Derived by: undated_compute_as_of"),
        "{text}"
    );
    // Hover on an input relation: its documentation and argument roles.
    let input = find(
        &rules,
        "@rule compute_reached_by_assessment_date",
        "compute_reached(M",
    );
    let text = c.at("textDocument/hover", &uri, input)["contents"]["value"].clone();
    let text = text.as_str().unwrap();
    assert!(
        text.contains("An input relation") && text.contains("`on`:"),
        "{text}"
    );
    // Hover on a rule id: citations, authority, plain-language line and the unsettled point.
    let id = find(
        &rules,
        "@rule threshold_met_by_placing",
        "threshold_met_by_placing",
    );
    let text = c.at("textDocument/hover", &uri, id)["contents"]["value"].clone();
    let text = text.as_str().unwrap();
    assert!(
        text.contains("Art. 51(2)") && text.contains("(statute)") && text.contains("Unsettled:"),
        "{text}"
    );
    // Hover on a parameter: its value.
    let param = find(
        &rules,
        "@rule art51_2_compute_presumption",
        "art51_threshold(T)",
    );
    let text = c.at("textDocument/hover", &uri, param)["contents"]["value"].clone();
    assert!(
        text.as_str()
            .unwrap()
            .contains("Value: `10000000000000000000000000`"),
        "{text}"
    );

    // Go to definition: the `.decl` line.
    let def = c.at("textDocument/definition", &uri, use_site);
    let decl_line = rules[..rules.find(".decl undated_compute_counts").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(def["range"]["start"]["line"], json!(decl_line), "{def}");
    assert_eq!(def["uri"], json!(uri));

    // References: the declaration and every rule reading or deriving the relation.
    let refs = c.at("textDocument/references", &uri, use_site);
    let lines: Vec<u64> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    // Every `undated_compute_counts(` in the text: the declaration and each atom.
    let expected = rules.matches("undated_compute_counts(").count();
    assert_eq!(lines.len(), expected, "{refs}");
    assert!(lines.contains(&(decl_line as u64)));

    // Outline: relations, parameters and rules, grouped under the file's section comments.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let mut names: Vec<&str> = Vec::new();
    for s in symbols.as_array().unwrap() {
        names.push(s["name"].as_str().unwrap());
        for child in s["children"].as_array().into_iter().flatten() {
            names.push(child["name"].as_str().unwrap());
        }
    }
    for n in [
        "provider",
        "art51_threshold",
        "provider_of_placed_gpai_model",
        "country",
    ] {
        assert!(names.contains(&n), "{n} missing from the outline");
    }
    let section = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["name"]
                .as_str()
                .unwrap()
                .contains("is the model a GPAI model?")
        })
        .unwrap_or_else(|| panic!("no section for the GPAI definition: {symbols}"));
    assert_eq!(section["kind"], json!(3), "a section is a namespace");
    let inside: Vec<&str> = section["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(inside.contains(&"gpai_model_definition"), "{inside:?}");
    assert!(
        !inside.contains(&"provider_of_placed_gpai_model"),
        "{inside:?}"
    );

    // Workspace symbols: by name, across the workspace, with their section.
    let found = c.request("workspace/symbol", json!({"query": "GPAI_MODEL_DEF"}));
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["name"], json!("gpai_model_definition"));
    assert_eq!(found[0]["location"]["uri"], json!(uri));
    assert!(found[0]["containerName"]
        .as_str()
        .unwrap()
        .contains("GPAI model"));

    // Completion: relation and parameter names, enumeration values, and metadata keys after `@`.
    let items = c.at("textDocument/completion", &uri, use_site);
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for l in [
        "training_compute",
        "art51_threshold",
        "\"text\"",
        "\"art53_1_a\"",
    ] {
        assert!(labels.contains(&l), "{l} not offered");
    }

    // A change that breaks the file: the same located diagnostic as `lexproof check`.
    let broken = rules.replacen(
        "undated_compute_counts(M, F), compute_threshold(T)",
        "undated_compute_count(M, F), compute_threshold(T)",
        1,
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], json!("unknown_relation"));
    assert!(diags[0]["message"]
        .as_str()
        .unwrap()
        .contains("undated_compute_counts"));
    assert_eq!(diags[0]["range"]["start"]["line"], json!(use_site.0));
    // Hover still works on the last version that checked cleanly.
    let hover = c.at("textDocument/hover", &uri, input);
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("compute_reached"));
    c.stop();
}

/// Each rule's code lens: how often it fired on the demo facts and in which scenarios beside the
/// file; counted again after a save.
#[test]
fn code_lenses_count_firings_on_the_demo_facts_and_in_scenarios() {
    let dir = scratch("lsp-lens");
    let rules = "\
.decl edge(a: symbol, b: symbol)
.decl path(a: symbol, b: symbol)
.decl loop(a: symbol)

// ============================================================
// Paths
// ============================================================

@rule path_edge
@cite \"Art. 1\"
@authority statute
@says \"An edge is a path.\"
path(X, Y) :- edge(X, Y).

@rule path_step
@cite \"Art. 2\"
@authority statute
@says \"A path followed by an edge is a path.\"
path(X, Z) :- path(X, Y), edge(Y, Z).

@rule loop_found
@cite \"Art. 3\"
@authority statute
@says \"A path back to its start is a loop.\"
loop(X) :- path(X, X).
";
    let path = write(&dir, "rules.dl", rules.as_bytes());
    std::fs::create_dir_all(dir.join("facts")).unwrap();
    write(
        &dir.join("facts"),
        "demo.dl",
        b"edge(\"a\", \"b\").\nedge(\"b\", \"c\").\nedge(\"c\", \"d\").\n",
    );
    std::fs::create_dir_all(dir.join("tests/scenarios")).unwrap();
    write(
        &dir.join("tests/scenarios"),
        "one_edge.dl",
        b"edge(\"x\", \"y\").\nexpect path(\"x\", \"y\").\n",
    );
    write(
        &dir.join("tests/scenarios"),
        "two_edges.dl",
        b"edge(\"x\", \"y\").\nedge(\"y\", \"z\").\nexpect path(\"x\", \"z\").\n",
    );
    let uri = format!("file://{path}");
    let mut c = Client::start();
    assert_eq!(c.open(&uri, rules), Vec::<Value>::new());
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "fired 3× on the demo facts · in 2 of 2 scenarios: one_edge.dl, two_edges.dl",
            "fired 3× on the demo facts · in 1 of 2 scenarios: two_edges.dl",
            "never fired on the demo facts · in none of 2 scenarios: untested",
        ],
        "{lenses}"
    );
    let line = rules[..rules.find("@rule loop_found").unwrap()]
        .matches('\n')
        .count();
    assert_eq!(lenses[2]["range"]["start"]["line"], json!(line));
    // A saved change: counted again.
    write(
        &dir.join("facts"),
        "demo.dl",
        b"edge(\"a\", \"b\").\nedge(\"b\", \"a\").\n",
    );
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        lenses[2]["command"]["title"],
        json!("fired 2× on the demo facts · in none of 2 scenarios: untested"),
        "{lenses}"
    );
    c.stop();
}

#[test]
fn an_extension_is_checked_with_the_shipped_rules() {
    let dir = scratch("lsp-extension");
    let ext = "// A national duty.\n.decl registered(actor: actor, model: model)\n\n@rule register\n@cite \"Art. 53(1)\"\n@authority statute\n@says \"Every provider registers.\"\nregistered(A, M) :- provider(A, M).\n";
    let path = write(&dir, "ext.dl", ext.as_bytes());
    let uri = format!("file://{path}");
    let mut c = Client::start();
    assert_eq!(c.open(&uri, ext), Vec::<Value>::new());
    // `provider` is a shipped relation: hover shows it, definition opens rules.dl.
    let at = find(ext, "registered(A, M) :-", "provider(A, M)");
    let text = c.at("textDocument/hover", &uri, at)["contents"]["value"].clone();
    assert!(text
        .as_str()
        .unwrap()
        .contains(".decl provider(actor: actor, model: model)"));
    let def = c.at("textDocument/definition", &uri, at);
    assert_eq!(
        def["uri"],
        json!(format!("file://{}/rules.dl", root().display()))
    );
    // References in the extension and in the shipped rules.
    let refs = c.at("textDocument/references", &uri, at);
    let files: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert!(files.contains(&uri.as_str()) && files.iter().any(|f| f.ends_with("/rules.dl")));
    // An error in the extension is located in it.
    let broken = ext.replace("provider(A, M).", "provider(A).");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let diags = c.diagnostics(&uri);
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "arity_mismatch" && d["range"]["start"]["line"] == 7),
        "{diags:?}"
    );
    c.stop();
}

/// The server's diagnostics are `lexproof check --format json`'s, file by file, over the corpus of
/// broken rules files (checked as an extension where `check` says to).
#[test]
fn diagnostics_equal_check_on_every_bad_rules_file() {
    let dir = root().join("tests/bad-input/rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "dl"))
        .collect();
    files.sort();
    assert!(files.len() > 10);
    let mut c = Client::start();
    let mut compared = 0;
    for f in &files {
        let Ok(text) = String::from_utf8(std::fs::read(f).unwrap()) else {
            continue; // an editor never sends bytes that are not UTF-8
        };
        let uri = format!("file://{}", f.display());
        let got = c.open(&uri, &text);
        let path = f.display().to_string();
        let expected = |flag: &str| -> Vec<Value> {
            let o = lexproof(&["check", flag, &path, "--format", "json"]);
            let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
            doc["diagnostics"].as_array().unwrap().clone()
        };
        let same = |want: &[Value]| {
            want.len() == got.len()
                && want.iter().zip(&got).all(|(w, g)| {
                    let line = g["range"]["start"]["line"].as_u64().unwrap() + 1;
                    let col = g["range"]["start"]["character"].as_u64().unwrap() + 1;
                    w["code"] == g["code"]
                        && w["line"] == json!(line)
                        && w["column"] == json!(col)
                        && g["message"]
                            .as_str()
                            .unwrap()
                            .starts_with(w["message"].as_str().unwrap())
                })
        };
        let alone = expected("--rules");
        let ok = same(&alone)
            || (alone.iter().any(|d| d["code"] == "unknown_relation")
                && same(&expected("--extend")));
        assert!(ok, "{path}: server {got:?}\ncheck {alone:?}");
        compared += 1;
    }
    assert!(compared > 10);
    c.stop();
}

/// The VS Code extension's TextMate grammar, run through vscode-textmate (the engine VS Code uses):
/// keywords, metadata, strings, dates, numbers, comments, relations and variables get their scopes.
#[test]
fn the_vscode_grammar_scopes_each_kind_of_token() {
    let modules = root().join("tests/browser/node_modules");
    assert!(
        modules.join("vscode-textmate").is_dir() && modules.join("vscode-oniguruma").is_dir(),
        "vscode-textmate is missing: run `npm ci` in tests/browser (.ci/run does)"
    );
    let o = Command::new("node")
        .arg(root().join("tests/browser/grammar.mjs"))
        .output()
        .expect("node is installed");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A message whose Content-Length no client could send, or a header line without end, stops the
/// server with an error naming the problem; it neither aborts on the allocation nor waits forever.
#[test]
fn oversized_messages_end_the_server_with_an_error() {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    let long_header = "X-Filler: ".to_string() + &"a".repeat(100_000) + "\r\n";
    for (input, says) in [
        (
            format!("Content-Length: 99999999999999\r\n\r\n{body}"),
            "larger than the 67108864 bytes",
        ),
        (long_header, "longer than 8192 bytes"),
        (
            format!("Content-Length: 5000\r\n\r\n{body}"),
            "ended inside a message",
        ),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(input.as_bytes());
        drop(stdin);
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{err}");
    }
}

/// A frame whose body is not JSON-RPC gets a parse error and the session goes on; `exit` without
/// `shutdown` ends the server with exit code 1, as the protocol asks.
#[test]
fn a_malformed_message_is_answered_and_exit_without_shutdown_is_code_1() {
    let mut c = Client::start();
    write!(c.stdin, "Content-Length: 9\r\n\r\nnot json!").unwrap();
    c.stdin.flush().unwrap();
    let answer = c.receive();
    assert_eq!(answer["error"]["code"], json!(-32700), "{answer}");
    assert_eq!(answer["id"], Value::Null, "{answer}");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.dl"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(hover.is_null() || hover.is_object(), "{hover}");
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn a_request_after_shutdown_is_refused_and_exit_then_succeeds() {
    let mut c = Client::start();
    c.request("shutdown", Value::Null);
    c.send(json!({"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": "file:///nowhere.dl"}, "position": {"line": 0, "character": 0}}}));
    let refused = c.receive();
    assert_eq!(refused["id"], json!(99), "{refused}");
    assert_eq!(refused["error"]["code"], json!(-32600), "{refused}");
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert!(status.success(), "{status}");
}
