//! A station's connection to the shop's server: one client, made again when the last one was
//! lost, with the statements it has prepared; each business action one transaction, retried
//! when PostgreSQL picks it as a deadlock's or a serialization conflict's loser.

use crate::clock::{Clock, SystemClock, Timestamp};
use crate::error::{Error, Result};
use crate::sql::{Conn, PgTx};
use postgres::{Client, Statement};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// How often an action PostgreSQL rolled back for a conflict (40001, 40P01) is run again.
const RETRIES: usize = 5;

struct Session {
    client: Client,
    prepared: RefCell<HashMap<String, Statement>>,
    /// The shop's jobs this connection holds the advisory lock of (held as long as it lives).
    jobs: HashSet<i64>,
    /// Made since a till last asked (`with_client`).
    new: bool,
}

/// A job of the whole shop that one station runs at a time (its advisory lock's key).
#[repr(i64)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// Sending the mail outbox.
    Mail = 0x5348_4f50_4d41_494c, // "SHOPMAIL"
    /// Backing up the shop's server (`pg_dump`, hourly).
    Backup = 0x5348_4f50_4241_434b, // "SHOPBACK"
    /// Pulling orders from the marketplaces and pushing stock and tracking to them.
    Sync = 0x5348_4f50_5359_4e43, // "SHOPSYNC"
    /// Fetching the shop's mailbox (IMAP) into the desk's tickets.
    Mailbox = 0x5348_4f50_494d_4150, // "SHOPIMAP"
}

/// The shop's server, as this station reaches it.
pub struct Server {
    url: String,
    session: Mutex<Option<Session>>,
    /// Why the last action could not reach the server, and when (the shop's clock); None once
    /// one has.
    offline: Mutex<Option<(String, Timestamp)>>,
    /// Why the server refused the oldest action this till sent (which then holds back the
    /// ones after it); None once one went through.
    refused: Mutex<Option<String>>,
    /// The station's name, set on each connection as `shopdesk.station` so what the server
    /// records of this station's work (the audit trail) says where it was done.
    station: String,
    clock: Arc<dyn Clock>,
    /// A connection of its own listening for the shop's changes (`CHANGED`), made the first
    /// time a station waits for one.
    listener: Mutex<Option<Client>>,
}

/// The channel every write on the server notifies at its commit, so the other stations bring
/// their copies up to date at once instead of at their next timed refresh.
const CHANGED: &str = "shopdesk_changed";

impl Server {
    /// The shop's server at `url`, not reached yet. Every connection made to it first checks
    /// that its schema is this build's: a station never writes to a database of another
    /// version, whether it finds one at start or after the server was upgraded.
    pub fn at(url: &str, clock: Arc<dyn Clock>) -> Server {
        Server {
            url: url.to_string(),
            session: Mutex::new(None),
            offline: Mutex::new(None),
            refused: Mutex::new(None),
            station: String::new(),
            clock,
            listener: Mutex::new(None),
        }
    }

    /// Waits up to `wait` for another station's write to the shop (or this one's); whether one
    /// came. With the server away it waits and says none (the timed refresh stands in).
    pub(crate) fn changed_within(&self, wait: std::time::Duration) -> bool {
        let mut guard = self.listener.lock().unwrap_or_else(|p| p.into_inner());
        if guard.as_ref().is_none_or(|c| c.is_closed()) {
            *guard = super::connect(&self.url)
                .and_then(|mut c| {
                    c.batch_execute(&format!("LISTEN {CHANGED}"))?;
                    Ok(c)
                })
                .ok();
        }
        let Some(client) = guard.as_mut() else {
            drop(guard);
            std::thread::sleep(wait);
            return false;
        };
        use postgres::fallible_iterator::FallibleIterator;
        let mut notes = client.notifications();
        let came = matches!(notes.timeout_iter(wait).next(), Ok(Some(_)));
        // Several writes in a row are one refresh.
        while let Ok(Some(_)) = notes.iter().next() {}
        came
    }

    /// This server as the station `name` (letters and digits, as `till::till_name` makes them)
    /// reaches it.
    pub(crate) fn for_station(mut self, name: &str) -> Server {
        self.station = name.chars().filter(char::is_ascii_alphanumeric).collect();
        self
    }

