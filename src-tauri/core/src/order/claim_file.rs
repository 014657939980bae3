//! A claim's file for the carrier: the photos a carrier asks for (item, inner and outer
//! packaging, label) attached from disk, the invoice as proof of value, carrier and tracking, the
//! label date and the claim deadline counted from it, a checklist of what is still missing, and
//! the packing record — who packed it, when, what was scanned, the weights, any override — as
//! proof of what left the shop.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::order::order_name;
use crate::order::outbox::{
    attachment_info, keep_attachment, AttachmentDraft, AttachmentInfo, ATTACHMENT_MAX_BYTES,
};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const DAY_MS: i64 = 86_400_000;

/// The photos a carrier asks for, in the order the checklist shows them.
pub const EVIDENCE_ROLES: [(&str, &str); 4] = [
    ("item", "Photos of the damaged item"),
    ("inner_packaging", "The inner packaging"),
    ("outer_packaging", "The outer box, all sides"),
    ("label", "The shipping label on the box"),
];

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChecklistItem {
    pub role: String,
    pub label: String,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PackedLine {
    pub sku: String,
    pub title: String,
    #[ts(type = "number")]
    pub quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PackedParcel {
    #[ts(type = "number")]
    pub n: i64,
    #[ts(type = "number")]
    pub weight_grams: i64,
    pub preset: String,
    pub tracking: String,
}

/// What the packing station recorded when the shipment left.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PackingRecord {
    pub packed_by: String,
    pub packed_at: Timestamp,
    pub carrier: String,
    pub service: String,
    pub tracking: String,
    /// Every unit was scanned at the bench.
    pub verified: bool,
    pub override_reason: Option<String>,
    pub override_by: Option<String>,
    #[ts(type = "number")]
    pub weight_grams: i64,
    pub lines: Vec<PackedLine>,
    pub parcels: Vec<PackedParcel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ClaimFile {
    pub claim: super::Claim,
    pub order_id: String,
    pub order_name: String,
    pub ticket_id: Option<String>,
    pub carrier: String,
    pub tracking: String,
    pub label_at: Option<Timestamp>,
    /// The last day to file with the carrier: the label date plus the carrier's claim days.
    pub deadline: Option<Timestamp>,
    /// Whole days left until the deadline (negative once passed).
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    /// The invoice the carrier takes as proof of value, if one was issued.
    pub invoice_code: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
    pub checklist: Vec<ChecklistItem>,
    pub packing: Option<PackingRecord>,
    /// The replacement order's number ("#1043") once settled by a reship.
    pub reship_name: Option<String>,
}

/// A file for a claim, as read from disk by the window.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
pub struct EvidenceFile {
    /// item, inner_packaging, outer_packaging, label or other.
    pub role: String,
    pub name: String,
    pub mime: String,
    /// The file's bytes, base64.
    pub data: String,
}

fn packing_record(conn: Conn, shipment_id: &str) -> Result<PackingRecord> {
    let mut rec = conn.query_row(
        "SELECT coalesce(p.name, ''), s.at, s.carrier, s.service, s.tracking, s.verified,
                s.override_reason, o.name, s.weight_grams
         FROM shipment s LEFT JOIN staff p ON p.id = s.staff_id LEFT JOIN staff o ON o.id = s.override_by
         WHERE s.id = ?1",
        args![shipment_id],
        |r| {
            Ok(PackingRecord {
                packed_by: r.get(0)?,
                packed_at: Timestamp(r.get(1)?),
                carrier: r.get(2)?,
                service: r.get(3)?,
                tracking: r.get(4)?,
                verified: r.get::<i64>(5)? == 1,
                override_reason: r.get(6)?,
                override_by: r.get(7)?,
                weight_grams: r.get(8)?,
                lines: Vec::new(),
                parcels: Vec::new(),
            })
        },
    )?;
    rec.lines = conn.query_map(
        "SELECT l.sku, l.title, sl.quantity FROM shipment_line sl JOIN order_line l ON l.id = sl.order_line_id
         WHERE sl.shipment_id = ?1 ORDER BY l.position, l.id",
        args![shipment_id],
        |r| {
            Ok(PackedLine {
                sku: r.get(0)?,
                title: r.get(1)?,
                quantity: r.get(2)?,
            })
        },
    )?;
    rec.parcels = conn.query_map(
        "SELECT n, weight_grams, preset, tracking FROM shipment_package WHERE shipment_id = ?1 ORDER BY n",
        args![shipment_id],
        |r| {
            Ok(PackedParcel {
                n: r.get(0)?,
                weight_grams: r.get(1)?,
                preset: r.get(2)?,
                tracking: r.get(3)?,
            })
        },
    )?;
    Ok(rec)
}

pub(crate) fn load(conn: Conn, claim_id: &str, now: Timestamp) -> Result<ClaimFile> {
    type Head = (
        String,
        Option<String>,
        String,
        String,
        Option<i64>,
        Option<String>,
        i64,
    );
    let (order_id, ticket_id, carrier, tracking, label_at, shipment_id, number): Head = conn
        .query_opt(
            "SELECT c.order_id, c.ticket_id, c.carrier, c.tracking, c.label_at, c.shipment_id, o.number
             FROM claim c JOIN customer_order o ON o.id = c.order_id WHERE c.id = ?1",
            args![claim_id],
            |r| r.tuple(),
        )?
        .ok_or(Error::NotFound { what: "claim" })?;
    let cur = crate::shop::shop_currency(conn)?;
    let claim = super::claim::list(conn, &order_id, cur)?
        .into_iter()
        .find(|c| c.id == claim_id)
        .ok_or(Error::NotFound { what: "claim" })?;
    let claim_days = super::carrier::find_carrier(conn, &carrier)?
        .map(|c| i64::from(c.claim_days))
        .unwrap_or(30);
    let deadline = label_at.map(|at| Timestamp(at + claim_days * DAY_MS));
    let days_left = deadline.map(|d| (d.0 - now.0).div_euclid(DAY_MS));
    let invoice_code: Option<String> = conn.query_opt(
        "SELECT code FROM invoice WHERE order_id = ?1 AND kind = 'invoice'
         ORDER BY issued_at, code LIMIT 1",
        args![order_id],
        |r| r.get(0),
    )?;
    // In the order they were added (ids are made in time order).
    let attachments: Vec<AttachmentInfo> = conn.query_map(
        "SELECT id, name, mime, size, role FROM attachment WHERE claim_id = ?1 ORDER BY id",
        args![claim_id],
        attachment_info,
    )?;
    let mut checklist: Vec<ChecklistItem> = EVIDENCE_ROLES
        .iter()
        .map(|(role, label)| ChecklistItem {
            role: role.to_string(),
            label: label.to_string(),
            done: attachments.iter().any(|a| a.role == *role),
        })
        .collect();
    checklist.push(ChecklistItem {
        role: "invoice".into(),
        label: "The invoice (proof of value)".into(),
        done: invoice_code.is_some(),
    });
    checklist.push(ChecklistItem {
        role: "tracking".into(),
        label: "Carrier and tracking number".into(),
        done: !carrier.is_empty() && !tracking.is_empty(),
    });
    let packing = shipment_id.map(|s| packing_record(conn, &s)).transpose()?;
    let reship_name = match &claim.reship_order_id {
        Some(id) => Some(order_name(conn.query_row(
            "SELECT number FROM customer_order WHERE id = ?1",
            args![id],
            |r| r.get(0),
        )?)),
        None => None,
    };
    Ok(ClaimFile {
        claim,
        order_id,
        order_name: order_name(number),
        ticket_id,
        carrier,
        tracking,
        label_at: label_at.map(Timestamp),
        deadline,
        days_left,
        invoice_code,
        attachments,
        checklist,
        packing,
        reship_name,
    })
}

/// The newest shipment of the order: the one a claim is about.
pub(crate) fn last_shipment<'c>(
    conn: impl Into<Conn<'c>>,
    order_id: &str,
) -> Result<Option<(String, String, String, i64)>> {
    // Ties in time by the time-ordered id, alike on both engines.
    conn.into().query_opt(
        "SELECT id, carrier, tracking, at FROM shipment WHERE order_id = ?1
         ORDER BY at DESC, id DESC LIMIT 1",
        args![order_id],
        |r| r.tuple(),
    )
}

impl Shop {
    pub fn claim_file(&self, session: &Session, claim_id: &str) -> Result<ClaimFile> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            load(c, claim_id, self.clock.now())
        })
    }

    /// Attaches a photo or document to a claim, kept in the database with the claim.
    pub fn attach_claim_evidence(
        &self,
        session: &Session,
        claim_id: &str,
        file: &EvidenceFile,
    ) -> Result<ClaimFile> {
        let role = file.role.as_str();
        if role != "other" && !EVIDENCE_ROLES.iter().any(|(r, _)| *r == role) {
            return Err(Error::invalid(format!(
                "'{role}' is not a kind of claim evidence"
            )));
        }
        let bytes = data_encoding::BASE64
            .decode(file.data.as_bytes())
            .map_err(|_| Error::invalid("the file could not be read"))?;
        if bytes.is_empty() {
            return Err(Error::invalid(format!("'{}' is empty", file.name)));
        }
        if bytes.len() > ATTACHMENT_MAX_BYTES {
            return Err(Error::invalid(format!(
                "'{}' is over {} MB: attach a smaller photo",
                file.name,
                ATTACHMENT_MAX_BYTES / (1024 * 1024)
            )));
        }
        let name = match file.name.trim() {
            "" => "evidence",
            n => n,
        };
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            let (order_id, status): (String, String) = tx
                .query_opt(
                    "SELECT order_id, status FROM claim WHERE id = ?1",
                    args![claim_id],
                    |r| r.tuple(),
                )?
                .ok_or(Error::NotFound { what: "claim" })?;
            if status != "open" {
                return Err(Error::Conflict("this claim is already settled".into()));
            }
            let draft = AttachmentDraft {
                message_id: None,
                claim_id: Some(claim_id),
                role,
                name,
                mime: &file.mime,
                bytes: &bytes,
                by: Some(session.staff_id()),
            };
            keep_attachment(tx, &draft, now)?;
            super::event(
                tx,
                &order_id,
                now,
                Some(session.staff_id()),
                "claim_evidence",
                &format!("{role}: {name}"),
            )?;
            load(tx, claim_id, now)
        })
    }
}
