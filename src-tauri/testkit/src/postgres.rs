//! A private PostgreSQL server on loopback for the tests of several stations sharing one shop:
//! Debian's PostgreSQL with its own cluster in a temporary directory (the system's server, if
//! any, untouched), on a free port of 127.0.0.1, with a `shopdesk` superuser who needs no
//! password and SCRAM passwords for every other role. PostgreSQL refuses to run as root, so as
//! root the cluster belongs to, and the server runs as, Debian's `postgres` user. The tests can
//! SIGKILL it mid-run and start it again on the same data, as a crashed server would come back;
//! it is killed when dropped.

use crate::ids;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The superuser the cluster is made with.
pub const USER: &str = "shopdesk";

pub struct Postgres {
    /// The cluster, its socket and its log.
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// Who runs the server: Debian's `postgres` user when the tests run as root.
    owner: Option<(u32, u32)>,
    pub port: u16,
    server: Option<Child>,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The server's programs: `PG_BINDIR`, else the newest of Debian's `/usr/lib/postgresql/N/bin`.
fn bin_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        return Ok(dir.into());
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "PostgreSQL is needed (apt: postgresql)".to_string())?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let major = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((major, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| "PostgreSQL is needed (apt: postgresql)".to_string())
}

impl Postgres {
    /// Makes a new cluster and starts its server; waits until it accepts connections.
    pub fn start() -> Result<Postgres, String> {
        let bin = bin_dir()?;
        let dir = tempfile::Builder::new()
            .prefix("shopdesk-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let owner =
            (ids(&["-u"]) == 0).then(|| (ids(&["-u", "postgres"]), ids(&["-g", "postgres"])));
        if let Some((uid, gid)) = owner {
            if uid == 0 {
                return Err(
                    "running as root and Debian's postgres user is missing (apt: postgresql)"
                        .into(),
                );
            }
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .map_err(|e| e.to_string())?;
        }
        let mut pg = Postgres {
            dir,
            bin,
            owner,
            port: crate::free_port(),
            server: None,
        };
        let data = pg.data();
        let made = pg
            .command("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                USER,
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
                "-D",
            ])
            .arg(&data)
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !made.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&made.stderr)
            ));
        }
        // The superuser signs in without a password (the tests' own connections); every other
        // role — the shop's stations — with its SCRAM password, as on a shop's server.
        let hba = format!(
            "local all all trust\nhost all {USER} 127.0.0.1/32 trust\n\
             host all all 127.0.0.1/32 scram-sha-256\n"
        );
        std::fs::write(data.join("pg_hba.conf"), hba).map_err(|e| e.to_string())?;
        pg.restart()?;
        Ok(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// One of the server's programs, run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(program));
        if let Some((uid, gid)) = self.owner {
            cmd.uid(uid).gid(gid);
        }
        // Its own locale and time zone, not the machine's.
        cmd.env("LC_ALL", "C.UTF-8")
            .env("TZ", "UTC")
            .current_dir(self.dir.path());
        cmd
    }

    /// Starts the server on the cluster as it is (after `kill`, as a crashed server restarts:
    /// it replays its write-ahead log) and waits until it accepts connections.
    pub fn restart(&mut self) -> Result<(), String> {
        self.kill();
        // One log over every start, so a restart after a kill keeps what came before.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("server.log"))
            .map_err(|e| e.to_string())?;
        let server = self
            .command("postgres")
            .arg("-D")
            .arg(self.data())
            .args([
                "-p",
                &self.port.to_string(),
                "-c",
                "listen_addresses=127.0.0.1",
            ])
            .arg("-c")
            .arg(format!(
                "unix_socket_directories={}",
                self.dir.path().display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("postgres: {e}"))?;
        self.server = Some(server);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = self
                .command("pg_isready")
                .args([
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    USER,
                ])
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if ready {
                return Ok(());
            }
            if let Some(Ok(Some(status))) = self.server.as_mut().map(Child::try_wait) {
                return Err(format!("postgres exited ({status}): {}", self.log()));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "postgres never accepted connections: {}",
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILLs the server (nothing flushed, no shutdown checkpoint), as a power cut or a crash
    /// would stop it. Its children, left without their postmaster, exit by themselves.
    pub fn kill(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
            let _ = server.wait();
            // The next start must not find the old backends still attached to shared memory.
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && self.backends_alive() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// Whether a server process of this cluster is still running (they work in its data
    /// directory): PostgreSQL's backends exit shortly after their postmaster dies.
    fn backends_alive(&self) -> bool {
        let data = self.data();
        std::fs::read_dir("/proc")
            .map(|procs| {
                procs.filter_map(Result::ok).any(|p| {
                    std::fs::read_to_string(p.path().join("cmdline"))
                        .map(|c| c.starts_with("postgres:") && cwd_is(&p.path(), &data))
                        .unwrap_or(false)
                })
            })
            .unwrap_or(false)
    }

    /// A libpq connection string for `database` on this server.
    pub fn url(&self, database: &str) -> String {
        self.url_via(self.port, database)
    }

    /// The same through `port`: a fault proxy's in front of this server.
    pub fn url_via(&self, port: u16, database: &str) -> String {
        format!("host=127.0.0.1 port={port} user={USER} dbname={database}")
    }

    /// Runs SQL with `psql` (no connection library needed): the output of `-At` (unaligned, no
    /// headers), or what went wrong.
    pub fn psql(&self, database: &str, sql: &str) -> Result<String, String> {
        self.psql_at(self.port, database, &["-c", sql], None)
    }

    /// Runs a script through `port` (a fault proxy's, say), statement by statement as psql
    /// reads them from its input: each is its own query message on the wire.
    pub fn psql_script(&self, port: u16, database: &str, script: &str) -> Result<String, String> {
        self.psql_at(port, database, &["-f", "-"], Some(script))
    }

    fn psql_at(
        &self,
        port: u16,
        database: &str,
        what: &[&str],
        input: Option<&str>,
    ) -> Result<String, String> {
        let mut child = self
            .command("psql")
            .args([
                "-X",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-U",
                USER,
            ])
            .args(["-p", &port.to_string(), "-d", database])
            .args(what)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("psql: {e}"))?;
        if let Some(script) = input {
            let mut stdin = child.stdin.take().expect("piped");
            stdin
                .write_all(script.as_bytes())
                .map_err(|e| format!("psql: {e}"))?;
        }
        drop(child.stdin.take());
        let out: Output = child.wait_with_output().map_err(|e| format!("psql: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim_end().to_string())
        }
    }

    /// The server's log so far (for a failing test's message).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

fn cwd_is(proc_dir: &Path, data: &Path) -> bool {
    std::fs::read_link(proc_dir.join("cwd")).is_ok_and(|cwd| cwd == data)
}