    /// The station's name, as the server records it (`shopdesk.station`).
    pub(crate) fn station(&self) -> &str {
        &self.station
    }

    /// Where this server is: its host, port and database, as a new station is told to reach it.
    pub(crate) fn address(&self) -> (String, u16, String) {
        let config: Option<postgres::Config> = self.url.parse().ok();
        let host = config
            .as_ref()
            .and_then(|c| c.get_hosts().first().cloned())
            .map_or_else(String::new, |h| match h {
                postgres::config::Host::Tcp(name) => name,
                #[cfg(unix)]
                postgres::config::Host::Unix(path) => path.display().to_string(),
            });
        let port = config
            .as_ref()
            .and_then(|c| c.get_ports().first().copied())
            .unwrap_or(5432);
        let database = config
            .as_ref()
            .and_then(|c| c.get_dbname().map(str::to_string))
            .unwrap_or_default();
        (host, port, database)
    }

    /// The shop's server at `url`, reached and checked now.
    pub fn connect(url: &str) -> Result<Server> {
        let server = Server::at(url, Arc::new(SystemClock));
        server.with_session(|_| Ok(()))?;
        Ok(server)
    }

    fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        let out = outside_async(|| self.in_session(f));
        let mut offline = self.offline.lock().unwrap_or_else(|p| p.into_inner());
        match &out {
            Err(Error::ServerOffline(why)) => *offline = Some((why.clone(), self.clock.now())),
            _ => *offline = None,
        }
        out
    }

    fn in_session<T>(&self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        let mut guard = self.session.lock().unwrap_or_else(|p| p.into_inner());
        if guard.as_ref().is_none_or(|s| s.client.is_closed()) {
            let mut client = super::connect(&self.url)?;
            super::check_version(&mut client)?;
            if !self.station.is_empty() {
                client.batch_execute(&format!("SET shopdesk.station = '{}'", self.station))?;
            }
            *guard = Some(Session {
                client,
                prepared: RefCell::new(HashMap::new()),
                jobs: HashSet::new(),
                new: true,
            });
        }
        let session = guard.as_mut().expect("a session was just made");
        let out = f(session);
        if session.client.is_closed() {
            // Lost mid-action: the next action connects again.
            *guard = None;
        }
        out
    }

    /// Why the server could not be reached the last time it was tried; None when it was.
    pub(crate) fn offline(&self) -> Option<String> {
        let offline = self.offline.lock().unwrap_or_else(|p| p.into_inner());
        offline.as_ref().map(|(why, _)| why.clone())
    }

    /// Why the server refused this till's oldest waiting action, if it did.
    pub(crate) fn refused(&self) -> Option<String> {
        self.refused
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn note_refused(&self, why: Option<String>) {
        *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = why;
    }

    /// Whether the server was found unreachable within the last `recent_ms`: a till then reads
    /// its own copy at once rather than wait out a connect timeout on every read (its sender
    /// keeps trying, and any action that reaches the server clears this).
    pub(crate) fn offline_within(&self, recent_ms: i64) -> bool {
        let offline = self.offline.lock().unwrap_or_else(|p| p.into_inner());
        offline
            .as_ref()
            .is_some_and(|(_, at)| self.clock.now().0 - at.0 < recent_ms)
    }

    /// Whether a connection is held from an earlier action: it may have died since, unnoticed
    /// until it is used.
    pub(crate) fn connected(&self) -> bool {
        let guard = self.session.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().is_some_and(|s| !s.client.is_closed())
    }

    /// The server's client itself, for what manages its own transactions (a till's drain),
    /// and whether the connection is new since the caller last cleared this (`*new = false`):
    /// a server restored from a backup ends every connection, so a new one is where a till
    /// looks for what the server lost.
    pub(crate) fn with_client<T>(
        &self,
        f: impl FnOnce(&mut Client, &mut bool) -> Result<T>,
    ) -> Result<T> {
        self.with_session(|s| f(&mut s.client, &mut s.new))
    }

    /// Whether this station runs `job` now: it holds the job's session advisory lock, taken
    /// here when free. The lock lives as long as the connection, so when the station that ran
    /// the job stops or loses the server, the next station to ask takes it over.
    pub(crate) fn runs(&self, job: Job) -> Result<bool> {
        self.with_session(|s| {
            let key = job as i64;
            if !s.jobs.contains(&key) {
                let took: bool = s
                    .client
                    .query_one("SELECT pg_try_advisory_lock($1)", &[&key])?
                    .get(0);
                if !took {
                    return Ok(false);
                }
                s.jobs.insert(key);
            }
            Ok(true)
        })
    }

    /// The station running each of `jobs` now — the name in the login role that holds the job's
    /// lock (`roles::station_role`) — or None where none does. PostgreSQL shows every session
    /// which locks are held and by which role (a session's user is visible to all), so nothing
    /// needs recording, and a station that stopped drops off with its connection. Another login
    /// (an admin's) shows as itself.
    pub(crate) fn job_stations(&self, jobs: &[Job]) -> Result<Vec<Option<String>>> {
        let keys: Vec<i64> = jobs.iter().map(|j| *j as i64).collect();
        self.with_session(|s| {
            let rows = s.client.query(
                "SELECT current_database()::text,
                        (SELECT a.usename::text FROM pg_locks l
                         JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                           AND l.database = (SELECT oid FROM pg_database
                                             WHERE datname = current_database())
                           AND ((l.classid::bigint << 32) | l.objid::bigint) = k.key
                         LIMIT 1)
                 FROM unnest($1::bigint[]) WITH ORDINALITY AS k(key, n) ORDER BY k.n",
                &[&keys],
            )?;
            Ok(rows
                .iter()
                .map(|r| {
                    let holder: Option<String> = r.get(1);
                    holder.map(|role| super::roles::till_of_role(r.get(0), &role).unwrap_or(role))
                })
                .collect())
        })
    }

    /// Gives `job` up, for another station to take at its next ask.
    pub(crate) fn leave(&self, job: Job) -> Result<()> {
        self.with_session(|s| {
            let key = job as i64;
            if s.jobs.remove(&key) {
                s.client
                    .query_one("SELECT pg_advisory_unlock($1)", &[&key])?;
            }
            Ok(())
        })
    }

    /// Runs one business action in one transaction on the server: all of it commits, or none.
    pub fn write<T>(&self, mut action: impl FnMut(Conn) -> Result<T>) -> Result<T> {
        let mut tries = 0;
        let mut held = self.connected();
        loop {
            let began = Cell::new(false);
            let out = self.with_session(|s| {
                let tx = PgTx::new(s.client.transaction()?, &s.prepared);
                began.set(true);
                let out = action(Conn::Pg(&tx))?;
                // Delivered to the listening stations at the commit, not before.
                Conn::Pg(&tx).execute_batch(&format!("NOTIFY {CHANGED}"))?;
                tx.commit()?;
                Ok(out)
            });
            match out {
                Err(Error::Locked) if tries < RETRIES => tries += 1,
                Err(Error::ServerOffline(_)) if dead_when_held(&mut held, &began) => {}
                other => return other,
            }
        }
    }

    /// Runs reads in one read-only transaction (one snapshot of the shop).
    pub fn read<T>(&self, query: impl FnOnce(Conn) -> Result<T>) -> Result<T> {
        let mut held = self.connected();
        let mut query = Some(query);
        loop {
            let began = Cell::new(false);
            let out = self.with_session(|s| {
                let tx = s
                    .client
                    .build_transaction()
                    .read_only(true)
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .start()?;
                began.set(true);
                let tx = PgTx::new(tx, &s.prepared);
                let query = query
                    .take()
                    .expect("asked once: only a failed BEGIN is tried again");
                let out = query(Conn::Pg(&tx))?;
                tx.commit()?;
                Ok(out)
            });
            match out {
                Err(Error::ServerOffline(_)) if dead_when_held(&mut held, &began) => {}
                other => return other,
            }
        }
    }
}

