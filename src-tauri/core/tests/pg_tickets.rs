//! The service desk on the shop's server: mail stored once and threaded, inquiries logged,
//! tickets changed, noted and answered, saved replies, a claim opened from a ticket with its
//! evidence, the mailbox's settings and state — alike on the standalone file and on a station
//! of the same shop shared; and the mailbox fetched by one station at a time.

mod common;

use common::stations::without_ids;
use shopdesk_core::customer::mailbox::{
    IncomingAttachment, IncomingMail, MailboxPosition, MailboxSettings,
};
use shopdesk_core::customer::reply::SavedReply;
use shopdesk_core::customer::ticket::{
    NewInquiry, TicketCategory, TicketChange, TicketChannel, TicketQuery, TicketStatus, TicketView,
};
use shopdesk_core::order::claim_file::EvidenceFile;
use shopdesk_core::order::{ClaimDraft, ClaimKind};
use shopdesk_core::server::Job;
use shopdesk_core::{Session, Shop, Timestamp};

fn mail(id: &str, replying_to: Option<&str>, subject: &str, body: &str) -> IncomingMail {
    IncomingMail {
        header_id: Some(format!("<{id}@mail.example>")),
        in_reply_to: replying_to
            .map(|p| vec![format!("<{p}@mail.example>")])
            .unwrap_or_default(),
        from_address: "Nora.Quinn@example.ie".into(),
        from_name: "Nora Quinn".into(),
        subject: subject.into(),
        body: body.into(),
        date: Some(Timestamp(1_789_999_000_000)),
        attachments: vec![IncomingAttachment {
            name: "photo.jpg".into(),
            mime: "image/jpeg".into(),
            bytes: vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3],
        }],
        ..Default::default()
    }
}

