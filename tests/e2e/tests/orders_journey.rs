//! The owner takes an order by phone in the real window: it is held for an address problem,
//! fixed and released; the invoice is issued (its PDF read back), the confirmation e-mail
//! arrives at a real SMTP server on loopback (aiosmtpd), and after shipping one line comes back
//! as a return with a credit note.

mod common;

use common::*;
use fantoccini::Locator;
use shopdesk_testkit::smtp::SmtpServer;
use std::process::Command;

fn pdf_text(saved: &str) -> String {
    let path = saved
        .split(" saved to ")
        .nth(1)
        .expect("a saved path")
        .trim();
    let out = Command::new("pdftotext")
        .args(["-layout", path, "-"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_is_held_fixed_released_invoiced_emailed_and_partly_returned() {
    let home = tempfile::tempdir().unwrap();
    let maildir = home.path().join("maildir");
    let smtp = SmtpServer::start(4582, &maildir);
    let driver = Driver::start(home.path(), 4580);
    let c = driver.launch().await;
    load_demo(&c).await;
    on_screen(&c, "home").await;
    click(&c, "#nav-orders").await;

    // No mail server yet: "Send now" says so and leads to the settings where one is entered.
    click(&c, "#open-outbox").await;
    click(&c, "#mail-send-now").await;
    wait_text(&c, "#mail-problem", "e-mail is not set up yet").await;
    click(&c, "#open-mail-settings").await;

    // The shop's SMTP account: the local server.
    fill(&c, "#set-smtp-host", "127.0.0.1").await;
    fill(&c, "#set-smtp-port", "4582").await;
    choose(&c, "#set-smtp-security", "none").await;
    fill(&c, "#set-mail-from", "Demo Shop <shop@demo.example>").await;
    click(&c, "#settings-save").await;
    toast_said(&c, "Settings saved").await;

    // A phone order with a postal code that is not an Irish one.
    phone_order(&c, "12345", "EMUG-CHARCOAL", "2").await;
    wait_text(&c, "#order-status", "on hold").await;
    let name = open_order_name(&c).await;
    let checks = wait_text(&c, "#order-checks", "postal code '12345'").await;
    // Said for people: what the check means and the country's name, not its ISO code.
    assert!(
        checks.contains("Fix before release:") && checks.contains("from Ireland"),
        "{checks}"
    );
    shot(&c, "order-held").await;

    // Releasing is refused until the address is fixed.
    fill(&c, "#order-reason", "customer confirmed by phone").await;
    click(&c, "#release-order").await;
    wait_text(&c, "#order-problem", "fix this before releasing").await;
    click(&c, "#edit-order").await;
    fill(&c, "#of-postal", "D02 X285").await;
    click(&c, "#of-save").await;
    wait_text(&c, "#order-status", "on hold").await;
    fill(&c, "#order-reason", "address corrected by phone").await;
    click(&c, "#release-order").await;
    wait_text(&c, "#order-status", "open").await;
    wait_text(&c, "#order-timeline", "address corrected by phone").await;
    let total = text_of(&c, "#order-total").await;

    // The invoice, read back from its PDF.
    click(&c, "#issue-invoice").await;
    let saved = wait_text(&c, "#invoice-saved", " saved to ").await;
    let code = saved.split(' ').next().unwrap().to_string();
    // The next number of the year's series (the demo's history issued the ones before).
    assert!(
        code.starts_with("INV-") && code.rsplit('-').next().is_some_and(|n| n.len() == 5),
        "{saved}"
    );
    let text = pdf_text(&saved);
    let digits: String = total
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    for want in [
        "INVOICE",
        code.as_str(),
        "Zoë Müller",
        "Charcoal",
        "D02 X285",
        digits.as_str(),
    ] {
        assert!(
            text.contains(want),
            "'{want}' missing from the invoice:\n{text}"
        );
    }

    // The confirmation queued on release goes out through the outbox, with the mail of the
    // demo's day that was waiting for a mail server.
    click(&c, "#open-outbox").await;
    click(&c, "#mail-send-now").await;
    wait_text(&c, "#mail-report", " sent").await;
    let subject = format!("Subject: Your order {name}");
    let mails = smtp.delivered();
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: zoe@example.ie") && m.contains(&subject)),
        "the confirmation did not arrive: {mails:?}"
    );

    // Paid, shipped, and one of the two mugs comes back.
    click(
        &c,
        &format!("tr.inbox-row[data-name=\"{name}\"] td.order-name"),
    )
    .await;
    click(&c, "#pay-order").await;
    wait_text(&c, "#order-payment", "paid").await;
    fill(&c, "#ship-carrier", "An Post").await;
    fill(&c, "#ship-tracking", "CE123456789IE").await;
    click(&c, "#ship-order").await;
    wait_text(&c, "#order-fulfilment", "fulfilled").await;
    // Shipped reads shipped, not "open".
    wait_exact(&c, "#order-status", "shipped").await;
    fill(
        &c,
        "tr.return-line[data-sku=\"EMUG-CHARCOAL\"] .return-qty",
        "1",
    )
    .await;
    fill(&c, "#return-reason", "chipped in transit").await;
    click(&c, "#return-authorise").await;
    click(&c, ".return-receive").await;
    click(&c, ".return-refund").await;
    // A credit note cannot be withdrawn: the refund asks first.
    wait_text(&c, "#confirm-dialog", "Refund return").await;
    click(&c, "#confirm-yes").await;
    let credit = wait_text(&c, ".invoice-ref[data-kind=\"credit_note\"]", "CN-").await;
    wait_text(&c, "#order-payment", "partially refunded").await;
    shot(&c, "order-returned").await;
    click(&c, ".invoice-ref[data-kind=\"credit_note\"] button").await;
    let saved = wait_text(&c, "#invoice-saved", "CN-").await;
    let text = pdf_text(&saved);
    assert!(
        text.contains("CREDIT NOTE") && text.contains(&code),
        "{credit}\n{text}"
    );
    assert!(text.contains("Reason: chipped in transit"), "{text}");

    // Opening a claim asks first; going back opens nothing.
    fill(&c, "#claim-evidence", "photo of the broken handle").await;
    click(&c, "#claim-open").await;
    wait_text(&c, "#confirm-dialog", "Open a claim?").await;
    click(&c, "#confirm-no").await;
    assert!(c.find_all(Locator::Css(".claim")).await.unwrap().is_empty());
    click(&c, "#claim-open").await;
    click(&c, "#confirm-yes").await;
    wait_text(&c, ".claim[data-status=\"open\"]", "Damaged").await;
    c.close().await.unwrap();
}
