//! The print queue: each document a station prints is a job that records which printer got it,
//! what the spooler answered or why it failed, so a job can be retried or reprinted and a
//! missing printer is a visible message rather than a silent loss.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::packing::shipping::{station_by_id, Station};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn, Row};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How many recent print jobs a station's queue shows.
pub const JOBS_SHOWN: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Shipping labels of a shipment (one per parcel).
    Label,
    /// The packing slip of a shipment.
    Slip,
    Invoice,
    /// A pick list for one order.
    Picklist,
    /// The purchase order sent to a dropship supplier.
    SupplierOrder,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Label => "label",
            DocKind::Slip => "slip",
            DocKind::Invoice => "invoice",
            DocKind::Picklist => "picklist",
            DocKind::SupplierOrder => "supplier_order",
        }
    }
    fn parse(s: &str) -> DocKind {
        match s {
            "label" => DocKind::Label,
            "slip" => DocKind::Slip,
            "picklist" => DocKind::Picklist,
            "supplier_order" => DocKind::SupplierOrder,
            _ => DocKind::Invoice,
        }
    }
    /// The printer of `station` this kind goes to (empty: the system default).
    pub fn printer(self, station: &Station) -> &str {
        match self {
            DocKind::Label => &station.label_printer,
            _ => &station.document_printer,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PrintJob {
    pub id: String,
    pub station_id: Option<String>,
    pub kind: DocKind,
    /// The shipment (label, slip), invoice, order (pick list) or dropship it prints.
    pub doc_id: String,
    pub title: String,
    pub printer: String,
    /// queued, sent or failed.
    pub status: String,
    #[ts(type = "number")]
    pub attempts: i64,
    pub last_error: Option<String>,
    /// The spooler's answer ("request id is label-42").
    pub spooler: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, station_id, kind, doc_id, title, printer, status, attempts, last_error,
    spooler, created_at, sent_at";

fn job_row(r: &Row) -> Result<PrintJob> {
    Ok(PrintJob {
        id: r.get(0)?,
        station_id: r.get(1)?,
        kind: DocKind::parse(&r.get::<String>(2)?),
        doc_id: r.get(3)?,
        title: r.get(4)?,
        printer: r.get(5)?,
        status: r.get(6)?,
        attempts: r.get(7)?,
        last_error: r.get(8)?,
        spooler: r.get(9)?,
        created_at: Timestamp(r.get(10)?),
        sent_at: r.get::<Option<i64>>(11)?.map(Timestamp),
    })
}

fn job(conn: Conn, id: &str) -> Result<PrintJob> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM print_job WHERE id = ?1"),
        args![id],
        job_row,
    )?
    .ok_or(Error::NotFound { what: "print job" })
}

/// Queues a document for the station's printer of its kind, in the caller's transaction.
pub(crate) fn queue<'c>(
    conn: impl Into<Conn<'c>>,
    station: &Station,
    kind: DocKind,
    doc_id: &str,
    title: &str,
    now: Timestamp,
) -> Result<PrintJob> {
    let conn = conn.into();
    let id = new_id();
    conn.execute(
        "INSERT INTO print_job (id, station_id, kind, doc_id, title, printer, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7)",
        args![
            id,
            station.id,
            kind.as_str(),
            doc_id,
            title,
            kind.printer(station),
            now.0
        ],
    )?;
    job(conn, &id)
}

/// The station a job was queued at: its printers and label size.
fn station_of(conn: Conn, job: &PrintJob) -> Result<Station> {
    match &job.station_id {
        Some(s) => station_by_id(conn, s),
        None => Err(Error::invalid("this job has no station to print at")),
    }
}

impl Shop {
    /// Queues one document for a station's printer (a reprint from a screen, a pick list).
    pub fn queue_print(
        &self,
        session: &Session,
        station_id: &str,
        kind: DocKind,
        doc_id: &str,
        title: &str,
    ) -> Result<PrintJob> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersView)?;
            let station = station_by_id(tx, station_id)?;
            queue(tx, &station, kind, doc_id, title, self.clock.now())
        })
    }

    /// The station's recent jobs, newest first (`JOBS_SHOWN` at the bench).
    pub fn print_jobs(
        &self,
        session: &Session,
        station_id: &str,
        limit: u32,
    ) -> Result<Vec<PrintJob>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            // Ties in time by the time-ordered id: the server has no rowid.
            c.query_map(
                &format!(
                    "SELECT {COLUMNS} FROM print_job WHERE station_id = ?1
                     ORDER BY created_at DESC, id DESC LIMIT ?2"
                ),
                args![station_id, limit],
                job_row,
            )
        })
    }

    /// Records the spooler's answer for a job handed over.
    pub fn print_sent(&self, job_id: &str, spooler: &str) -> Result<PrintJob> {
        let now = self.clock.now();
        self.db.shared_write(|tx| {
            tx.execute(
                "UPDATE print_job SET status = 'sent', attempts = attempts + 1, spooler = ?2,
                     last_error = NULL, sent_at = ?3 WHERE id = ?1",
                args![job_id, spooler, now.0],
            )?;
            job(tx, job_id)
        })
    }

    /// Records why a job did not reach the printer; it waits for a retry.
    pub fn print_failed(&self, job_id: &str, error: &str) -> Result<PrintJob> {
        self.db.shared_write(|tx| {
            tx.execute(
                "UPDATE print_job SET status = 'failed', attempts = attempts + 1, last_error = ?2
                 WHERE id = ?1",
                args![job_id, error],
            )?;
            job(tx, job_id)
        })
    }

    /// A job with the station it was queued at (whose label size its label has), for saving
    /// its document as PDF when no printer will take it.
    pub fn print_job(&self, session: &Session, job_id: &str) -> Result<(PrintJob, Station)> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let job = job(c, job_id)?;
            let station = station_of(c, &job)?;
            Ok((job, station))
        })
    }

    /// Puts a job back in the queue: a failed one to try again, a printed one as a reprint (a new
    /// job for the same document, to the station's current printer).
    pub fn reprint(&self, session: &Session, job_id: &str) -> Result<PrintJob> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersView)?;
            let old = job(tx, job_id)?;
            let now = self.clock.now();
            let station = station_of(tx, &old)?;
            if old.status == "failed" {
                tx.execute(
                    "UPDATE print_job SET status = 'queued', printer = ?2 WHERE id = ?1",
                    args![job_id, old.kind.printer(&station)],
                )?;
                return job(tx, job_id);
            }
            queue(tx, &station, old.kind, &old.doc_id, &old.title, now)
        })
    }
}
