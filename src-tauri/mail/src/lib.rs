//! Shopdesk e-mail: drains core's outbox over SMTP. Each due message is built (plain text, the
//! invoice or credit note attached as PDF), handed to the server, and reported back to core —
//! sent, or failed and rescheduled — so a message is never lost and never sent twice by a
//! successful run. The shop's mailbox is fetched over IMAP into the service desk (`inbox.rs`).
//! The SMTP and IMAP passwords live in the OS keychain, never in the database.

pub mod inbox;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use shopdesk_core::order::outbox::{self, OutgoingMail};
use shopdesk_core::order::settings::{MailSettings, SmtpSecurity};
use shopdesk_core::server::Job;
use shopdesk_core::{Session, Shop};
use std::time::Duration;

const KEYCHAIN_SERVICE: &str = "Shopdesk SMTP";

/// What one run of the sender did ("Send now" shows it as it is).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
    /// One line per failure: recipient and the server's or network's answer.
    pub errors: Vec<String>,
}

fn account(s: &MailSettings) -> String {
    format!("{}@{}", s.smtp_username.trim(), s.smtp_host.trim())
}

/// The keychain entry of a mail account.
pub(crate) fn keychain_entry(service: &str, account: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(service, account)
}

/// On a station of a shared shop, a mail job without its password here is left, untouched, to a
/// station that has it: the password stays in the keychain of the computer it was entered on.
/// True when it was left.
pub(crate) fn left_without_password(shop: &Shop, job: Job, password: Option<&str>) -> bool {
    let left = shop.is_station() && password.is_none();
    if left {
        shop.leave_job(job);
    }
    left
}

/// Stores the SMTP password for the account in the OS keychain.
pub fn save_password(s: &MailSettings, password: &str) -> Result<(), String> {
    keychain_entry(KEYCHAIN_SERVICE, &account(s))
        .and_then(|e| e.set_password(password))
        .map_err(|e| format!("the system keychain refused the password: {e}"))
}

/// Stores a new SMTP password for someone core allows to change the mail settings.
pub fn change_password(
    shop: &Shop,
    session: &Session,
    password: &str,
) -> shopdesk_core::Result<()> {
    let account = shop.smtp_account_to_change(session)?;
    save_password(&account, password).map_err(shopdesk_core::Error::Conflict)
}

/// "Send now" from the window, for someone core allows to: what is due goes out at once.
pub fn send_now(shop: &Shop, session: &Session) -> shopdesk_core::Result<SendReport> {
    shop.ready_to_send_mail_now(session)?;
    send_due(shop, None)
}

/// The SMTP password from the OS keychain, if one is stored.
pub fn password(s: &MailSettings) -> Option<String> {
    keychain_entry(KEYCHAIN_SERVICE, &account(s))
        .and_then(|e| e.get_password())
        .ok()
}

fn transport(s: &MailSettings, password: Option<&str>) -> Result<SmtpTransport, String> {
    let host = s.smtp_host.trim();
    let builder = match s.smtp_security {
        SmtpSecurity::Starttls => SmtpTransport::starttls_relay(host).map_err(|e| e.to_string())?,
        SmtpSecurity::Tls => SmtpTransport::relay(host).map_err(|e| e.to_string())?,
        SmtpSecurity::None => SmtpTransport::builder_dangerous(host),
    };
    let mut builder = builder
        .port(s.smtp_port)
        .timeout(Some(Duration::from_secs(20)));
    if !s.smtp_username.trim().is_empty() {
        builder = builder.credentials(Credentials::new(
            s.smtp_username.trim().to_string(),
            password.unwrap_or_default().to_string(),
        ));
    }
    Ok(builder.build())
}

fn build(from: &Mailbox, m: &OutgoingMail) -> Result<Message, String> {
    let to: Mailbox =
        m.to.parse()
            .map_err(|e| format!("recipient '{}': {e}", m.to))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .message_id(m.header_id.clone());
    // A reply carries the thread, so the customer's mail program keeps it together.
    if let Some(parent) = &m.in_reply_to {
        builder = builder.in_reply_to(parent.clone());
    }
    if !m.references.is_empty() {
        builder = builder.references(m.references.clone());
    }
    let text = SinglePart::plain(m.body.clone());
    let pdf = match &m.attachment {
        Some(outbox::Attachment::Invoice(inv)) => {
            Some((inv.code.clone(), shopdesk_documents::invoice_pdf(inv)))
        }
        Some(outbox::Attachment::SupplierOrder(so)) => {
            Some((so.code.clone(), shopdesk_documents::supplier_order_pdf(so)))
        }
        None => None,
    };
    let message = match pdf {
        Some((name, bytes)) => builder.multipart(MultiPart::mixed().singlepart(text).singlepart(
            Attachment::new(format!("{name}.pdf")).body(
                bytes,
                ContentType::parse("application/pdf").map_err(|e| e.to_string())?,
            ),
        )),
        None => builder.singlepart(text),
    };
    message.map_err(|e| e.to_string())
}

/// Sends every message that is due. Without an SMTP host nothing is attempted: messages wait.
/// The password is `password` when given (scripts), else read from the OS keychain — only when
/// something is due and the account has a user name, so an idle outbox costs one query.
pub fn send_due(shop: &Shop, password: Option<&str>) -> shopdesk_core::Result<SendReport> {
    let settings = shop.mail_settings()?;
    let mut report = SendReport::default();
    if settings.smtp_host.trim().is_empty() {
        return Ok(report);
    }
    let due = shop.mail_due(50)?;
    if due.is_empty() {
        return Ok(report);
    }
    let fail_all = |report: &mut SendReport, why: &str| -> shopdesk_core::Result<()> {
        for m in &due {
            shop.mail_failed(&m.id, why)?;
            report.failed += 1;
            report.errors.push(format!("{}: {why}", m.to));
        }
        Ok(())
    };
    let from: Mailbox = match settings.mail_from.trim().parse() {
        Ok(f) => f,
        Err(e) => {
            fail_all(
                &mut report,
                &format!("the sender address is not set or invalid ({e})"),
            )?;
            return Ok(report);
        }
    };
    let stored = match password {
        None if !settings.smtp_username.trim().is_empty() => self::password(&settings),
        _ => None,
    };
    if !settings.smtp_username.trim().is_empty()
        && left_without_password(shop, Job::Mail, password.or(stored.as_deref()))
    {
        return Ok(report);
    }
    let smtp = match transport(&settings, password.or(stored.as_deref())) {
        Ok(t) => t,
        Err(e) => {
            fail_all(&mut report, &e)?;
            return Ok(report);
        }
    };
    for m in &due {
        match build(&from, m).and_then(|msg| smtp.send(&msg).map_err(|e| e.to_string())) {
            Ok(_) => {
                shop.mail_sent(&m.id)?;
                report.sent += 1;
            }
            Err(e) => {
                shop.mail_failed(&m.id, &e)?;
                report.failed += 1;
                report.errors.push(format!("{}: {e}", m.to));
            }
        }
    }
    Ok(report)
}
