//! The shop's mailbox against a real IMAP server on loopback (Dovecot, own config and maildir in
//! a temporary directory) and the reply through a real SMTP server (aiosmtpd): a customer's
//! message becomes a ticket linked to its order, the reply goes out with In-Reply-To, the
//! customer's answer lands in the same ticket; fetching again stores nothing twice and the
//! server's mailbox is left as it was; malformed mail is stored with a reason or refused.

use shopdesk_core::customer::ticket::{TicketQuery, TicketStatus};
use shopdesk_core::order::settings::SmtpSecurity;
use shopdesk_core::{FixedClock, Session, Shop};
use shopdesk_mail::inbox::{fetch_mail, FetchReport};
use shopdesk_testkit::imap::{message, ImapServer, PASSWORD};
use shopdesk_testkit::shop::connect_mailbox;
use shopdesk_testkit::smtp::SmtpServer;
use shopdesk_testkit::{free_port, shop};
use std::sync::Arc;

fn fetch(shop: &Shop) -> FetchReport {
    let r = fetch_mail(shop, Some(PASSWORD)).unwrap();
    assert_eq!(r.error, None);
    r
}

fn ticket_ids(shop: &Shop, owner: &Session) -> Vec<String> {
    shop.tickets(owner, &TicketQuery::default())
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn a_customer_thread_from_the_mailbox_and_back_through_smtp() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_796_200_000_000));
    let (shop, owner) = shop::open(dir.path(), "Harbour Gifts", "IE", "EUR", clock.clone());
    shop::stocked(&shop, &owner, "Café Mug", "MUG", "12.30", "", 5);
    let order = shop
        .create_order(&owner, &shop::dublin_order(&[("MUG", 1)]))
        .unwrap();

    let imap_dir = tempfile::tempdir().unwrap();
    let imap = ImapServer::start(free_port(), imap_dir.path());
    connect_mailbox(&shop, &owner, imap.port);
    let smtp_port = free_port();
    let mut s = shop.order_settings(&owner).unwrap();
    s.mail.smtp_host = "127.0.0.1".into();
    s.mail.smtp_port = smtp_port;
    s.mail.smtp_security = SmtpSecurity::None;
    s.mail.mail_from = "Harbour Gifts <shop@harbour.example>".into();
    shop.save_order_settings(&owner, &s).unwrap();

    assert_eq!(fetch(&shop), FetchReport::default(), "an empty mailbox");
    imap.deliver(&message(
        "q1@mail.example",
        "Zoë Müller <zoe@example.ie>",
        "Where is order #1?",
        "It has not arrived yet.",
        "",
    ));
    let r = fetch(&shop);
    assert_eq!((r.fetched, r.new_tickets), (1, 1));
    let id = ticket_ids(&shop, &owner).remove(0);
    let t = shop.ticket(&owner, &id).unwrap();
    assert_eq!(
        t.order.as_ref().map(|o| o.id.as_str()),
        Some(order.id.as_str())
    );
    assert_eq!(t.entries[0].who, "Zoë Müller <zoe@example.ie>");
    assert_eq!(t.entries[0].body.trim(), "It has not arrived yet.");

    assert_eq!(fetch(&shop).fetched, 0, "nothing new the second time");
    assert_eq!(imap.count(), 1, "nothing deleted on the server");
    assert!(!imap.any_flagged(), "nothing marked as seen on the server");

    // The reply goes out through the outbox, threaded.
    shop.reply_to_ticket(&owner, &id, "It left today.").unwrap();
    let maildir = dir.path().join("smtp");
    let smtp = SmtpServer::start(smtp_port, &maildir);
    let sent = shopdesk_mail::send_due(&shop, None).unwrap();
    assert_eq!(sent.failed, 0, "{:?}", sent.errors);
    let delivered = smtp
        .delivered()
        .into_iter()
        .find(|m| m.contains("It left today."))
        .unwrap();
    let header = |name: &str| {
        delivered
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("In-Reply-To"), "<q1@mail.example>");
    assert_eq!(header("References"), "<q1@mail.example>");
    assert_eq!(header("Subject"), "Re: Where is order #1?");
    let ours = header("Message-ID");
    assert!(ours.ends_with("@harbour.example>"), "{ours}");

    // Her answer, from a mail program that keeps the thread, joins the ticket.
    clock.advance_ms(3_600_000);
    imap.deliver(&message(
        "q2@mail.example",
        "zoe@example.ie",
        "Re: Where is order #1?",
        "Thank you!",
        &format!("In-Reply-To: {ours}\r\nReferences: <q1@mail.example> {ours}\r\n"),
    ));
    let r = fetch(&shop);
    assert_eq!((r.fetched, r.threaded, r.new_tickets), (1, 1, 0));
    let t = shop.ticket(&owner, &id).unwrap();
    assert_eq!(t.status, TicketStatus::WaitingUs);
    assert_eq!(t.entries.iter().filter(|e| e.kind == "in").count(), 2);
}

