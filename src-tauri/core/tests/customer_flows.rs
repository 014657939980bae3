//! Customers (F6) in core: the list searched by name, e-mail, phone, postcode and order number,
//! filtered and sorted by the figures the store keeps in step with orders and sales; editing with
//! further contacts, tags and consent (audited); a clash of e-mails refused; merging two
//! customers (everything moves, new orders find the one kept); GDPR export and erase behind
//! their own permissions.

mod common;

use common::orders::*;
use common::*;
use shopdesk_core::customer::edit::{Contact, CustomerEdit, CustomerMerge};
use shopdesk_core::customer::list::{CustomerQuery, CustomerSort};
use shopdesk_core::ErrorCode;

fn query(text: &str) -> CustomerQuery {
    CustomerQuery {
        text: text.into(),
        ..CustomerQuery::default()
    }
}

fn names(f: &Fixture, q: &CustomerQuery) -> Vec<String> {
    f.shop
        .customer_list(&f.owner, q)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.name)
        .collect()
}

fn edit_of(f: &Fixture, id: &str) -> CustomerEdit {
    let p = f.shop.customer_profile(&f.owner, id).unwrap();
    CustomerEdit {
        id: id.into(),
        name: p.customer.name,
        email: p.customer.email.unwrap_or_default(),
        phone: p.customer.phone.unwrap_or_default(),
        emails: p.emails,
        phones: p.phones,
        address: p.address,
        tags: p.tags.join(", "),
        consent: p.consent.given,
        consent_source: p.consent.source,
        note: p.note,
    }
}

/// Sells one tee to `customer_id` at the counter.
fn sell_to(f: &Fixture, customer_id: &str) {
    sell_tee(&f.shop, &f.owner, Some(customer_id));
}

#[test]
fn the_list_finds_customers_every_way_a_clerk_asks_and_keeps_its_figures_in_step() {
    let (f, _) = shop();
    let lena = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("lena@example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    let lena_id = lena.customer.clone().unwrap().id;
    let second = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("lena@example.ie", vec![line("TEE-M-INK", 2)]),
        )
        .unwrap();
    let bo = new_customer(&f, "Bo Åkesson", "bo@example.se", "+353 87 123 4567");
    f.shop.open_shift(&f.owner, "0").unwrap();
    sell_to(&f, &bo.id);

    // By name (accents need not be typed), e-mail, phone as digits, postcode, order number.
    assert_eq!(names(&f, &query("akess")), vec!["Bo Åkesson"]);
    assert_eq!(names(&f, &query("bo@example")), vec!["Bo Åkesson"]);
    assert_eq!(names(&f, &query("353871234567")), vec!["Bo Åkesson"]);
    let lena_name = f
        .shop
        .customer_profile(&f.owner, &lena_id)
        .unwrap()
        .customer
        .name;
    assert_eq!(names(&f, &query("D02")), vec![lena_name.clone()]);
    assert_eq!(
        names(&f, &query(&format!("#{}", second.number))),
        vec![lena_name.clone()]
    );

    // The figures: two orders for Lena, one counter sale for Bo.
    let all = f.shop.customer_list(&f.owner, &query("")).unwrap();
    assert_eq!(all.total, 2);
    let row = |id: &str| all.rows.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(row(&lena_id).orders, 2);
    assert_eq!(
        row(&lena_id).lifetime_value.minor(),
        lena.total.minor() + second.total.minor()
    );
    assert_eq!(row(&bo.id).orders, 1);
    assert!(row(&bo.id).last_purchase.is_some());
    let by_value = CustomerQuery {
        sort: CustomerSort::Value,
        ..CustomerQuery::default()
    };
    assert_eq!(names(&f, &by_value)[0], lena_name);

    // A cancelled order leaves the figures at once.
    f.shop
        .cancel_order(&f.owner, &second.id, "changed mind")
        .unwrap();
    let p = f.shop.customer_profile(&f.owner, &lena_id).unwrap();
    assert_eq!(p.orders, 1);
    assert_eq!(p.lifetime_value.minor(), lena.total.minor());
    let row = f.shop.customer_list(&f.owner, &query("lena")).unwrap().rows[0].clone();
    assert_eq!(
        row.lifetime_value, p.lifetime_value,
        "list and profile agree"
    );

    // Bought in the last 30 days: both; the filter is on the figures kept.
    let recent = CustomerQuery {
        bought_within_days: Some(30),
        ..CustomerQuery::default()
    };
    assert_eq!(f.shop.customer_list(&f.owner, &recent).unwrap().total, 2);

    // A new order adds itself to the figures kept; they equal a full recount from the orders and
    // sales (count, value, first and last purchase), for every customer.
    f.clock.advance_ms(3_600_000);
    f.shop
        .create_order(
            &f.owner,
            &order_draft("lena@example.ie", vec![line("TEE-S-SAGE", 3)]),
        )
        .unwrap();
    assert_figures_recounted(&f);
    let p = f.shop.customer_profile(&f.owner, &lena_id).unwrap();
    assert_eq!(p.orders, 2);
    assert!(p.first_purchase < p.last_purchase, "{p:?}");
}

