//! The service desk in the real window, with a real IMAP server (Dovecot) and a real SMTP server
//! (aiosmtpd) on loopback: an order is packed at the bench; the customer's e-mail about it
//! arrives in the shop's mailbox and becomes a ticket linked to the order; the owner answers
//! with a saved reply that goes out in her thread, opens a damaged-goods claim with a photo from
//! disk, reads the packing record on it, settles it by reship — the packing station lists the
//! replacement — and the customer's answer lands in the same ticket. A phone call is logged too.

mod common;

use common::*;
use fantoccini::Locator;
use shopdesk_testkit::imap::{message, ImapServer, PASSWORD, USER};
use shopdesk_testkit::smtp::SmtpServer;

const IMAP_PORT: u16 = 4684;
const SMTP_PORT: u16 = 4686;

#[tokio::test(flavor = "multi_thread")]
async fn an_email_becomes_a_ticket_answered_claimed_and_reshipped() {
    let home = tempfile::tempdir().unwrap();
    let imap_dir = tempfile::tempdir().unwrap();
    let imap = ImapServer::start(IMAP_PORT, imap_dir.path());
    let smtp = SmtpServer::start(SMTP_PORT, &home.path().join("maildir"));
    let driver = Driver::start(home.path(), 4680);
    let c = driver.launch().await;
    load_demo(&c).await;

    // The shop's SMTP account, as the orders journey sets it.
    click(&c, "#nav-orders").await;
    click(&c, "#open-outbox").await;
    click(&c, "#mail-send-now").await;
    click(&c, "#open-mail-settings").await;
    fill(&c, "#set-smtp-host", "127.0.0.1").await;
    fill(&c, "#set-smtp-port", &SMTP_PORT.to_string()).await;
    choose(&c, "#set-smtp-security", "none").await;
    fill(&c, "#set-mail-from", "Demo Shop <shop@demo.example>").await;
    click(&c, "#settings-save").await;
    toast_said(&c, "Settings saved").await;

    // Zoë's order, scanned and packed at the bench.
    phone_order(&c, "D02 X285", "EMUG-CHARCOAL", "1").await;
    wait_text(&c, "#order-status", "open").await;
    let name = open_order_name(&c).await;
    click(&c, "#nav-pack").await;
    scan_into(&c, "#pack-code", &format!("O{}", &name[1..])).await;
    wait_exact(&c, "#pack-order", &name).await;
    let barcode = pack_line_barcode(&c, "EMUG-CHARCOAL").await;
    scan_into(&c, "#pack-scan", &barcode).await;
    wait_exact(&c, "#pack-progress", "1 / 1").await;
    fill(&c, "#pack-weight-1", "0.8\u{E039}").await;
    wait_text(&c, "#pack-result", &format!("Shipped {name}")).await;

    // Her e-mail arrives in the mailbox.
    imap.deliver(&message(
        "broken-1@mail.example",
        "Zoë Müller <zoe@example.ie>",
        &format!("Order {name} arrived broken"),
        "The mug was in pieces when I opened the box.",
        "",
    ));

    // The desk: the mailbox set up in the window (password into the keychain), then fetched.
    click(&c, "#nav-customers").await;
    on_screen(&c, "customers").await;
    click(&c, "#tab-tickets").await;
    click(&c, "#mailbox-settings").await;
    fill(&c, "#imap-host", "127.0.0.1").await;
    fill(&c, "#imap-port", &IMAP_PORT.to_string()).await;
    choose(&c, "#imap-security", "none").await;
    fill(&c, "#imap-user", USER).await;
    fill(&c, "#imap-password", PASSWORD).await;
    click(&c, "#mailbox-save").await;
    toast_said(&c, "Mailbox saved").await;
    // The app also fetches on its own schedule: whichever comes first brings the message in.
    click(&c, "#mail-fetch").await;
    toast_said(&c, "fetched").await;
    fill(&c, "#tickets-search", "arrived broken").await;
    let row = "tr.ticket-row";
    wait_text(&c, row, "arrived broken").await;
    click(&c, &format!("{row} td.ticket-name")).await;
    wait_text(&c, "#ticket-title", "arrived broken").await;
    wait_text(&c, "#ticket-order", &name).await;
    wait_text(&c, "#ticket-customer", "zoe@example.ie").await;
    wait_text(&c, "#ticket-entries", "in pieces").await;
    assert_eq!(value_of(&c, "#ticket-category").await, "damaged");
    shot(&c, "desk-ticket").await;

    // A saved reply, filled from her order, sent in her thread.
    let picked = pick_option(&c, "#ticket-saved-reply", |t| t.contains("damaged")).await;
    assert!(!picked.is_empty());
    let mut reply = String::new();
    for _ in 0..50 {
        reply = value_of(&c, "#ticket-reply-text").await;
        if reply.contains(&name) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        reply.contains(&name) && !reply.contains("{order_number}"),
        "{reply}"
    );
    click(&c, "#ticket-reply-send").await;
    toast_said(&c, "Reply queued").await;
    wait_text(&c, "#ticket-entries .entry-out", "Reply to zoe@example.ie").await;
    assert_eq!(value_of(&c, "#ticket-status").await, "waiting_customer");

    // A damaged-goods claim with a photo from disk; the packing record comes with it.
    click(&c, "#ticket-claim").await;
    fill(&c, "#claim-evidence", "mug in pieces").await;
    click(&c, "#claim-open-save").await;
    wait_text(&c, "#claim-dialog", "Packing record").await;
    wait_text(&c, "#claim-packing", "every unit scanned").await;
    wait_text(&c, "#claim-packed-lines", "EMUG-CHARCOAL").await;
    wait_text(&c, "#claim-deadline", "days left").await;
    let photo = home.path().join("broken-mug.jpg");
    std::fs::write(
        &photo,
        [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'],
    )
    .unwrap();
    c.find(Locator::Css("#claim-file"))
        .await
        .unwrap()
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    wait_text(&c, "#claim-attachments", "broken-mug.jpg").await;
    wait_text(
        &c,
        "#claim-checklist li[data-role='item'][data-done='true']",
        "damaged item",
    )
    .await;
    shot(&c, "desk-claim").await;
    choose(&c, "#claim-settle", "reship").await;
    click(&c, "#claim-settle-save").await;
    toast_said(&c, "replacement order").await;
    let replacement = wait_text(&c, "#claim-reship-open", "#").await;
    let replacement = replacement.trim_start_matches("order ").trim().to_string();
    c.find(Locator::Css("#claim-dialog button:not(.primary)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The reply leaves through the outbox with the thread's headers.
    click(&c, "#nav-orders").await;
    click(&c, "#open-outbox").await;
    click(&c, "#mail-send-now").await;
    wait_text(&c, "#mail-report", " sent").await;
    let sent = smtp
        .delivered()
        .into_iter()
        .find(|m| m.contains("In-Reply-To: <broken-1@mail.example>"))
        .expect("the reply carries In-Reply-To");
    let ours = sent
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap()
        .trim()
        .to_string();

    // The packing station lists the replacement.
    click(&c, "#nav-pack").await;
    wait_text(
        &c,
        &format!("tr.to-pack[data-name=\"{replacement}\"]"),
        "Zoë",
    )
    .await;

    // Her answer threads into the same ticket; a phone call is logged beside it.
    imap.deliver(&message(
        "broken-2@mail.example",
        "zoe@example.ie",
        &format!("Re: Order {name} arrived broken"),
        "Thank you, that is kind.",
        &format!("In-Reply-To: {ours}\r\nReferences: <broken-1@mail.example> {ours}\r\n"),
    ));
    click(&c, "#nav-customers").await;
    click(&c, "#tab-tickets").await;
    click(&c, "#mail-fetch").await;
    toast_said(&c, "fetched").await;
    fill(&c, "#tickets-search", "arrived broken").await;
    click(&c, &format!("{row} td.ticket-name")).await;
    wait_text(&c, "#ticket-entries", "that is kind").await;
    assert_eq!(value_of(&c, "#ticket-status").await, "waiting_us");

    // A call from her mobile: logged, then linked by hand to her and her order.
    click(&c, "#ticket-log").await;
    fill(&c, "#log-body", "Rang to say the replacement arrived.").await;
    click(&c, "#log-save").await;
    wait_text(&c, "#ticket-title", "replacement arrived").await;
    wait_text(&c, "#ticket-customer", "No customer linked").await;
    fill(&c, "#ticket-customer-find", "zoe@example.ie").await;
    click(&c, "#ticket-customer-search").await;
    click(&c, "#ticket-customer-found button").await;
    wait_text(&c, "#ticket-customer", "Zoë").await;
    fill(&c, "#ticket-order-link", &name).await;
    click(&c, "#ticket-order-save").await;
    wait_text(&c, "#ticket-order", &name).await;
    wait_text(&c, "#ticket-entries", "Order linked").await;
    wait_text(&c, "#ticket-customer", "Phone").await;
    assert_eq!(imap.count(), 2, "nothing deleted on the server");
    c.close().await.unwrap();
    wait_app_gone().await;
}