/// A message with a photo of `bytes` bytes attached, base64 in lines of 76 as mail programs do.
fn with_attachment(id: &str, subject: &str, bytes: usize) -> Vec<u8> {
    let encoded = data_encoding::BASE64.encode(&vec![0x5a; bytes]);
    let mut body = String::with_capacity(encoded.len() * 78 / 76 + 1);
    for line in encoded.as_bytes().chunks(76) {
        body.push_str(std::str::from_utf8(line).unwrap());
        body.push_str("\r\n");
    }
    format!(
        "Message-ID: <{id}@x>\r\nFrom: {id}@example.com\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee photo\r\n\
         --b\r\nContent-Type: image/jpeg; name=\"photo.jpg\"\r\nContent-Disposition: attachment; filename=\"photo.jpg\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{body}--b--\r\n"
    )
    .into_bytes()
}

#[test]
fn malformed_mail_is_stored_with_a_reason_and_never_stops_the_fetch() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_796_200_000_000));
    let (shop, owner) = shop::open(dir.path(), "Harbour Gifts", "IE", "EUR", clock);
    let imap_dir = tempfile::tempdir().unwrap();
    let imap = ImapServer::start(free_port(), imap_dir.path());
    connect_mailbox(&shop, &owner, imap.port);

    // No Message-ID; broken MIME (a boundary that never comes); Latin-1 bytes in headers; and a
    // 26 MB attachment.
    imap.deliver(b"From: a@example.com\r\nSubject: no id\r\n\r\nhello\r\n");
    imap.deliver(
        b"Message-ID: <b@x>\r\nFrom: b@example.com\r\nSubject: broken\r\nMIME-Version: 1.0\r\n\
          Content-Type: multipart/mixed; boundary=\"nope\"\r\n\r\n--other\r\nhalf a part",
    );
    imap.deliver(
        b"Message-ID: <c@x>\r\nFrom: \xc9lodie <c@example.com>\r\nSubject: caf\xe9\r\n\r\nbody\r\n",
    );
    for (id, mb) in [("d", 20), ("e", 26)] {
        imap.deliver(&with_attachment(
            id,
            &format!("{mb} MB photo"),
            mb * 1024 * 1024,
        ));
    }
    let r = fetch(&shop);
    assert_eq!(
        (r.fetched, r.new_tickets),
        (5, 5),
        "every message is stored"
    );
    assert_eq!(fetch(&shop).fetched, 0);
    let mut subjects = Vec::new();
    for id in ticket_ids(&shop, &owner) {
        let t = shop.ticket(&owner, &id).unwrap();
        let e = &t.entries[0];
        subjects.push(t.subject.clone());
        if t.subject == "café" {
            assert_eq!(e.who, "Élodie <c@example.com>");
            assert!(e.remark.contains("Windows-1252"), "{}", e.remark);
        }
        if t.subject == "20 MB photo" {
            assert_eq!(e.attachments[0].size, 20 * 1024 * 1024, "kept whole");
            assert_eq!(e.remark, "");
        }
        if t.subject == "26 MB photo" {
            assert!(e.attachments.is_empty(), "too large to keep");
            assert!(
                e.remark.contains("photo.jpg") && e.remark.contains("not kept"),
                "{}",
                e.remark
            );
            assert!(e.body.contains("see photo"));
        }
    }
    subjects.sort();
    assert_eq!(
        subjects,
        ["20 MB photo", "26 MB photo", "broken", "café", "no id"]
    );
}
