//! The service desk in core: fetched mail becomes a ticket linked to its customer and order, is
//! stored once however often it is fetched, and threads with the shop's replies; saved replies
//! fill in the order; phone and counter inquiries; who may do what; a damaged-goods claim from a
//! ticket with its evidence checklist, carrier deadline and packing record; erasing a customer
//! takes their tickets' words and files.

mod common;

use common::orders::*;
use common::*;
use shopdesk_core::customer::mailbox::{
    IncomingAttachment, IncomingMail, MailboxPosition, Received,
};
use shopdesk_core::customer::ticket::{
    NewInquiry, TicketCategory, TicketChange, TicketChannel, TicketQuery, TicketStatus, TicketView,
};
use shopdesk_core::order::claim_file::EvidenceFile;
use shopdesk_core::order::{ClaimDraft, ClaimKind, ClaimResolution, Order};
use shopdesk_core::packing::{PackDone, ParcelDraft};
use shopdesk_core::{Clock, ErrorCode};

const DAY: i64 = 86_400_000;

fn mail(id: &str, from: &str, subject: &str, body: &str) -> IncomingMail {
    IncomingMail {
        header_id: Some(format!("<{id}@mail.example>")),
        from_address: from.into(),
        from_name: "Lena Park".into(),
        subject: subject.into(),
        body: body.into(),
        ..Default::default()
    }
}

fn receive(f: &Fixture, last_uid: u32, m: IncomingMail) -> Received {
    let position = MailboxPosition {
        uid_validity: 7,
        last_uid,
    };
    f.shop
        .receive_mail("INBOX", position, &[m])
        .unwrap()
        .remove(0)
}

/// Lena's order #1, scanned and packed at the bench, carried by An Post.
fn packed_order(f: &Fixture) -> Order {
    let lena = new_customer(f, "Lena Park", "lena@example.ie", "");
    let o = f
        .shop
        .create_order(
            &f.owner,
            &shopdesk_core::order::OrderDraft {
                customer_id: Some(lena.id),
                ..order_draft("lena@example.ie", vec![line("TEE-S-SAGE", 2)])
            },
        )
        .unwrap();
    let o = pay_all(f, &o);
    let mut p = f.shop.open_packing(&f.owner, "O1").unwrap();
    for _ in 0..2 {
        f.shop.pack_scan(&mut p, "4006381333931").unwrap();
    }
    f.shop
        .complete_packing(
            &f.owner,
            &p,
            &PackDone {
                carrier: "an_post".into(),
                tracking: vec!["CE123456789IE".into()],
                parcels: vec![ParcelDraft {
                    weight: "0.6".into(),
                    preset: "small".into(),
                }],
                ..Default::default()
            },
            None,
        )
        .unwrap();
    f.shop.order(&f.owner, &o.id).unwrap()
}

fn tickets(f: &Fixture, view: TicketView, text: &str) -> Vec<String> {
    f.shop
        .tickets(
            &f.owner,
            &TicketQuery {
                view,
                text: text.into(),
                ..Default::default()
            },
        )
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.name)
        .collect()
}