/// Every customer's kept figures equal the recount the `customer_figures` view makes.
fn assert_figures_recounted(f: &Fixture) {
    let c = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    let differ: i64 = c
        .query_row(
            "SELECT count(*) FROM (SELECT * FROM customer_stats EXCEPT SELECT * FROM customer_figures)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(differ, 0, "kept figures differ from the recount");
}

#[test]
fn editing_keeps_contacts_tags_and_consent_refuses_a_clash_and_is_audited() {
    let (f, _) = shop();
    let a = new_customer(&f, "Ann Lee", "ann@example.ie", "");
    let b = new_customer(&f, "Ben Ode", "ben@example.ie", "");
    let mut e = edit_of(&f, &a.id);
    e.emails = vec![Contact {
        value: " ann.work@example.com ".into(),
        label: "work".into(),
    }];
    e.phones = vec![Contact {
        value: "087 765 4321".into(),
        label: "mobile".into(),
    }];
    e.tags = "VIP, wholesale, vip".into();
    e.consent = true;
    // Consent needs to say where it was given.
    assert_eq!(
        f.shop.save_customer(&f.owner, &e).unwrap_err().code(),
        ErrorCode::Invalid
    );
    e.consent_source = "at the counter".into();
    let p = f.shop.save_customer(&f.owner, &e).unwrap();
    assert_eq!(p.emails[0].value, "ann.work@example.com");
    assert_eq!(p.tags, vec!["VIP", "wholesale"]);
    assert!(p.consent.given && p.consent.at.is_some());
    assert_eq!(names(&f, &query("ann.work")), vec!["Ann Lee"]);
    assert_eq!(names(&f, &query("0877654321")), vec!["Ann Lee"]);
    let vip = CustomerQuery {
        tag: Some("vip".into()),
        ..CustomerQuery::default()
    };
    assert_eq!(names(&f, &vip), vec!["Ann Lee"]);
    assert_eq!(
        f.shop.customer_tags(&f.owner).unwrap(),
        vec!["VIP", "wholesale"]
    );

    // Ben may not take Ann's work address: merge instead. Nothing is written.
    let mut eb = edit_of(&f, &b.id);
    eb.emails = vec![Contact {
        value: "ANN.WORK@example.com".into(),
        label: String::new(),
    }];
    eb.name = "Benjamin Ode".into();
    let err = f.shop.save_customer(&f.owner, &eb).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("merge"), "{err}");
    assert_eq!(
        f.shop
            .customer_profile(&f.owner, &b.id)
            .unwrap()
            .customer
            .name,
        "Ben Ode"
    );
    // A bad address is refused before anything is written.
    eb.emails = vec![Contact {
        value: "not an address".into(),
        label: String::new(),
    }];
    assert_eq!(
        f.shop.save_customer(&f.owner, &eb).unwrap_err().code(),
        ErrorCode::Invalid
    );

    let trail = f.shop.audit_trail(&f.owner, &Default::default()).unwrap();
    let entry = trail
        .entries
        .iter()
        .find(|t| t.action == "customer.update")
        .expect("the edit is on the trail");
    assert!(
        entry
            .changes
            .iter()
            .any(|c| c.field == "emails" && c.after.contains("ann.work@example.com")),
        "{:?}",
        entry.changes
    );
}

