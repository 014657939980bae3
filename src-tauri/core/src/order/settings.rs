//! Settings → Orders: the shop's legal details printed on invoices, invoice numbering, risk
//! thresholds, and the SMTP account the outbox sends through (its password is not here: the
//! shell keeps it in the OS keychain).

use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::order::{email_is_valid, RiskSettings};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Legal {
    /// The registered name; the shop's name when left empty.
    pub legal_name: String,
    /// Lines of the registered address.
    pub legal_address: String,
    /// VAT / tax id.
    pub tax_id: String,
    pub shop_email: String,
    /// The contact phone invoices and receipts print.
    #[serde(default)]
    pub phone: String,
    pub invoice_prefix: String,
    pub credit_note_prefix: String,
    #[ts(type = "number")]
    pub payment_terms_days: i64,
    /// Read only: decides paper size and address formats.
    pub country: String,
    /// The shop's IANA time zone: the days its reports, receipts and invoices count.
    #[serde(default)]
    pub time_zone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on this machine or the local network.
    None,
}

impl SmtpSecurity {
    /// As stored: "starttls", "tls" or "none" (anything else reads as STARTTLS).
    pub(crate) fn parse(s: &str) -> SmtpSecurity {
        match s {
            "tls" => SmtpSecurity::Tls,
            "none" => SmtpSecurity::None,
            _ => SmtpSecurity::Starttls,
        }
    }
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SmtpSecurity::Starttls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::None => "none",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MailSettings {
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
    pub smtp_username: String,
    /// The sender, "Shop <shop@example.com>" or a bare address.
    pub mail_from: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OrderSettings {
    pub legal: Legal,
    pub risk: RiskSettings,
    pub mail: MailSettings,
}

pub(crate) fn legal<'c>(conn: impl Into<Conn<'c>>) -> Result<Legal> {
    let conn = conn.into();
    let zone = crate::shop::zone(conn)?;
    conn.query_row(
        "SELECT CASE legal_name WHEN '' THEN name ELSE legal_name END, legal_address, tax_id,
                shop_email, invoice_prefix, credit_note_prefix, payment_terms_days, country,
                phone
         FROM shop WHERE id = 1",
        args![],
        |r| {
            Ok(Legal {
                legal_name: r.get(0)?,
                legal_address: r.get(1)?,
                tax_id: r.get(2)?,
                shop_email: r.get(3)?,
                invoice_prefix: r.get(4)?,
                credit_note_prefix: r.get(5)?,
                payment_terms_days: r.get(6)?,
                country: r.get(7)?,
                phone: r.get(8)?,
                time_zone: zone.name().to_string(),
            })
        },
    )
}

pub(crate) fn mail<'c>(conn: impl Into<Conn<'c>>) -> Result<MailSettings> {
    conn.into().query_row(
        "SELECT smtp_host, smtp_port, smtp_security, smtp_username, mail_from FROM shop WHERE id = 1",
        args![],
        |r| {
            let security: String = r.get(2)?;
            let port: u32 = r.get(1)?;
            Ok(MailSettings {
                smtp_host: r.get(0)?,
                smtp_port: u16::try_from(port)
                    .map_err(|_| Error::Storage(format!("SMTP port {port} is out of range")))?,
                smtp_security: SmtpSecurity::parse(&security),
                smtp_username: r.get(3)?,
                mail_from: r.get(4)?,
            })
        },
    )
}

fn prefix(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() || t.len() > 12 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '/') {
        return Err(Error::invalid(format!(
            "the {what} prefix must be 1–12 letters or digits"
        )));
    }
    Ok(t.to_uppercase())
}

pub(crate) fn sender_address(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from,
    }
}

fn load(c: Conn) -> Result<OrderSettings> {
    Ok(OrderSettings {
        legal: legal(c)?,
        risk: crate::order::risk_settings(c)?,
        mail: mail(c)?,
    })
}

impl Shop {
    /// The SMTP account for the outbox sender, which runs without a signed-in person.
    pub fn mail_settings(&self) -> Result<MailSettings> {
        self.db.shared_read(|c| mail(c))
    }