#[test]
fn mail_becomes_a_linked_ticket_once_and_replies_keep_the_thread() {
    let (f, _) = shop();
    let order = packed_order(&f);
    f.clock.advance_ms(DAY);

    let first = mail(
        "a1",
        "Lena@Example.ie",
        "Order #1 arrived broken",
        "The mug was smashed.",
    );
    let first = IncomingMail {
        attachments: vec![IncomingAttachment {
            name: "box.jpg".into(),
            mime: "image/jpeg".into(),
            bytes: vec![0xFF, 0xD8, 0xFF, 1, 2, 3],
        }],
        ..first
    };
    let Received::NewTicket(id) = receive(&f, 1, first.clone()) else {
        panic!("a first message opens a ticket")
    };
    assert_eq!(
        receive(&f, 1, first),
        Received::Duplicate,
        "fetched twice, stored once"
    );
    let t = f.shop.ticket(&f.owner, &id).unwrap();
    assert_eq!(t.name, "T1001");
    assert_eq!(t.status, TicketStatus::Open);
    assert_eq!(t.category, TicketCategory::Damaged);
    assert_eq!(
        t.customer_name.as_deref(),
        Some("Lena Park"),
        "linked by sender, any case"
    );
    let linked = t
        .order
        .as_ref()
        .expect("linked to the order named in the subject");
    assert_eq!(
        (linked.id.as_str(), linked.tracking.as_str()),
        (order.id.as_str(), "CE123456789IE")
    );
    assert_eq!(t.entries.len(), 1);
    assert_eq!(t.entries[0].attachments[0].name, "box.jpg");
    let (info, bytes) = f
        .shop
        .attachment(&f.owner, &t.entries[0].attachments[0].id)
        .unwrap();
    assert_eq!((info.mime.as_str(), bytes.len()), ("image/jpeg", 6));
    assert_eq!(
        f.shop.mailbox_position("INBOX").unwrap().unwrap().last_uid,
        1
    );

    // A saved reply filled from the order, then sent threaded under her message.
    let saved = f.shop.saved_replies(&f.owner).unwrap();
    let wismo = saved
        .iter()
        .find(|r| r.title == "Where is my order")
        .unwrap();
    let text = f.shop.fill_saved_reply(&f.owner, &id, &wismo.id).unwrap();
    assert!(
        text.contains("Hello Lena Park") && text.contains("#1") && text.contains("CE123456789IE"),
        "{text}"
    );
    assert!(
        text.contains("https://www.anpost.com/"),
        "the tracking page: {text}"
    );
    assert!(!text.contains('{'), "every field filled: {text}");
    let t = f.shop.reply_to_ticket(&f.owner, &id, &text).unwrap();
    assert_eq!(t.status, TicketStatus::WaitingCustomer);
    let out = f
        .shop
        .mail_due(50)
        .unwrap()
        .into_iter()
        .find(|m| m.subject == "Re: Order #1 arrived broken")
        .expect("the reply is in the outbox");
    assert_eq!(out.to, "lena@example.ie");
    assert_eq!(out.in_reply_to.as_deref(), Some("<a1@mail.example>"));
    assert_eq!(out.references, "<a1@mail.example>");
    let ours = out.header_id.clone().unwrap();
    assert!(ours.starts_with('<') && ours.ends_with('>'), "{ours}");

    // Her answer quotes our Message-ID: same ticket, now waiting on us.
    f.clock.advance_ms(3_600_000);
    let again = IncomingMail {
        in_reply_to: vec![ours.clone()],
        references: vec!["<a1@mail.example>".into(), ours.clone()],
        ..mail(
            "a2",
            "lena@example.ie",
            "Re: Order #1 arrived broken",
            "Photos attached.",
        )
    };
    assert_eq!(receive(&f, 2, again), Received::Threaded(id.clone()));
    let t = f.shop.ticket(&f.owner, &id).unwrap();
    assert_eq!(t.status, TicketStatus::WaitingUs);
    let kinds: Vec<&str> = t.entries.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["in", "out", "in"]);
    // A second reply threads under her latest, with the whole chain.
    f.shop
        .reply_to_ticket(&f.owner, &id, "Thanks, a new one is on its way.")
        .unwrap();
    let second = f
        .shop
        .mail_due(50)
        .unwrap()
        .into_iter()
        .find(|m| m.body.starts_with("Thanks"))
        .unwrap();
    assert_eq!(second.in_reply_to.as_deref(), Some("<a2@mail.example>"));
    assert_eq!(
        second.references,
        format!("<a1@mail.example> {ours} <a2@mail.example>")
    );

    // No Message-ID: the digest of its bytes stands in, so it is still stored once.
    let anonymous = IncomingMail {
        header_id: None,
        raw_digest: Some("9f2c".into()),
        ..mail("x", "someone@else.example", "Do you ship to Norway?", "Hi")
    };
    let Received::NewTicket(other) = receive(&f, 3, anonymous.clone()) else {
        panic!("a stranger's question opens a ticket")
    };
    assert_eq!(receive(&f, 3, anonymous), Received::Duplicate);
    let o = f.shop.ticket(&f.owner, &other).unwrap();
    assert_eq!(
        (o.customer_id, o.order, o.category),
        (None, None, TicketCategory::Question)
    );

    assert_eq!(
        tickets(&f, TicketView::Active, ""),
        ["T1002", "T1001"],
        "liveliest first"
    );
    assert_eq!(
        tickets(&f, TicketView::NeedsAnswer, ""),
        ["T1002"],
        "T1001 waits on Lena"
    );
    assert_eq!(
        tickets(&f, TicketView::Active, "#1"),
        ["T1001"],
        "found by its order"
    );
    assert_eq!(tickets(&f, TicketView::Active, "t1002"), ["T1002"]);
    assert_eq!(tickets(&f, TicketView::Active, "norway"), ["T1002"]);
}