#[test]
fn merging_moves_everything_to_the_one_kept_and_new_orders_find_it() {
    let (f, _) = shop();
    let first = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("lena@example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    let lena = first.customer.clone().unwrap().id;
    let dup = new_customer(&f, "Lena M.", "lena.m@example.com", "01 555 0101");
    f.shop.open_shift(&f.owner, "0").unwrap();
    sell_to(&f, &dup.id);
    let mut e = edit_of(&f, &dup.id);
    e.tags = "regular".into();
    e.note = "Prefers gift wrap".into();
    f.shop.save_customer(&f.owner, &e).unwrap();

    let kept = f
        .shop
        .merge_customers(
            &f.owner,
            &CustomerMerge {
                keep_id: lena.clone(),
                merge_id: dup.id.clone(),
            },
        )
        .unwrap();
    assert_eq!(kept.orders, 2, "the order and the counter sale");
    assert_eq!(kept.history.len(), 2);
    assert!(kept.emails.iter().any(|c| c.value == "lena.m@example.com"));
    assert!(kept.phones.iter().any(|c| c.value == "01 555 0101"));
    assert_eq!(kept.tags, vec!["regular"]);
    assert!(kept.note.contains("gift wrap"));
    // The merged one is retired: out of the list, its profile points to the one kept.
    let all = f.shop.customer_list(&f.owner, &query("")).unwrap();
    assert_eq!(all.total, 1);
    assert_eq!(
        f.shop
            .customer_profile(&f.owner, &dup.id)
            .unwrap()
            .merged_into
            .as_deref(),
        Some(lena.as_str())
    );
    assert_eq!(
        f.shop
            .merge_customers(
                &f.owner,
                &CustomerMerge {
                    keep_id: lena.clone(),
                    merge_id: dup.id.clone(),
                },
            )
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );
    // An order from the merged customer's address finds the one kept.
    let next = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("Lena.M@example.com", vec![line("TEE-M-INK", 1)]),
        )
        .unwrap();
    assert_eq!(next.customer.unwrap().id, lena);
    assert_figures_recounted(&f);
    let trail = f.shop.audit_trail(&f.owner, &Default::default()).unwrap();
    assert!(trail.entries.iter().any(|t| t.action == "customer.merge"));
}

#[test]
fn export_and_erase_need_their_own_permissions() {
    let (f, _) = shop();
    let c = new_customer(&f, "Ann Lee", "ann@example.ie", "");
    let mut e = edit_of(&f, &c.id);
    e.phones = vec![Contact {
        value: "087 765 4321".into(),
        label: String::new(),
    }];
    f.shop.save_customer(&f.owner, &e).unwrap();
    // A manager manages orders but holds neither permission.
    let manager = staff(&f, "Mo", "Manager", "1357");
    assert_eq!(
        f.shop.export_customer(&manager, &c.id).unwrap_err().code(),
        ErrorCode::Forbidden
    );
    assert_eq!(
        f.shop.erase_customer(&manager, &c.id).unwrap_err().code(),
        ErrorCode::Forbidden
    );
    let export = f.shop.export_customer(&f.owner, &c.id).unwrap();
    assert_eq!(export["contacts"][0]["value"], "087 765 4321");
    let p = f.shop.erase_customer(&f.owner, &c.id).unwrap();
    assert!(p.erased && p.phones.is_empty());
    assert!(
        names(&f, &query("")).is_empty(),
        "erased customers leave the list"
    );
    assert!(names(&f, &query("0877654321")).is_empty());
}

