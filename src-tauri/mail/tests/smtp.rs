//! The outbox against a real SMTP server on loopback (aiosmtpd, delivering into a maildir): while
//! the server is down messages wait with the error; once it is up they arrive, and the delivered
//! message is read back — recipients, subject, body, and the attached invoice PDF's text.

use shopdesk_core::order::settings::SmtpSecurity;
use shopdesk_core::FixedClock;
use shopdesk_testkit::smtp::SmtpServer;
use shopdesk_testkit::{free_port, shop};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// Reads the one delivered message with Python's e-mail parser: headers, text, attachment.
fn read_delivered(maildir: &Path, out: &Path, subject_has: &str) -> Vec<String> {
    let script = r#"
import email, mailbox, sys
box = mailbox.Maildir(sys.argv[1], create=False)
for key, msg in box.items():
    if sys.argv[3] not in msg['Subject']:
        continue
    print('TO:' + msg['To'])
    print('FROM:' + msg['From'])
    print('SUBJECT:' + str(email.header.make_header(email.header.decode_header(msg['Subject']))))
    for part in msg.walk():
        if part.get_content_type() == 'text/plain':
            print('BODY:' + part.get_payload(decode=True).decode('utf-8'))
        if part.get_content_type() == 'application/pdf':
            print('ATTACHMENT:' + part.get_filename())
            open(sys.argv[2], 'wb').write(part.get_payload(decode=True))
"#;
    let o = Command::new(shopdesk_testkit::smtp::python())
        .args(["-c", script])
        .arg(maildir)
        .arg(out)
        .arg(subject_has)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_outbox_waits_while_the_server_is_down_then_delivers_with_the_invoice_attached() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_795_392_300_000));
    let (shop, owner) = shop::open(dir.path(), "Harbour Gifts", "IE", "EUR", clock.clone());
    shop::stocked(&shop, &owner, "Café Mug", "MUG", "12.30", "", 5);
    let port = free_port();
    let mut s = shop.order_settings(&owner).unwrap();
    s.mail.smtp_host = "127.0.0.1".into();
    s.mail.smtp_port = port;
    s.mail.smtp_security = SmtpSecurity::None;
    s.mail.mail_from = "Harbour Gifts <shop@harbour.example>".into();
    shop.save_order_settings(&owner, &s).unwrap();

    let order = shop
        .create_order(&owner, &shop::dublin_order(&[("MUG", 2)]))
        .unwrap();
    shop.email_order(&owner, &order.id, "invoice").unwrap();

    // The server is not running: both messages wait, with the reason.
    let r = shopdesk_mail::send_due(&shop, None).unwrap();
    assert_eq!((r.sent, r.failed), (0, 2), "{:?}", r.errors);
    let waiting = shop.outbox(&owner).unwrap();
    assert_eq!(waiting.len(), 2);
    assert!(waiting
        .iter()
        .all(|m| m.status == "queued" && m.last_error.is_some()));
    assert_eq!(
        shopdesk_mail::send_due(&shop, None).unwrap(),
        Default::default(),
        "not due yet"
    );

    let maildir = dir.path().join("maildir");
    let _server = SmtpServer::start(port, &maildir);
    clock.advance_ms(61_000);
    let r = shopdesk_mail::send_due(&shop, None).unwrap();
    assert_eq!((r.sent, r.failed), (2, 0), "{:?}", r.errors);
    assert!(shop.outbox(&owner).unwrap().is_empty());

    let pdf = dir.path().join("attached.pdf");
    let lines = read_delivered(&maildir, &pdf, "Invoice");
    let get = |k: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(k))
            .unwrap_or_default()
            .to_string()
    };
    let invoice = shop.order(&owner, &order.id).unwrap().invoices[0]
        .code
        .clone();
    assert_eq!(get("TO:"), "zoe@example.ie");
    assert!(get("FROM:").contains("shop@harbour.example"));
    assert_eq!(get("SUBJECT:"), format!("Invoice {invoice} for order #1"));
    assert!(
        lines.iter().any(|l| l.contains("Hello Zoë Müller")),
        "{lines:?}"
    );
    assert_eq!(get("ATTACHMENT:"), format!("{invoice}.pdf"));
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&invoice) && text.contains("Zoë Müller"),
        "{text}"
    );

    let confirmation = read_delivered(&maildir, &dir.path().join("none.pdf"), "Your order");
    assert!(
        confirmation
            .iter()
            .any(|l| l == "SUBJECT:Your order #1 at Harbour Gifts"),
        "{confirmation:?}"
    );
    let timeline = shop.order(&owner, &order.id).unwrap().timeline;
    assert_eq!(timeline.iter().filter(|e| e.kind == "emailed").count(), 2);
}
