//! A fault proxy between a station and its PostgreSQL server, on 127.0.0.1: it passes traffic,
//! cuts every connection, holds traffic like a pulled cable, slows it, or lets one COMMIT reach
//! the server and loses its reply — the faults a shop's network makes that a multi-station test
//! must survive. No fault proxy is in Debian or the registries, so it is ours (std threads, no
//! runtime).
//!
//! PostgreSQL's wire protocol frames every message after the first as a type byte and a length
//! (postgresql.org/docs/current/protocol-message-formats.html); the proxy reads just enough of
//! it to find a simple-query COMMIT and the server's ReadyForQuery after it.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

/// What the proxy does to traffic now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Pass,
    /// Every open connection is reset and new ones are closed at once (the server host gone).
    Sever,
    /// Connections are accepted and nothing is forwarded either way until the fault ends: a
    /// pulled cable. What was held is then delivered, as TCP would after a short outage.
    Blackhole,
    /// Each chunk waits this long before it is forwarded.
    Latency(Duration),
}

struct State {
    fault: Fault,
    /// The next simple-query COMMIT on any connection reaches the server, its reply never
    /// reaches the client, and that connection is closed once the server has answered.
    lose_next_commit_reply: bool,
    /// The sockets of each open connection, by its number, for `Sever` to reset.
    open: Vec<(u64, TcpStream)>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    stopped: AtomicBool,
    connections: AtomicU64,
}

/// A proxy to `upstream`, stopped when dropped.
pub struct FaultProxy {
    pub port: u16,
    shared: Arc<Shared>,
}

impl FaultProxy {
    pub fn start(upstream: SocketAddr) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                fault: Fault::Pass,
                lose_next_commit_reply: false,
                open: Vec::new(),
            }),
            changed: Condvar::new(),
            stopped: AtomicBool::new(false),
            connections: AtomicU64::new(0),
        });
        let s = shared.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                if s.stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let s = s.clone();
                thread::spawn(move || connect(&s, client, upstream));
            }
        });
        Ok(FaultProxy { port, shared })
    }

    /// Sets the fault from now on; `Sever` also resets what is open.
    pub fn set(&self, fault: Fault) {
        let mut st = self.shared.state.lock().unwrap();
        st.fault = fault;
        if fault == Fault::Sever {
            for (_, c) in st.open.drain(..) {
                let _ = c.shutdown(Shutdown::Both);
            }
        }
        self.shared.changed.notify_all();
    }

    /// Arms the lost COMMIT reply for the next COMMIT any connection sends.
    pub fn lose_next_commit_reply(&self) {
        self.shared.state.lock().unwrap().lose_next_commit_reply = true;
    }

    /// Whether an armed lost reply is still waiting for its COMMIT.
    pub fn commit_reply_armed(&self) -> bool {
        self.shared.state.lock().unwrap().lose_next_commit_reply
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::SeqCst);
        self.set(Fault::Sever);
        // Wakes the accept loop so it sees the stop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn connect(s: &Arc<Shared>, client: TcpStream, upstream: SocketAddr) {
    if s.state.lock().unwrap().fault == Fault::Sever {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect(upstream) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let _ = (client.set_nodelay(true), server.set_nodelay(true));
    let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let number = s.connections.fetch_add(1, Ordering::SeqCst);
    s.state.lock().unwrap().open.extend(
        [client.try_clone(), server.try_clone()]
            .into_iter()
            .flatten()
            .map(|socket| (number, socket)),
    );
    let conn = Arc::new(Conn::default());
    let (up, c) = (s.clone(), conn.clone());
    let upward = thread::spawn(move || pump(&up, client, server, Frames::client(), &c));
    pump(s, s2, c2, Frames::server(), &conn);
    let _ = upward.join();
    // Closed: its sockets leave the list, so a long run of reconnects holds no dead ones.
    s.state.lock().unwrap().open.retain(|(n, _)| *n != number);
}

/// What the two directions of one connection tell each other.
#[derive(Default)]
struct Conn {
    /// The client asked for SSL: the server's next byte is its unframed answer.
    ssl_asked: AtomicBool,
    /// This connection's COMMIT went up with its reply to be lost.
    losing: AtomicBool,
    /// The server has answered that COMMIT (its CommandComplete seen); the ReadyForQuery after
    /// it ends the connection. Replies to what the client sent before the COMMIT (a statement's
    /// Close, say) may still come first and must not end it early, before the COMMIT is even
    /// forwarded.
    committed: AtomicBool,
}