#[test]
fn a_claim_from_a_ticket_carries_its_evidence_deadline_and_packing_record() {
    let (f, _) = shop();
    let order = packed_order(&f);
    let packed_at = f.clock.now();
    f.clock.advance_ms(2 * DAY);
    let Received::NewTicket(id) = receive(
        &f,
        1,
        mail("c1", "lena@example.ie", "Broken on arrival", "Order 1"),
    ) else {
        panic!()
    };
    let file = f
        .shop
        .claim_from_ticket(
            &f.owner,
            &id,
            &ClaimDraft {
                kind: Some(ClaimKind::Damaged),
                evidence: "mug in pieces".into(),
            },
        )
        .unwrap();
    assert_eq!(
        (file.order_id.as_str(), file.ticket_id.as_deref()),
        (order.id.as_str(), Some(id.as_str()))
    );
    assert_eq!(
        (file.carrier.as_str(), file.tracking.as_str()),
        ("An Post", "CE123456789IE")
    );
    assert_eq!(file.label_at, Some(packed_at));
    assert_eq!(
        file.deadline.unwrap().0,
        packed_at.0 + 30 * DAY,
        "30 days from the label"
    );
    assert_eq!(file.days_left, Some(28));
    // The owner knows An Post takes damage claims for 14 days only.
    let mut an_post = f
        .shop
        .carriers()
        .unwrap()
        .into_iter()
        .find(|c| c.code == "an_post")
        .unwrap();
    an_post.claim_days = 0;
    assert_eq!(
        f.shop.save_carrier(&f.owner, &an_post).unwrap_err().code(),
        ErrorCode::Invalid
    );
    an_post.claim_days = 14;
    f.shop.save_carrier(&f.owner, &an_post).unwrap();
    let shorter = f.shop.claim_file(&f.owner, &file.claim.id).unwrap();
    assert_eq!(
        (shorter.deadline.unwrap().0, shorter.days_left),
        (packed_at.0 + 14 * DAY, Some(12))
    );
    let missing: Vec<&str> = file
        .checklist
        .iter()
        .filter(|c| !c.done)
        .map(|c| c.role.as_str())
        .collect();
    assert_eq!(
        missing,
        ["item", "inner_packaging", "outer_packaging", "label"],
        "invoice and tracking are there"
    );
    let packing = file
        .packing
        .as_ref()
        .expect("the packing record comes with the claim");
    assert!(packing.verified, "every unit was scanned");
    assert_eq!(packing.packed_by, "Nora", "the owner packed it");
    assert_eq!(
        (packing.lines[0].sku.as_str(), packing.lines[0].quantity),
        ("TEE-S-SAGE", 2)
    );
    assert_eq!(packing.parcels[0].weight_grams, 600);
    let t = f.shop.ticket(&f.owner, &id).unwrap();
    assert_eq!(t.claim_ids.len(), 1);
    assert!(t.entries.iter().any(|e| e.kind == "claim"));

    let photo = |role: &str, data: &str| EvidenceFile {
        role: role.into(),
        name: format!("{role}.jpg"),
        mime: "image/jpeg".into(),
        data: data.into(),
    };
    let claim = file.claim.id.clone();
    let file = f
        .shop
        .attach_claim_evidence(&f.owner, &claim, &photo("item", "/9j/4AAQ"))
        .unwrap();
    assert!(file.checklist.iter().any(|c| c.role == "item" && c.done));
    assert_eq!(file.attachments.len(), 1);
    for (bad, code) in [
        (photo("selfie", "/9j/4AAQ"), ErrorCode::Invalid),
        (photo("label", "not base64!"), ErrorCode::Invalid),
        (photo("label", ""), ErrorCode::Invalid),
    ] {
        assert_eq!(
            f.shop
                .attach_claim_evidence(&f.owner, &claim, &bad)
                .unwrap_err()
                .code(),
            code
        );
    }
    assert_eq!(
        f.shop
            .claim_file(&f.owner, &claim)
            .unwrap()
            .attachments
            .len(),
        1,
        "nothing half-written"
    );

    let settled = f
        .shop
        .resolve_claim(&f.owner, &claim, &ClaimResolution::Reship)
        .unwrap();
    let reship = settled.claims[0]
        .reship_order_id
        .clone()
        .expect("a replacement order");
    assert_eq!(f.shop.order(&f.owner, &reship).unwrap().total.minor(), 0);
    assert_eq!(
        f.shop
            .claim_file(&f.owner, &claim)
            .unwrap()
            .reship_name
            .as_deref(),
        Some("#2")
    );
    assert_eq!(
        f.shop
            .attach_claim_evidence(&f.owner, &claim, &photo("label", "/9j/4AAQ"))
            .unwrap_err()
            .code(),
        ErrorCode::Conflict,
        "a settled claim takes no more evidence"
    );
}