/// What the desk shows at each step, ids left out, or the refusal's words.
fn story(shop: &Shop, owner: &Session, order: &str, staff_id: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut said = |what: &str, text: String| seen.push(format!("{what}: {text}"));
    let settings = MailboxSettings {
        imap_host: "imap.harbour.example".into(),
        imap_port: 993,
        imap_username: "desk".into(),
        imap_folder: String::new(),
        imap_every_minutes: 5,
        ..shop.mailbox_settings(owner).unwrap()
    };
    said(
        "mailbox",
        format!(
            "{:?}",
            shop.save_mailbox_settings(owner, &settings).unwrap()
        ),
    );
    let bad = MailboxSettings {
        imap_host: "imap harbour".into(),
        ..settings.clone()
    };
    said(
        "bad mailbox",
        shop.save_mailbox_settings(owner, &bad)
            .unwrap_err()
            .to_string(),
    );
    let batch = [
        mail(
            "m1",
            None,
            &format!("Where is order {order}?"),
            "It has not arrived yet.",
        ),
        mail(
            "m2",
            Some("m1"),
            "Re: where is it",
            "Still waiting, sorry to ask again.",
        ),
    ];
    let position = MailboxPosition {
        uid_validity: 7,
        last_uid: 2,
    };
    let received = shop.receive_mail("INBOX", position, &batch).unwrap();
    said(
        "received",
        format!(
            "{:?}",
            received
                .iter()
                .map(|r| format!("{r:?}").split('(').next().unwrap().to_string())
                .collect::<Vec<_>>()
        ),
    );
    said(
        "again",
        format!(
            "{:?}",
            shop.receive_mail("INBOX", position, &batch).unwrap()
        ),
    );
    said(
        "position",
        format!("{:?}", shop.mailbox_position("INBOX").unwrap()),
    );
    shop.mailbox_failed("INBOX", "connection reset").unwrap();
    said(
        "status",
        format!("{:?}", shop.mailbox_status(owner).unwrap()),
    );

    let list = |q: TicketQuery| {
        let page = shop.tickets(owner, &q).unwrap();
        format!(
            "{} {:?}",
            page.total,
            page.rows
                .iter()
                .map(|r| (&r.name, &r.subject, r.status, r.messages))
                .collect::<Vec<_>>()
        )
    };
    said("listed", list(TicketQuery::default()));
    let mailed = shop.tickets(owner, &TicketQuery::default()).unwrap().rows[0]
        .id
        .clone();
    let phoned = shop
        .log_inquiry(
            owner,
            &NewInquiry {
                channel: TicketChannel::Phone,
                subject: String::new(),
                body: "Asked whether the mugs are dishwasher safe".into(),
                category: TicketCategory::Question,
                customer_id: None,
                order: Some(order.into()),
            },
        )
        .unwrap();
    said("phoned", without_ids(&phoned));
    let by_mail = NewInquiry {
        channel: TicketChannel::Email,
        subject: "x".into(),
        body: String::new(),
        category: TicketCategory::Question,
        customer_id: None,
        order: None,
    };
    said(
        "by mail",
        shop.log_inquiry(owner, &by_mail).unwrap_err().to_string(),
    );
    let change = TicketChange {
        status: Some(TicketStatus::WaitingUs),
        category: Some(TicketCategory::WhereIsMyOrder),
        assignee_id: Some(staff_id.into()),
        order: None,
        customer_id: None,
    };
    said(
        "changed",
        without_ids(&shop.change_ticket(owner, &phoned.id, &change).unwrap()),
    );
    let unknown_order = TicketChange {
        order: Some("#999999".into()),
        ..TicketChange::default()
    };
    said(
        "unknown order",
        shop.change_ticket(owner, &phoned.id, &unknown_order)
            .unwrap_err()
            .to_string(),
    );
    said(
        "noted",
        without_ids(
            &shop
                .note_ticket(owner, &mailed, "Checked with An Post")
                .unwrap()
                .entries,
        ),
    );
    said(
        "replied",
        without_ids(
            &shop
                .reply_to_ticket(owner, &mailed, "It left us on Monday.")
                .unwrap(),
        ),
    );
    let asked = NewInquiry {
        channel: TicketChannel::Counter,
        subject: "Gift wrapping?".into(),
        body: String::new(),
        category: TicketCategory::Question,
        customer_id: None,
        order: None,
    };
    let asked = shop.log_inquiry(owner, &asked).unwrap();
    said(
        "no address",
        shop.reply_to_ticket(owner, &asked.id, "Yes")
            .unwrap_err()
            .to_string(),
    );

    let saved = shop
        .save_saved_reply(
            owner,
            &SavedReply {
                id: String::new(),
                title: "Tracking".into(),
                body: "Hi {customer_name}, {order_number} went with {carrier}: {tracking_url}"
                    .into(),
            },
        )
        .unwrap();
    let twin = SavedReply {
        id: String::new(),
        ..saved.clone()
    };
    said(
        "twin reply",
        shop.save_saved_reply(owner, &twin).unwrap_err().to_string(),
    );
    said(
        "filled",
        shop.fill_saved_reply(owner, &mailed, &saved.id).unwrap(),
    );
    said(
        "saved replies",
        format!(
            "{:?}",
            shop.saved_replies(owner)
                .unwrap()
                .iter()
                .map(|r| &r.title)
                .collect::<Vec<_>>()
        ),
    );
    shop.delete_saved_reply(owner, &saved.id).unwrap();
    said(
        "deleted again",
        shop.delete_saved_reply(owner, &saved.id)
            .unwrap_err()
            .to_string(),
    );

    let claim = shop
        .claim_from_ticket(
            owner,
            &mailed,
            &ClaimDraft {
                kind: Some(ClaimKind::Damaged),
                evidence: "Photo of the broken mug".into(),
            },
        )
        .unwrap();
    said("claim", without_ids(&claim));
    let photo = EvidenceFile {
        role: "item".into(),
        name: "mug.jpg".into(),
        mime: "image/jpeg".into(),
        data: "/9j/4AAQSkZJRg==".into(),
    };
    let filed = shop
        .attach_claim_evidence(owner, &claim.claim.id, &photo)
        .unwrap();
    said("evidence", without_ids(&filed));
    said(
        "claim file",
        without_ids(&shop.claim_file(owner, &claim.claim.id).unwrap()),
    );
    let ticket = shop.ticket(owner, &mailed).unwrap();
    let first = &ticket
        .entries
        .iter()
        .find(|e| !e.attachments.is_empty())
        .unwrap()
        .attachments[0];
    let (info, bytes) = shop.attachment(owner, &first.id).unwrap();
    said(
        "attachment",
        format!("{} {} {:?}", info.name, info.size, bytes),
    );
    said("ticket", without_ids(&ticket));
    for (name, q) in [
        (
            "waiting",
            TicketQuery {
                view: TicketView::NeedsAnswer,
                ..TicketQuery::default()
            },
        ),
        (
            "search",
            TicketQuery {
                text: "DISHWASHER".into(),
                view: TicketView::All,
                ..TicketQuery::default()
            },
        ),
        (
            "search order",
            TicketQuery {
                text: order.into(),
                view: TicketView::All,
                ..TicketQuery::default()
            },
        ),
        (
            "mine",
            TicketQuery {
                mine: true,
                view: TicketView::All,
                ..TicketQuery::default()
            },
        ),
    ] {
        said(name, list(q));
    }
    seen
}