/// Whether an action that found the server gone is tried once more, on a new connection: when
/// the one it used was held from before and died unnoticed (the server restarted, or restored
/// from a backup, which ends every station's connection) at its very first statement, so
/// nothing of it reached the server. A server still down is not waited for twice.
fn dead_when_held(held: &mut bool, began: &Cell<bool>) -> bool {
    std::mem::replace(held, false) && !began.get()
}

/// Runs `f`, which blocks on the server, wherever it is called from. The synchronous client
/// drives a runtime of its own, which tokio refuses to start on a thread that is driving async
/// tasks (the marketplace sync's, whose steps write the shop): such a thread is handed over
/// first with `block_in_place` — so those runtimes are multi-threaded. Elsewhere `f` just runs.
fn outside_async<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

impl crate::store::Db {
    /// Whether this computer runs the shop's `job` now: always when standalone; on a station,
    /// while it holds the job's lock on the server (one station at a time), never while the
    /// server is away.
    pub(crate) fn runs(&self, job: Job) -> Result<bool> {
        match &self.server {
            None => Ok(true),
            Some(server) => match server.runs(job) {
                Err(Error::ServerOffline(_)) => Ok(false),
                other => other,
            },
        }
    }

    /// Gives the shop's `job` up on a station (a standalone shop runs every job itself).
    pub(crate) fn leave(&self, job: Job) {
        if let Some(server) = &self.server {
            // A server away has let the lock go with the connection already.
            let _ = server.leave(job);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{args, Arg, Cell, LaterRows, Row};
    use crate::store::{next_number, Db};
    use shopdesk_testkit::postgres::Postgres;

    fn server() -> (Postgres, String) {
        let pg = Postgres::start().expect("a private PostgreSQL");
        pg.psql("postgres", "CREATE DATABASE shop").unwrap();
        let url = pg.url("shop");
        super::super::migrate(&mut super::super::connect(&url).unwrap()).unwrap();
        (pg, url)
    }

    /// Rows inserted in bulk (the server's COPY, SQLite's statement a row) read back alike,
    /// whatever their text holds: tabs, line ends, backslashes, COPY's own `\N` and `\.`.
    #[test]
    fn rows_inserted_in_bulk_read_back_alike_on_both_engines() {
        let (_pg, url) = server();
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("shop.sqlite3"), None).unwrap();
        let remote = Server::connect(&url).unwrap();
        let odd = [
            "a\tb",
            "line\nend\r",
            "back\\slash",
            "\\N",
            "\\.",
            "ünï",
            "",
        ];
        let values: Vec<Arg> = (0..1201i64)
            .flat_map(|n| {
                [
                    Arg::from(format!("k{n}{}", odd[n as usize % 7])),
                    Arg::Int(n - 600),
                ]
            })
            .collect();
        let bulk = |c: Conn| -> Result<Vec<(String, i64)>> {
            c.insert_rows("counter (name, next)", 2, &values)?;
            c.insert_rows("counter", 2, &[])?;
            c.query_map("SELECT name, next FROM counter ORDER BY next", &[], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
        };
        let lite = db.write(|tx| bulk(Conn::from(tx))).unwrap();
        let pg = remote.write(bulk).unwrap();
        assert_eq!(lite.len(), 1201);
        assert_eq!(lite, pg);
        assert_eq!(lite[1], ("k1line\nend\r".to_string(), -599));

        // NULL, and the text "\N" beside it, kept for later and written together.
        type Kept = Vec<(Option<String>, Option<i64>)>;
        let kept = |c: Conn| -> Result<Kept> {
            c.execute_batch("CREATE TEMP TABLE kept (a TEXT, b BIGINT)")?;
            let later = LaterRows::default();
            c.insert_row(Some(&later), "kept (a, b)", vec![Arg::Null, Arg::Int(1)])?;
            c.insert_row(
                Some(&later),
                "kept (a, b)",
                vec![Arg::from("\\N"), Arg::Null],
            )?;
            c.insert_row(
                None,
                "kept (b, a)",
                vec![Arg::Int(2), Arg::from(None::<&str>)],
            )?;
            later.write(c)?;
            c.query_map("SELECT a, b FROM kept ORDER BY coalesce(b, 0)", &[], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
        };
        let lite = db.write(|tx| kept(Conn::from(tx))).unwrap();
        assert_eq!(lite, remote.write(kept).unwrap());
        let expected: Kept = vec![(Some("\\N".into()), None), (None, Some(1)), (None, Some(2))];
        assert_eq!(lite, expected);
    }

    /// What one row of the probe reads as, column by column.
    fn cells(r: &Row) -> Result<Vec<Cell>> {
        (0..9).map(|i| r.get::<Cell>(i)).collect()
    }

    /// The same SQL text, with the same parameters, reads the same on both engines: counts and
    /// sums as integers (PostgreSQL's bigint and numeric), comparisons as 0/1 (its boolean),
    /// text (citext too), bytes and NULL.
    #[test]
    fn one_statement_reads_alike_on_both_engines() {
        let (_pg, url) = server();
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("shop.sqlite3"), None).unwrap();
        let remote = Server::connect(&url).unwrap();
        let probe = |c: Conn| -> Result<Vec<Vec<Cell>>> {
            c.execute(
                "INSERT INTO counter (name, next) VALUES (?1, ?2), ('b', ?3)",
                args!["a", 9_007_199_254_740_993i64, -5i64],
            )?;
            c.execute(
                "INSERT INTO attachment_data (sha256, bytes) VALUES (?1, ?2)",
                args!["h", vec![0u8, 255, 10]],
            )?;
            c.query_map(
                "SELECT count(*), sum(next), sum(next) - sum(next), sum(-next), min(name),
                        count(*) > ?1, NULL, (SELECT bytes FROM attachment_data), avg(next) > 0
                 FROM counter WHERE name IN (?2, ?3)",
                args![1i64, "a", Some("b")],
                cells,
            )
        };
        let lite = db.write(|tx| probe(Conn::from(tx))).unwrap();
        let pg = remote.write(probe).unwrap();
        assert_eq!(lite, pg);
        assert_eq!(
            lite[0],
            vec![
                Cell::Int(2),
                Cell::Int(9_007_199_254_740_988),
                Cell::Int(0),
                Cell::Int(-9_007_199_254_740_988),
                Cell::Text("a".into()),
                Cell::Int(1),
                Cell::Null,
                Cell::Bytes(vec![0, 255, 10]),
                Cell::Int(1),
            ]
        );
        // A numeric with a fraction and a big whole part, as PostgreSQL sends it.
        let avg: f64 = remote
            .read(|c| {
                c.query_row("SELECT avg(x) FROM (VALUES (1), (2)) v(x)", &[], |r| {
                    r.get(0)
                })
            })
            .unwrap();
        assert_eq!(avg, 1.5);
        let big: i64 = remote
            .read(|c| {
                c.query_row(
                    "SELECT sum(x) FROM (VALUES (100000000000::bigint), (20000)) v(x)",
                    &[],
                    |r| r.get(0),
                )
            })
            .unwrap();
        assert_eq!(big, 100_000_020_000);
    }

    /// Gapless numbers with several writers: four stations issue numbers of one series at once,
    /// a third of their transactions rolled back; the committed numbers are 1..N, each once.
    #[test]
    fn numbers_stay_gapless_with_several_writers() {
        let (_pg, url) = server();
        let issued: Vec<i64> = std::thread::scope(|s| {
            let writers: Vec<_> = (0..4u64)
                .map(|w| {
                    let url = url.clone();
                    s.spawn(move || {
                        let station = Server::connect(&url).unwrap();
                        let mut rng = fastrand::Rng::with_seed(w);
                        let mut mine = Vec::new();
                        for _ in 0..40 {
                            let keep = rng.u8(..3) > 0;
                            let out = station.write(|c| {
                                let n = next_number(c, "invoice-2026")?;
                                if keep {
                                    Ok(n)
                                } else {
                                    Err(Error::invalid("changed my mind"))
                                }
                            });
                            if let Ok(n) = out {
                                mine.push(n);
                            }
                        }
                        mine
                    })
                })
                .collect();
            writers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        let mut sorted = issued.clone();
        sorted.sort_unstable();
        assert!(sorted.len() > 60, "{} issued", sorted.len());
        assert_eq!(sorted, (1..=sorted.len() as i64).collect::<Vec<_>>());
    }
}
