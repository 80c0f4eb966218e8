//! The language server's messages over stdin and stdout, framed as the protocol says
//! (`Content-Length` headers) but bounded: a header line or a message body larger than the client
//! could sensibly send ends the server with an error instead of an allocation that aborts it.

use lsp_server::{Connection, Message};
use std::io::{BufRead, Read, Write};
use std::thread::JoinHandle;

/// The largest message body accepted: far above any rules file an editor sends in full.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;
/// The longest header line accepted (`Content-Length: ...`, `Content-Type: ...`).
const MAX_HEADER_BYTES: usize = 8 << 10;

/// The reading and writing threads; joined once the server has finished.
pub struct Threads {
    reader: JoinHandle<Result<(), String>>,
    writer: JoinHandle<Result<(), String>>,
}

impl Threads {
    pub fn join(self) -> Result<(), String> {
        let written = self
            .writer
            .join()
            .unwrap_or(Err("the writer stopped".into()));
        let read = self
            .reader
            .join()
            .unwrap_or(Err("the reader stopped".into()));
        read.and(written)
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> (Connection, Threads) {
    let (server, client) = Connection::memory();
    let Connection { sender, receiver } = client;
    let reader = std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            let msg = match read(&mut input)? {
                Frame::End => break,
                Frame::Message(m) => m,
                // The frame was whole, so the next one can still be read: answer as JSON-RPC
                // asks (a parse error, id null) and go on.
                Frame::NotJsonRpc(why) => {
                    let body = serde_json::json!({
                        "jsonrpc": "2.0",
                        "id": null,
                        "error": {"code": -32700, "message": why},
                    })
                    .to_string();
                    let stdout = std::io::stdout();
                    let mut out = stdout.lock();
                    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())
                        .and_then(|_| out.flush())
                        .map_err(|e| format!("cannot write to the client: {e}"))?;
                    continue;
                }
            };
            let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
            if sender.send(msg).is_err() || exit {
                break;
            }
        }
        Ok(())
    });
    // The stdout lock is taken per message: the reader answers unreadable messages itself.
    let writer = std::thread::spawn(move || {
        for msg in receiver {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            msg.write(&mut out)
                .and_then(|_| out.flush())
                .map_err(|e| format!("cannot write to the client: {e}"))?;
        }
        Ok(())
    });
    (server, Threads { reader, writer })
}

/// What the next frame held.
pub enum Frame {
    Message(Message),
    /// A whole frame whose body is not a JSON-RPC message: why.
    NotJsonRpc(String),
    /// The end of the input.
    End,
}

/// The next frame; an error when the framing itself is broken (nothing after it can be read).
pub fn read(input: &mut impl BufRead) -> Result<Frame, String> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = input
            .by_ref()
            .take(MAX_HEADER_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot read from the client: {e}"))?;
        if n == 0 && first {
            return Ok(Frame::End);
        }
        first = false;
        if line.len() > MAX_HEADER_BYTES {
            return Err(format!(
                "a header line is longer than {MAX_HEADER_BYTES} bytes: not a language client"
            ));
        }
        let Some(text) = line.strip_suffix(b"\r\n") else {
            return Err(format!(
                "malformed header {:?}: each header line ends with CR LF",
                String::from_utf8_lossy(&line)
            ));
        };
        if text.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(text);
        let Some((name, value)) = text.split_once(": ") else {
            return Err(format!("malformed header {text:?}: expected `Name: value`"));
        };
        if name.eq_ignore_ascii_case("Content-Length") {
            let n: usize = value
                .trim()
                .parse()
                .map_err(|_| format!("Content-Length {value:?} is not a byte count"))?;
            if n > MAX_MESSAGE_BYTES {
                return Err(format!(
                    "a message of {n} bytes is larger than the {MAX_MESSAGE_BYTES} bytes the server accepts"
                ));
            }
            length = Some(n);
        }
    }
    let n = length.ok_or("a message without Content-Length")?;
    let mut body = vec![0; n];
    input
        .read_exact(&mut body)
        .map_err(|e| format!("the input ended inside a message: {e}"))?;
    Ok(match serde_json::from_slice(&body) {
        Ok(m) => Frame::Message(m),
        Err(e) => Frame::NotJsonRpc(format!("a message that is not JSON-RPC: {e}")),
    })
}