#[test]
fn phone_and_counter_inquiries_are_tickets_and_roles_decide_who_does_what() {
    let (f, _) = shop();
    packed_order(&f);
    let packer = staff(&f, "Pat", "Packer", "2468");
    let clerk = staff(&f, "Cleo", "Clerk", "1357");
    let call = NewInquiry {
        channel: TicketChannel::Phone,
        subject: String::new(),
        body: "Asked when order 1 will arrive; told her tomorrow.".into(),
        category: TicketCategory::WhereIsMyOrder,
        customer_id: None,
        order: Some("1".into()),
    };
    let t = f.shop.log_inquiry(&packer, &call).unwrap();
    assert_eq!(
        t.customer_name.as_deref(),
        Some("Lena Park"),
        "the order's customer"
    );
    assert_eq!(
        t.subject,
        "Asked when order 1 will arrive; told her tomorrow."
    );
    assert_eq!(t.entries[0].kind, "note");
    assert_eq!(
        t.address, "lena@example.ie",
        "a reply can go to the customer's e-mail"
    );

    assert_eq!(
        f.shop
            .reply_to_ticket(&packer, &t.id, "hi")
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden,
        "a packer may log and read, not answer"
    );
    let t = f
        .shop
        .change_ticket(
            &clerk,
            &t.id,
            &TicketChange {
                status: Some(TicketStatus::Resolved),
                assignee_id: Some(clerk.staff_id().into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(t.status, TicketStatus::Resolved);
    let events: Vec<(&str, &str)> = t
        .entries
        .iter()
        .map(|e| (e.kind.as_str(), e.body.as_str()))
        .collect();
    assert!(
        events.contains(&("status", "resolved")) && events.contains(&("assignee", "Cleo")),
        "{events:?}"
    );

    for (bad, code) in [
        (
            NewInquiry {
                order: Some("#999".into()),
                ..call.clone()
            },
            ErrorCode::Invalid,
        ),
        (
            NewInquiry {
                channel: TicketChannel::Email,
                ..call.clone()
            },
            ErrorCode::Invalid,
        ),
        (
            NewInquiry {
                body: " ".into(),
                ..call.clone()
            },
            ErrorCode::Invalid,
        ),
    ] {
        assert_eq!(f.shop.log_inquiry(&f.owner, &bad).unwrap_err().code(), code);
    }
    let counter = f
        .shop
        .log_inquiry(
            &clerk,
            &NewInquiry {
                channel: TicketChannel::Counter,
                subject: "Wants the tee in XL".into(),
                body: String::new(),
                category: TicketCategory::Question,
                customer_id: None,
                order: None,
            },
        )
        .unwrap();
    assert_eq!(
        f.shop
            .reply_to_ticket(&clerk, &counter.id, "We have it")
            .unwrap_err()
            .code(),
        ErrorCode::Invalid,
        "no e-mail to answer to"
    );
    assert_eq!(tickets(&f, TicketView::Resolved, ""), ["T1001"]);
    assert_eq!(tickets(&f, TicketView::Active, ""), ["T1002"]);
}

#[test]
fn erasing_a_customer_takes_their_tickets_words_and_files() {
    let (f, _) = shop();
    packed_order(&f);
    let m = IncomingMail {
        attachments: vec![IncomingAttachment {
            name: "passport.jpg".into(),
            mime: "image/jpeg".into(),
            bytes: vec![1, 2, 3],
        }],
        ..mail(
            "e1",
            "lena@example.ie",
            "My address changed",
            "Now 5 Main St",
        )
    };
    let Received::NewTicket(id) = receive(&f, 1, m) else {
        panic!()
    };
    let customer = f.shop.ticket(&f.owner, &id).unwrap().customer_id.unwrap();
    let export = f.shop.export_customer(&f.owner, &customer).unwrap();
    assert!(
        export.to_string().contains("My address changed"),
        "the export holds the ticket"
    );
    f.shop.erase_customer(&f.owner, &customer).unwrap();
    let t = f.shop.ticket(&f.owner, &id).unwrap();
    assert_eq!((t.subject.as_str(), t.address.as_str()), ("[erased]", ""));
    assert_eq!(t.entries[0].body, "[erased]");
    assert!(t.entries[0].attachments.is_empty(), "their files are gone");
}
