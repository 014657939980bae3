//! The service desk figures: 10,000 customer messages — one in ten an answer in an earlier
//! thread — fetched from a real IMAP server on loopback (Dovecot), parsed, stored and threaded
//! into tickets; the fetch when nothing is new; and the desk's first page.

use shopdesk_core::customer::ticket::TicketQuery;
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::{Error, FixedClock, Shop};
use shopdesk_testkit::imap::{message, ImapServer, PASSWORD};
use shopdesk_testkit::stats::{median, ms_since, p99, Row};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const MESSAGES: u32 = 10_000;

pub fn run(scratch: &Path, rows: &mut Vec<Row>) -> Result<(), Error> {
    if !Path::new("/usr/sbin/dovecot").exists() {
        rows.push(Row::new(
            "mailbox fetch",
            "skipped: Dovecot is not installed (apt: dovecot-imapd)",
        ));
        return Ok(());
    }
    let imap_dir = scratch.join("imap");
    std::fs::create_dir_all(&imap_dir).map_err(|e| Error::invalid(e.to_string()))?;
    let imap = ImapServer::start(shopdesk_testkit::free_port(), &imap_dir);
    for n in 0..MESSAGES {
        let customer = format!("customer{}@example.com", n % 2_000);
        // Every tenth message answers the one before it, as a mail program keeps a thread.
        let thread = if n % 10 == 9 {
            format!(
                "In-Reply-To: <m{}@mail.example>\r\nReferences: <m{}@mail.example>\r\n",
                n - 1,
                n - 1
            )
        } else {
            String::new()
        };
        imap.deliver(&message(
            &format!("m{n}@mail.example"),
            &customer,
            &format!("Question about order #{}", 1 + n % 500),
            "Hello, where is my parcel? It has not arrived yet.\r\nThanks",
            &thread,
        ));
    }
    let shop = Shop::open(
        &scratch.join("desk.sqlite3"),
        Arc::new(FixedClock::at(1_796_200_000_000)),
    )?;
    let (owner, _, _) = shop.load_demo(&DemoRequest {
        country: "IE".into(),
    })?;
    shopdesk_testkit::shop::connect_mailbox(&shop, &owner, imap.port);
    let t = Instant::now();
    let report = shopdesk_mail::inbox::fetch_mail(&shop, Some(PASSWORD))?;
    let fetched_ms = ms_since(t);
    if let Some(e) = report.error {
        return Err(Error::Conflict(format!(
            "the benchmark's fetch failed: {e}"
        )));
    }
    let t = Instant::now();
    let again = shopdesk_mail::inbox::fetch_mail(&shop, Some(PASSWORD))?;
    let again_ms = ms_since(t);
    let (mut pages, mut searches) = (Vec::new(), Vec::new());
    for i in 0..100 {
        let q = TicketQuery {
            text: if i % 2 == 0 {
                String::new()
            } else {
                format!("customer{}@", i * 37)
            },
            limit: 100,
            ..TicketQuery::default()
        };
        let t = Instant::now();
        std::hint::black_box(shop.tickets(&owner, &q)?);
        if i % 2 == 0 {
            pages.push(ms_since(t))
        } else {
            searches.push(ms_since(t))
        }
    }
    rows.push(Row::new(
        format!(
            "{}k messages fetched from a local IMAP server (Dovecot), parsed, stored and threaded ({} tickets, {} answers threaded)",
            MESSAGES / 1000,
            report.new_tickets,
            report.threaded
        ),
        format!("{:.1} s ({:.0} messages/s)", fetched_ms / 1000.0, f64::from(MESSAGES) / (fetched_ms / 1000.0)),
    ));
    rows.push(Row::new(
        format!("mailbox fetch with nothing new ({} fetched)", again.fetched),
        format!("{again_ms:.0} ms"),
    ));
    rows.push(Row::new(
        "desk's first page of open tickets over those, with the count, p50 / p99",
        format!("{:.1} / {:.1} ms", median(&pages), p99(&pages)),
    ));
    rows.push(Row::new(
        "desk searched by sender over those, first page with the count, p50 / p99",
        format!("{:.1} / {:.1} ms", median(&searches), p99(&searches)),
    ));
    Ok(())
}