#[test]
fn the_service_desk_runs_alike_on_the_file_and_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        mut shared,
    } = common::stations::demo_pair(dir.path(), 0, 0);
    // A shipped order of the demo shop, and a member of its staff to assign tickets to.
    let (order, staff_id): (i64, String) = {
        let row = shared
            .client
            .query_one(
                "SELECT (SELECT o.number FROM customer_order o
                         WHERE EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = o.id)
                           AND NOT EXISTS (SELECT 1 FROM claim c WHERE c.order_id = o.id)
                         ORDER BY o.number LIMIT 1),
                        (SELECT id FROM staff WHERE active = 1 ORDER BY name LIMIT 1)",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    let order = format!("#{order}");
    let on_file = story(&standalone, &owner, &order, &staff_id);
    let on_server = story(&station, &owner, &order, &staff_id);
    // The same on both, and what it should be.
    let step = common::stations::alike(&on_file, &on_server);
    assert!(step("received").contains("NewTicket") && step("received").contains("Threaded"));
    assert_eq!(step("again"), "again: [Duplicate, Duplicate]");
    assert!(
        step("status").contains("connection reset"),
        "{}",
        step("status")
    );
    assert!(step("phoned").contains("dishwasher"), "{}", step("phoned"));
    assert!(step("unknown order").contains("no order is numbered"));
    assert!(
        step("no address").contains("no e-mail address"),
        "{}",
        step("no address")
    );
    assert!(
        step("twin reply").contains("already called 'Tracking'"),
        "{}",
        step("twin reply")
    );
    assert!(step("filled").contains(&order), "{}", step("filled"));
    assert!(
        step("attachment").contains("photo.jpg 7 [255, 216"),
        "{}",
        step("attachment")
    );
    assert!(
        step("search").starts_with("search: 1 "),
        "{}",
        step("search")
    );
    assert!(step("mine").starts_with("mine: 1 "), "{}", step("mine"));
    // Tickets take numbers from the shop's counter, after those it had.
    assert!(
        step("listed").contains("T1001") || step("listed").contains("\"T1"),
        "{}",
        step("listed")
    );
}

#[test]
fn one_station_fetches_the_mailbox() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        shared,
    } = common::stations::demo_pair(dir.path(), 0, 0);
    let settings = MailboxSettings {
        imap_host: "imap.harbour.example".into(),
        imap_username: "desk".into(),
        imap_every_minutes: 5,
        ..station.mailbox_settings(&owner).unwrap()
    };
    station.save_mailbox_settings(&owner, &settings).unwrap();
    let clock = std::sync::Arc::new(shopdesk_core::FixedClock::at(1_790_000_000_000));
    let bench = shared.station(dir.path(), "b1", clock);
    assert!(
        station.mail_fetch_due().unwrap(),
        "the first station to ask fetches"
    );
    assert!(!bench.mail_fetch_due().unwrap(), "the other leaves it");
    station.leave_job(Job::Mailbox);
    assert!(
        bench.mail_fetch_due().unwrap(),
        "and takes it over when it is left"
    );
    assert!(bench.runs_job(Job::Mailbox));
    drop(standalone);
}