    /// The SMTP account whose password this person may change: a settings change, though the
    /// password itself goes to the OS keychain (the mail crate), never into the database.
    pub fn smtp_account_to_change(&self, session: &Session) -> Result<MailSettings> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::SettingsManage)?;
            mail(c)
        })
    }

    /// "Send now" in the window: anyone who works with orders may push the outbox along, once
    /// the shop has a mail server. The sending itself happens outside core (the mail crate), so
    /// it asks here first; without a server the answer says so and how many messages wait,
    /// instead of "0 sent".
    pub fn ready_to_send_mail_now(&self, session: &Session) -> Result<()> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            if !mail(c)?.smtp_host.trim().is_empty() {
                return Ok(());
            }
            let waiting = c.query_row(
                "SELECT count(*) FROM message WHERE direction = 'out' AND status <> 'sent'",
                args![],
                |r| r.get(0),
            )?;
            Err(Error::MailNotSetUp { waiting })
        })
    }

    pub fn order_settings(&self, session: &Session) -> Result<OrderSettings> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            load(c)
        })
    }

    pub fn save_order_settings(
        &self,
        session: &Session,
        s: &OrderSettings,
    ) -> Result<OrderSettings> {
        let invoice_prefix = prefix(&s.legal.invoice_prefix, "invoice")?;
        let credit_prefix = prefix(&s.legal.credit_note_prefix, "credit note")?;
        if invoice_prefix == credit_prefix {
            return Err(Error::invalid(
                "invoices and credit notes need different prefixes (each series is gapless)",
            ));
        }
        if !(0..=365).contains(&s.legal.payment_terms_days) {
            return Err(Error::invalid("payment terms are 0 to 365 days"));
        }
        let r = &s.risk;
        if !(1..=100).contains(&r.hold_score)
            || r.value_multiple < 1
            || r.velocity_count < 2
            || r.velocity_hours < 1
        {
            return Err(Error::invalid(
                "risk: the hold score is 1–100, the value multiple at least 1, velocity at least 2 orders in at least 1 hour",
            ));
        }
        let m = &s.mail;
        let from = m.mail_from.trim();
        if !from.is_empty() && !email_is_valid(sender_address(from)) {
            return Err(Error::invalid(format!("'{from}' is not a sender address")));
        }
        if !m.smtp_host.trim().is_empty() && m.smtp_port == 0 {
            return Err(Error::invalid("the SMTP port is missing"));
        }
        let email = s.legal.shop_email.trim();
        if !email.is_empty() && !email_is_valid(email) {
            return Err(Error::invalid(format!(
                "'{email}' is not an e-mail address"
            )));
        }
        let zone = s.legal.time_zone.trim();
        if !zone.is_empty() && crate::ShopZone::named(zone).name() != zone {
            return Err(Error::invalid(format!(
                "'{zone}' is not a time zone: pick one from the list"
            )));
        }
        let phone = s.legal.phone.trim();
        if !phone.is_empty() && !crate::shop::phone_is_valid(phone) {
            return Err(Error::invalid(format!(
                "'{phone}' does not look like a phone number"
            )));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let before = load(tx)?;
            tx.execute(
                "UPDATE shop SET legal_name = ?1, legal_address = ?2, tax_id = ?3, shop_email = ?4,
                     invoice_prefix = ?5, credit_note_prefix = ?6, payment_terms_days = ?7,
                     risk_hold_score = ?8, risk_value_multiple = ?9, risk_velocity_count = ?10,
                     risk_velocity_hours = ?11, smtp_host = ?12, smtp_port = ?13, smtp_security = ?14,
                     smtp_username = ?15, mail_from = ?16, phone = ?17,
                     time_zone = CASE ?18 WHEN '' THEN time_zone ELSE ?18 END
                 WHERE id = 1",
                args![
                    s.legal.legal_name.trim(),
                    s.legal.legal_address.trim(),
                    s.legal.tax_id.trim(),
                    email,
                    invoice_prefix,
                    credit_prefix,
                    s.legal.payment_terms_days,
                    r.hold_score,
                    r.value_multiple,
                    r.velocity_count,
                    r.velocity_hours,
                    m.smtp_host.trim(),
                    u32::from(m.smtp_port),
                    m.smtp_security.as_str(),
                    m.smtp_username.trim(),
                    from,
                    phone,
                    zone,
                ],
            )?;
            let after = load(tx)?;
            // One entry per part (legal, risk, mail), each field as [before, after].
            let (b, a) = (json!(before), json!(after));
            let changes: serde_json::Map<String, serde_json::Value> = ["legal", "risk", "mail"]
                .iter()
                .flat_map(|part| audit::diff(&b[part], &a[part], &[]))
                .collect();
            audit::record(
                tx,
                Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "settings.orders",
                    ("shop", "1"),
                    serde_json::Value::Object(changes),
                ),
            )?;
            Ok(after)
        })
    }
}
