//! Fetching the shop's mailbox over IMAP into the service desk. The folder is opened read-only
//! (EXAMINE, BODY.PEEK), so nothing is marked, moved or deleted on the server; new messages are
//! found by UID past the last one stored, parsed with mail-parser, and handed to core a batch at
//! a time together with the new position — a fetch stopped midway leaves whole batches, and
//! core stores each message once by Message-ID, so fetching again never doubles anything.

use crate::keychain_entry;
use mail_parser::{MessageParser, MimeHeaders};
use rustls::pki_types::ServerName;
use sha2::{Digest, Sha256};
use shopdesk_core::customer::mailbox::{
    IncomingAttachment, IncomingMail, MailboxPosition, MailboxSettings, Received,
};
use shopdesk_core::order::outbox::ATTACHMENT_MAX_BYTES;
use shopdesk_core::order::settings::SmtpSecurity;
use shopdesk_core::server::Job;
use shopdesk_core::{Session, Shop, Timestamp};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

const KEYCHAIN_SERVICE: &str = "Shopdesk IMAP";
/// Messages fetched and stored per batch (one transaction each).
const BATCH: usize = 100;
/// A message larger than this is not downloaded: its headers are, with a remark. Room for an
/// attachment of the largest size kept, base64-encoded (a third larger), and then some.
const MESSAGE_MAX_BYTES: u32 = 2 * ATTACHMENT_MAX_BYTES as u32;

/// What one fetch did ("Fetch now" shows it as it is).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct FetchReport {
    #[ts(type = "number")]
    pub fetched: u64,
    #[ts(type = "number")]
    pub new_tickets: u64,
    #[ts(type = "number")]
    pub threaded: u64,
    /// Already stored: fetched before.
    #[ts(type = "number")]
    pub duplicates: u64,
    /// Why the fetch stopped, if it did.
    pub error: Option<String>,
}

fn account(s: &MailboxSettings) -> String {
    format!("{}@{}", s.imap_username.trim(), s.imap_host.trim())
}

/// Stores the mailbox password in the OS keychain, for someone core allows to change settings.
pub fn change_password(
    shop: &Shop,
    session: &Session,
    password: &str,
) -> shopdesk_core::Result<()> {
    let s = shop.mailbox_settings_to_change(session)?;
    keychain_entry(KEYCHAIN_SERVICE, &account(&s))
        .and_then(|e| e.set_password(password))
        .map_err(|e| {
            shopdesk_core::Error::Conflict(format!("the system keychain refused the password: {e}"))
        })
}

fn password(s: &MailboxSettings) -> Option<String> {
    keychain_entry(KEYCHAIN_SERVICE, &account(s))
        .and_then(|e| e.get_password())
        .ok()
}

/// The socket as plain TCP or wrapped in TLS.
enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

fn tls(host: &str, tcp: TcpStream) -> Result<Stream, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| format!("'{host}' is not a server name"))?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    Ok(Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp))))
}

/// Reads one CRLF-terminated line byte by byte, so nothing meant for TLS is swallowed.
fn line(tcp: &mut TcpStream) -> Result<String, String> {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while !out.ends_with(b"\r\n") {
        if tcp.read(&mut byte).map_err(|e| e.to_string())? == 0 {
            return Err("the server closed the connection".into());
        }
        out.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&out).trim_end().to_string())
}

fn connect(s: &MailboxSettings) -> Result<imap::Client<Stream>, String> {
    let host = s.imap_host.trim();
    let mut tcp = TcpStream::connect((host, s.imap_port))
        .map_err(|e| format!("{host}:{}: {e}", s.imap_port))?;
    tcp.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let err = |e: imap::Error| e.to_string();
    Ok(match s.imap_security {
        SmtpSecurity::None => {
            let mut c = imap::Client::new(Stream::Plain(tcp));
            c.read_greeting().map_err(err)?;
            c
        }
        SmtpSecurity::Tls => {
            let mut c = imap::Client::new(tls(host, tcp)?);
            c.read_greeting().map_err(err)?;
            c
        }
        SmtpSecurity::Starttls => {
            line(&mut tcp)?;
            tcp.write_all(b"s1 STARTTLS\r\n")
                .map_err(|e| e.to_string())?;
            loop {
                let l = line(&mut tcp)?;
                if let Some(status) = l.strip_prefix("s1 ") {
                    if !status.starts_with("OK") {
                        return Err(format!("the server refused STARTTLS: {status}"));
                    }
                    break;
                }
            }
            let mut c = imap::Client::new(tls(host, tcp)?);
            c.greeting_read = true;
            c
        }
    })
}

