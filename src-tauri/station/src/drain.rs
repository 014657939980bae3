//! The till's journal drained to the shop's server: each action the till committed locally is
//! applied in the order it was made, one server transaction each (`apply_once`), and marked in
//! the journal only after the server committed it. A till killed between the two finds the
//! action already applied on its next drain and only marks it; a server gone stops the drain at
//! the first action it could not take, which waits, in order, for the next one.

use crate::apply::{apply_once, Applied};
use postgres::{Client, Transaction};

/// One action a station made, as its journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Made on the device (UUIDv7), so it names the action on every engine and every retry.
    pub id: String,
    pub kind: String,
    pub payload: String,
}

/// Where a station's actions wait for the server: the till's own database.
pub trait Journal {
    /// The oldest actions not yet applied, at most `max`, oldest first.
    fn waiting(&mut self, max: usize) -> Result<Vec<Action>, String>;
    /// The server has it: it leaves the waiting list.
    fn applied(&mut self, id: &str) -> Result<(), String>;
}

/// What one drain did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drained {
    /// Applied by this drain.
    pub applied: usize,
    /// Found already applied (an earlier drain's COMMIT reply lost, or the till killed before
    /// it marked them).
    pub already: usize,
    /// Why the drain stopped before the journal was empty: the server gone, or it refused an
    /// action (which then blocks the ones after it, so none is applied out of order).
    pub stopped: Option<String>,
}

/// Drains `journal` into the server `client` talks to, `batch` actions a read, until it is
/// empty or an action could not be applied.
pub fn drain<E: From<postgres::Error> + std::fmt::Display>(
    journal: &mut impl Journal,
    client: &mut Client,
    station: &str,
    batch: usize,
    mut effects: impl FnMut(&mut Transaction, &Action) -> Result<(), E>,
) -> Result<Drained, String> {
    let mut done = Drained::default();
    loop {
        let actions = journal.waiting(batch.max(1))?;
        if actions.is_empty() {
            return Ok(done);
        }
        for a in &actions {
            match apply_once(client, &a.id, station, |tx| effects(tx, a)) {
                Ok(Applied::Now) => done.applied += 1,
                Ok(Applied::Before) => done.already += 1,
                Err(e) => {
                    done.stopped = Some(e.to_string());
                    return Ok(done);
                }
            }
            journal.applied(&a.id)?;
        }
    }
}