/// Copies `from` to `to` until either side closes, under the fault of the moment.
fn pump(s: &Shared, mut from: TcpStream, mut to: TcpStream, mut frames: Frames, conn: &Conn) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let messages = frames.feed(&buf[..n], conn);
        let fault = {
            let mut st = s.state.lock().unwrap();
            while st.fault == Fault::Blackhole {
                st = s.changed.wait(st).unwrap();
            }
            if frames.from_client
                && st.lose_next_commit_reply
                && messages.iter().any(|m| m.is_commit())
            {
                st.lose_next_commit_reply = false;
                conn.losing.store(true, Ordering::SeqCst);
            }
            st.fault
        };
        match fault {
            Fault::Sever => break,
            Fault::Latency(d) => thread::sleep(d),
            _ => {}
        }
        if !frames.from_client && conn.losing.load(Ordering::SeqCst) {
            // The server's answer to the COMMIT is swallowed; once it is ready for the next
            // query after that answer the COMMIT is done on its side, and the client's
            // connection drops.
            let mut done = false;
            for m in &messages {
                if m.ends_transaction() {
                    conn.committed.store(true, Ordering::SeqCst);
                } else if m.kind == b'Z' && conn.committed.load(Ordering::SeqCst) {
                    done = true;
                }
            }
            if done {
                break;
            }
            continue;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = (from.shutdown(Shutdown::Both), to.shutdown(Shutdown::Both));
}

/// One complete message seen in a stream: its type byte and, for a simple query, its text.
struct Message {
    kind: u8,
    text: Vec<u8>,
}

impl Message {
    fn is_commit(&self) -> bool {
        let text = String::from_utf8_lossy(&self.text);
        let sql = text.trim_matches(|c: char| c == '\0' || c == ';' || c.is_whitespace());
        self.kind == b'Q' && (sql.eq_ignore_ascii_case("COMMIT") || sql.eq_ignore_ascii_case("END"))
    }

    /// The server's CommandComplete for a COMMIT (tagged ROLLBACK when the transaction had
    /// failed).
    fn ends_transaction(&self) -> bool {
        self.kind == b'C'
            && (self.text.starts_with(b"COMMIT") || self.text.starts_with(b"ROLLBACK"))
    }
}

/// Splits one direction's bytes into messages, across reads.
struct Frames {
    from_client: bool,
    pending: Vec<u8>,
    /// Untyped messages still to come first: the client's startup (and SSL request) packets.
    untyped: usize,
}

impl Frames {
    fn client() -> Frames {
        Frames {
            from_client: true,
            pending: Vec::new(),
            untyped: 1,
        }
    }

    fn server() -> Frames {
        Frames {
            from_client: false,
            pending: Vec::new(),
            untyped: 0,
        }
    }

    fn feed(&mut self, bytes: &[u8], conn: &Conn) -> Vec<Message> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        loop {
            if !self.from_client
                && !self.pending.is_empty()
                && conn.ssl_asked.swap(false, Ordering::SeqCst)
            {
                self.pending.remove(0);
            }
            let head = usize::from(self.untyped == 0);
            if self.pending.len() < head + 4 {
                break;
            }
            let len = u32::from_be_bytes(self.pending[head..head + 4].try_into().unwrap());
            let total = head + len as usize;
            if self.pending.len() < total {
                break;
            }
            let msg: Vec<u8> = self.pending.drain(..total).collect();
            if self.untyped > 0 {
                // An SSL or GSS request is followed by another untyped startup packet.
                let code = msg
                    .get(4..8)
                    .map(|c| u32::from_be_bytes(c.try_into().unwrap()));
                if matches!(code, Some(80_877_103 | 80_877_104)) {
                    conn.ssl_asked.store(true, Ordering::SeqCst);
                } else {
                    self.untyped -= 1;
                }
                continue;
            }
            out.push(Message {
                kind: msg[0],
                text: msg[5..].to_vec(),
            });
        }
        out
    }
}