fn angle(id: &str) -> String {
    format!(
        "<{}>",
        id.trim().trim_start_matches('<').trim_end_matches('>')
    )
}

/// Headers must be ASCII (or UTF-8), yet old mail programs send raw 8-bit text; such headers
/// are read as Windows-1252, which is what those programs meant nearly always.
fn readable_headers(raw: &[u8]) -> Option<Vec<u8>> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let head = &raw[..end];
    if std::str::from_utf8(head).is_ok() {
        return None;
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(head);
    let mut fixed = text.into_owned().into_bytes();
    fixed.extend_from_slice(&raw[end..]);
    Some(fixed)
}

/// Turns a raw message into what core stores; never fails: what cannot be read is kept as text
/// with a remark saying so.
pub fn parse(raw: &[u8]) -> IncomingMail {
    let digest = || format!("{:x}", Sha256::digest(raw));
    let fixed = readable_headers(raw);
    let Some(m) = MessageParser::default().parse(fixed.as_deref().unwrap_or(raw)) else {
        return IncomingMail {
            raw_digest: Some(digest()),
            subject: "(unreadable message)".into(),
            body: String::from_utf8_lossy(raw).chars().take(100_000).collect(),
            remarks: vec!["the message could not be read as e-mail: kept as raw text".into()],
            ..Default::default()
        };
    };
    let from = m.from().and_then(|a| a.first());
    let list = |v: &mail_parser::HeaderValue| -> Vec<String> {
        v.as_text_list()
            .map(|l| l.iter().map(|s| angle(s)).collect())
            .unwrap_or_default()
    };
    let header_id = m.message_id().filter(|id| !id.trim().is_empty()).map(angle);
    let mut remarks = Vec::new();
    if fixed.is_some() {
        remarks.push("the headers were not UTF-8: read as Windows-1252".to_string());
    }
    let body = match m.body_text(0) {
        Some(text) => text.into_owned(),
        None if m.text_body.is_empty() && m.html_body.is_empty() => String::new(),
        None => {
            remarks.push("the message body could not be decoded".into());
            String::new()
        }
    };
    let attachments = m
        .attachments()
        .map(|a| IncomingAttachment {
            name: a
                .attachment_name()
                .map(str::to_string)
                .unwrap_or_else(|| "attachment".into()),
            mime: a
                .content_type()
                .map(|c| match c.subtype() {
                    Some(sub) => format!("{}/{sub}", c.ctype()),
                    None => c.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            bytes: a.contents().to_vec(),
        })
        .collect();
    IncomingMail {
        raw_digest: header_id.is_none().then(digest),
        header_id,
        in_reply_to: list(m.in_reply_to()),
        references: list(m.references()),
        from_address: from
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string(),
        from_name: from.and_then(|a| a.name()).unwrap_or_default().to_string(),
        subject: m.subject().unwrap_or_default().to_string(),
        body,
        date: m.date().map(|d| Timestamp(d.to_timestamp() * 1000)),
        attachments,
        remarks,
    }
}

/// A message too large to download: its headers, and a remark saying where the rest is.
fn headers_only(raw: &[u8], size: u32) -> IncomingMail {
    let mut m = parse(raw);
    m.remarks.push(format!(
        "the message is {} MB, over {} MB: only its headers were fetched — read it in your mail program",
        size / (1024 * 1024),
        MESSAGE_MAX_BYTES / (1024 * 1024)
    ));
    m
}

/// Fetches what is new in the folder. The password is `password` when given (scripts, tests),
/// else read from the OS keychain. Without an IMAP host nothing is attempted.
pub fn fetch_mail(shop: &Shop, password: Option<&str>) -> shopdesk_core::Result<FetchReport> {
    let s = shop.mailbox_settings_for_fetch()?;
    let mut report = FetchReport::default();
    if s.imap_host.trim().is_empty() {
        return Ok(report);
    }
    // One station of a shared shop fetches, so a message is stored once.
    if !shop.runs_job(Job::Mailbox) {
        report.error = Some(
            "another station of the shop fetches the mailbox (or the shop's server cannot be \
             reached); the new messages appear here as it stores them"
                .into(),
        );
        return Ok(report);
    }
    let stored = match password {
        None => self::password(&s),
        Some(_) => None,
    };
    if crate::left_without_password(shop, Job::Mailbox, password.or(stored.as_deref())) {
        return Ok(report);
    }
    if let Err(e) = fetch_into(
        shop,
        &s,
        password.or(stored.as_deref()).unwrap_or_default(),
        &mut report,
    ) {
        shop.mailbox_failed(&s.imap_folder, &e)?;
        report.error = Some(e);
    }
    Ok(report)
}

/// "Fetch now" from the window, for someone core allows to.
pub fn fetch_now(shop: &Shop, session: &Session) -> shopdesk_core::Result<FetchReport> {
    shop.ready_to_fetch_mail_now(session)?;
    fetch_mail(shop, None)
}

fn fetch_into(
    shop: &Shop,
    s: &MailboxSettings,
    password: &str,
    report: &mut FetchReport,
) -> Result<(), String> {
    let err = |e: imap::Error| e.to_string();
    let client = connect(s)?;
    let mut session = client
        .login(s.imap_username.trim(), password)
        .map_err(|(e, _)| format!("the mailbox refused the sign-in: {e}"))?;
    // EXAMINE: read-only, so fetching marks nothing as seen.
    let folder = session.examine(&s.imap_folder).map_err(err)?;
    let validity = folder.uid_validity.unwrap_or(0);
    let start = match shop
        .mailbox_position(&s.imap_folder)
        .map_err(|e| e.to_string())?
    {
        Some(p) if p.uid_validity == validity => p.last_uid + 1,
        _ => 1,
    };
    // UIDs and sizes of everything new; "n:*" also names the last message when none is newer.
    let mut wanted: Vec<(u32, u32)> = session
        .uid_fetch(format!("{start}:*"), "(UID RFC822.SIZE)")
        .map_err(err)?
        .iter()
        .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
        .filter(|(uid, _)| *uid >= start)
        .collect();
    wanted.sort_unstable();
    for chunk in wanted.chunks(BATCH) {
        let mut mails = Vec::with_capacity(chunk.len());
        let (small, large): (Vec<_>, Vec<_>) = chunk
            .iter()
            .partition(|(_, size)| *size <= MESSAGE_MAX_BYTES);
        if !small.is_empty() {
            let set = small
                .iter()
                .map(|(u, _)| u.to_string())
                .collect::<Vec<_>>()
                .join(",");
            for f in session
                .uid_fetch(&set, "(UID BODY.PEEK[])")
                .map_err(err)?
                .iter()
            {
                mails.push(parse(f.body().unwrap_or_default()));
            }
        }
        for (uid, size) in large {
            for f in session
                .uid_fetch(uid.to_string(), "(UID BODY.PEEK[HEADER])")
                .map_err(err)?
                .iter()
            {
                mails.push(headers_only(f.header().unwrap_or_default(), size));
            }
        }
        let last_uid = chunk.last().map(|(u, _)| *u).unwrap_or(start);
        let stored = shop
            .receive_mail(
                &s.imap_folder,
                MailboxPosition {
                    uid_validity: validity,
                    last_uid,
                },
                &mails,
            )
            .map_err(|e| e.to_string())?;
        for r in stored {
            report.fetched += 1;
            match r {
                Received::NewTicket(_) => report.new_tickets += 1,
                Received::Threaded(_) => report.threaded += 1,
                Received::Duplicate => report.duplicates += 1,
            }
        }
    }
    // Nothing new still records a successful fetch (and clears an old error).
    if wanted.is_empty() {
        let last_uid = start.saturating_sub(1);
        shop.receive_mail(
            &s.imap_folder,
            MailboxPosition {
                uid_validity: validity,
                last_uid,
            },
            &[],
        )
        .map_err(|e| e.to_string())?;
    }
    let _ = session.logout();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_mail_is_kept_with_a_reason_and_a_stable_id() {
        let raw = b"From: =?x-unknown?Q?Z=F6e?= <zoe@example.com>\r\nSubject: \xff\xfe caf\xe9\r\n\r\nHello\r\n";
        let m = parse(raw);
        assert_eq!(m.header_id, None);
        assert_eq!(
            m.raw_digest,
            parse(raw).raw_digest,
            "the same bytes, the same stand-in id"
        );
        assert_eq!(m.from_address, "zoe@example.com");
        assert!(m.body.contains("Hello"));

        let threaded = parse(
            b"Message-ID: <b2@x>\r\nIn-Reply-To: <a1@shop>\r\nReferences: <a0@x> <a1@shop>\r\n\
              From: Lena <lena@example.ie>\r\nSubject: Re: hi\r\nDate: Tue, 1 Dec 2026 10:00:00 +0100\r\n\r\nok\r\n",
        );
        assert_eq!(threaded.header_id.as_deref(), Some("<b2@x>"));
        assert_eq!(threaded.in_reply_to, ["<a1@shop>"]);
        assert_eq!(threaded.references, ["<a0@x>", "<a1@shop>"]);
        assert_eq!(threaded.from_name, "Lena");
        assert_eq!(threaded.date, Some(Timestamp(1_796_115_600_000)));
    }
}
