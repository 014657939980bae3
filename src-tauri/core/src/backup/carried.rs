//! What a restored shop takes over from the shop it replaces, on either engine (a file put back
//! from its backup, a server restored from its dump), so that nothing already out in the world
//! happens twice: every document number issued (receipts, orders, invoices, credit notes carry
//! on past it, even if the backup never saw it) and every message already sent (not sent to the
//! customer again); and every marketplace listing pushed again from the restored catalog.

use crate::error::Result;
use crate::sql::{args, Conn};

/// Read from the shop being replaced, just before it is.
pub(crate) struct Carried {
    issued: Vec<(String, i64)>,
    sent: Vec<(String, i64)>,
}

impl Carried {
    pub(crate) fn read(live: Conn) -> Result<Carried> {
        Ok(Carried {
            issued: live.query_map("SELECT name, next FROM counter", &[], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?,
            sent: live.query_map(
                "SELECT id, coalesce(sent_at, 0) FROM message WHERE status = 'sent'",
                &[],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?,
        })
    }

    /// Onto the restored shop, in its transaction; the number series moved on (the numbers
    /// issued after the backup, which the restored shop will not issue again).
    pub(crate) fn onto(&self, tx: Conn) -> Result<u32> {
        let mut moved = 0;
        for (name, next) in &self.issued {
            moved += tx.execute(
                "INSERT INTO counter (name, next) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET next = excluded.next
                 WHERE counter.next < excluded.next",
                args![name, *next],
            )? as u32;
        }
        tx.execute(
            "UPDATE channel_listing SET pushed_seq = -1 WHERE variant_id IS NOT NULL",
            &[],
        )?;
        for (id, at) in &self.sent {
            tx.execute(
                "UPDATE message SET status = 'sent', sent_at = ?2, next_attempt_at = NULL
                 WHERE id = ?1 AND status <> 'sent'",
                args![id, *at],
            )?;
        }
        Ok(moved)
    }
}