#[test]
fn a_word_many_share_pages_by_name_counts_live_customers_only_and_follows_renames() {
    let (f, _) = shop();
    let mut ids = Vec::new();
    for (i, name) in [
        "zed Byrne",
        "Aoife Byrne",
        "ciara byrne",
        "Bríd Byrne",
        "Ann Other",
    ]
    .iter()
    .enumerate()
    {
        let phone = format!("087 555 010{i}");
        ids.push(new_customer(&f, name, &format!("c{i}@example.ie"), &phone).id);
    }
    let page = |text: &str, offset: u32| CustomerQuery {
        text: text.into(),
        limit: 2,
        offset,
        ..CustomerQuery::default()
    };
    // By name whatever the case, a page at a time, counted in full.
    assert_eq!(
        names(&f, &page("byrne", 0)),
        vec!["Aoife Byrne", "Bríd Byrne"]
    );
    assert_eq!(
        names(&f, &page("byrne", 2)),
        vec!["ciara byrne", "zed Byrne"]
    );
    assert_eq!(
        f.shop
            .customer_list(&f.owner, &page("byrne", 2))
            .unwrap()
            .total,
        4
    );

    // A rename moves the customer in the order.
    let mut e = edit_of(&f, &ids[0]);
    e.name = "Abe Byrne".into();
    f.shop.save_customer(&f.owner, &e).unwrap();
    assert_eq!(
        names(&f, &page("byrne", 0)),
        vec!["Abe Byrne", "Aoife Byrne"]
    );

    // Merged-away and erased customers are neither listed nor counted.
    f.shop
        .merge_customers(
            &f.owner,
            &CustomerMerge {
                keep_id: ids[1].clone(),
                merge_id: ids[2].clone(),
            },
        )
        .unwrap();
    f.shop.erase_customer(&f.owner, &ids[3]).unwrap();
    let found = f.shop.customer_list(&f.owner, &query("byrne")).unwrap();
    assert_eq!(found.total, 2);
    assert_eq!(
        found
            .rows
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Abe Byrne", "Aoife Byrne"]
    );
    // The merged one's phone now finds the one kept, once.
    assert_eq!(names(&f, &query("0875550102")), vec!["Aoife Byrne"]);

    // Sorted by value the same words find the same customers.
    let by_value = CustomerQuery {
        sort: CustomerSort::Value,
        ..query("byrne")
    };
    assert_eq!(f.shop.customer_list(&f.owner, &by_value).unwrap().total, 2);
}

#[test]
fn customers_with_an_open_ticket_are_one_filter_away() {
    use shopdesk_core::customer::ticket::{
        NewInquiry, TicketCategory, TicketChange, TicketChannel, TicketStatus,
    };
    let (f, _) = shop();
    let ann = new_customer(&f, "Ann Other", "ann@example.ie", "087 555 0101");
    new_customer(&f, "Bo Quiet", "bo@example.ie", "087 555 0102");
    let open = CustomerQuery {
        has_open_ticket: true,
        ..CustomerQuery::default()
    };
    assert!(names(&f, &open).is_empty());
    let t = f
        .shop
        .log_inquiry(
            &f.owner,
            &NewInquiry {
                channel: TicketChannel::Phone,
                subject: "Is the sage tee back in stock?".into(),
                body: String::new(),
                category: TicketCategory::Question,
                customer_id: Some(ann.id.clone()),
                order: None,
            },
        )
        .unwrap();
    assert_eq!(names(&f, &open), vec!["Ann Other"]);
    assert_eq!(
        names(
            &f,
            &CustomerQuery {
                text: "other".into(),
                ..open.clone()
            }
        ),
        vec!["Ann Other"]
    );
    f.shop
        .change_ticket(
            &f.owner,
            &t.id,
            &TicketChange {
                status: Some(TicketStatus::Resolved),
                ..TicketChange::default()
            },
        )
        .unwrap();
    assert!(names(&f, &open).is_empty(), "a resolved ticket is not open");
}
