//! The counter end to end in core: selling with taxes and discounts, tenders, approvals, gift
//! cards, returns and exchanges, shifts and the Z report, and the journal.

mod common;

use common::*;
use shopdesk_core::customer::CustomerDraft;
use shopdesk_core::sale::settings::DiscountCodeDraft;
use shopdesk_core::sale::shift::DenominationCount;
use shopdesk_core::sale::{
    Approval, DiscountDraft, DiscountKind, Sale, SaleEdit, TenderDraft, TenderKind,
};
use shopdesk_core::{Error, Session};

/// A shop with the tee in stock (10 of each on the shop floor) and an open shift with a 100.00 float.
fn counter() -> (Fixture, Vec<String>) {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, _) = locations(&f);
    let ids: Vec<String> = p.variants.iter().map(|v| v.id.clone()).collect();
    for v in &ids {
        adjust(&f, v, &floor, 10);
    }
    f.shop.open_shift(&f.owner, "100.00").unwrap();
    (f, ids)
}

fn edit(f: &Fixture, who: &Session, sale: &Sale, e: SaleEdit) -> Sale {
    f.shop.edit_sale(who, &sale.id, &e, None).unwrap()
}

fn scan(f: &Fixture, sale: &Sale, code: &str) -> Sale {
    edit(f, &f.owner, sale, SaleEdit::Scan { code: code.into() })
}

fn tender(kind: TenderKind, amount: &str) -> TenderDraft {
    TenderDraft {
        kind: Some(kind),
        amount: amount.into(),
        ..TenderDraft::default()
    }
}

fn percent(v: &str) -> Option<DiscountDraft> {
    Some(DiscountDraft {
        kind: DiscountKind::Percent,
        value: v.into(),
    })
}

#[test]
fn a_sale_with_discounts_split_across_cash_and_card_completes_once() {
    let (f, ids) = counter();
    let (floor, _) = locations(&f);
    let s = f.shop.new_sale(&f.owner).unwrap();
    scan(&f, &s, "TEE-S-SAGE");
    scan(&f, &s, "4006381333931"); // the same variant by barcode: one line, quantity 2
    let s = scan(&f, &s, "036000291452"); // UPC-A of the Ink tee
    assert_eq!(s.lines.len(), 2);
    assert_eq!(s.lines[0].quantity, 2);
    let line = s.lines[0].id.clone();
    let s = edit(
        &f,
        &f.owner,
        &s,
        SaleEdit::LineDiscount {
            line_id: line,
            discount: percent("10"),
        },
    );
    let s = edit(
        &f,
        &f.owner,
        &s,
        SaleEdit::CartDiscount {
            discount: Some(DiscountDraft {
                kind: DiscountKind::Fixed,
                value: "2.00".into(),
            }),
        },
    );
    // 48.00 - 4.80 = 43.20; + 26.00 = 69.20; - 2.00 = 67.20, VAT 23 % included.
    assert_eq!(s.subtotal.minor(), 7400);
    assert_eq!(s.discount.minor(), 680);
    assert_eq!(s.total.minor(), 6720);
    assert_eq!(s.tax.minor(), 1257, "67.20 × 23/123 = 12.566 → 12.57");
    assert_eq!(s.taxes.len(), 1);

    let tenders = [
        TenderDraft {
            kind: Some(TenderKind::Card),
            amount: "40.00".into(),
            reference: "AB12CD".into(),
            last4: "4242".into(),
        },
        tender(TenderKind::Cash, "30.00"),
    ];
    let preview = f.shop.payment_preview(&f.owner, &s.id, &tenders).unwrap();
    assert_eq!(preview.remaining.minor(), 0);
    assert_eq!(preview.change.minor(), 280);
    let done = f.shop.complete_sale(&f.owner, &s.id, &tenders).unwrap();
    assert_eq!(done.number, Some(1));
    assert_eq!(done.receipt_code.as_deref(), Some("R00000001"));
    assert_eq!(done.change.minor(), 280);
    assert_eq!(
        done.tenders[0].reference.as_deref(),
        Some("approval AB12CD · •••• 4242")
    );
    assert_eq!(
        done.tenders[1].amount.minor(),
        2720,
        "cash applied is what was due, not what was handed over"
    );
    assert_eq!(available(&f, &ids[0], &floor).0, 8);
    assert_eq!(available(&f, &ids[2], &floor).0, 9);

    let again = f.shop.complete_sale(&f.owner, &s.id, &tenders).unwrap();
    assert_eq!(again, done, "completing twice returns the same sale");
    assert_eq!(
        available(&f, &ids[0], &floor).0,
        8,
        "and moves no stock twice"
    );
    let err = f.shop.edit_sale(
        &f.owner,
        &s.id,
        &SaleEdit::Scan {
            code: "TEE-S-SAGE".into(),
        },
        None,
    );
    assert!(
        matches!(err, Err(Error::Conflict(_))),
        "a completed sale cannot change"
    );
    assert!(f.shop.verify_journal(&f.owner).unwrap().problems.is_empty());
}

#[test]
fn tax_added_on_top_in_a_us_shop() {
    let f = new_shop();
    let mut settings = f.shop.counter_settings(&f.owner).unwrap();
    assert!(
        settings.prices_include_tax,
        "an Irish shop shows prices with VAT"
    );
    settings.prices_include_tax = false;
    settings.rates = shopdesk_core::tax::defaults_for("US", "NY");
    f.shop.save_counter_settings(&f.owner, &settings).unwrap();
    let p = f
        .shop
        .create_product(&f.owner, draft("Mug", "MUG", "19.99"))
        .unwrap();
    let (floor, _) = locations(&f);
    adjust(&f, &p.variants[0].id, &floor, 5);
    f.shop.open_shift(&f.owner, "0").unwrap();
    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = scan(&f, &s, "MUG");
    // 19.99 + 4 % (0.80) + 4.5 % (0.90) = 21.69.
    assert_eq!(s.tax.minor(), 170);
    assert_eq!(s.total.minor(), 2169);
    assert_eq!(
        s.taxes.iter().map(|t| t.tax_minor).collect::<Vec<_>>(),
        vec![80, 90]
    );

    // A return in the same shift: its tax comes back on top, and the shift still closes (the Z
    // report's sum over return lines once named a column both tables have).
    let sold = f
        .shop
        .complete_sale(&f.owner, &s.id, &[tender(TenderKind::Card, "")])
        .unwrap();
    let r = f.shop.new_sale(&f.owner).unwrap();
    edit(
        &f,
        &f.owner,
        &r,
        SaleEdit::Return {
            line_id: sold.lines[0].id.clone(),
            quantity: 1,
            restock: true,
        },
    );
    f.shop
        .complete_sale(&f.owner, &r.id, &[tender(TenderKind::Card, "")])
        .unwrap();
    let z = f.shop.close_shift(&f.owner, &[]).unwrap();
    assert_eq!(z.returns_minor, -2169);
}

#[test]
fn price_overrides_and_big_discounts_need_a_managers_pin() {
    let (f, _) = counter();
    let clerk = staff(&f, "Jo", "Clerk", "3333");
    let manager = staff(&f, "Sam", "Manager", "2222");
    let s = f.shop.new_sale(&clerk).unwrap();
    let s = edit(
        &f,
        &clerk,
        &s,
        SaleEdit::Scan {
            code: "TEE-M-SAGE".into(),
        },
    );
    let line = s.lines[0].id.clone();
    let small = edit(
        &f,
        &clerk,
        &s,
        SaleEdit::LineDiscount {
            line_id: line.clone(),
            discount: percent("10"),
        },
    );
    assert_eq!(
        small.lines[0].discount_amount.minor(),
        240,
        "up to the 10 % limit a clerk may discount"
    );
    let big = SaleEdit::LineDiscount {
        line_id: line.clone(),
        discount: percent("25"),
    };
    let err = f.shop.edit_sale(&clerk, &s.id, &big, None).unwrap_err();
    assert_eq!(err.code(), shopdesk_core::ErrorCode::NeedsApproval);
    let wrong = Approval {
        staff_id: manager.staff_id().into(),
        pin: "9999".into(),
    };
    assert!(matches!(
        f.shop.edit_sale(&clerk, &s.id, &big, Some(&wrong)),
        Err(Error::WrongPin)
    ));
    let clerk_pin = Approval {
        staff_id: clerk.staff_id().into(),
        pin: "3333".into(),
    };
    assert!(matches!(
        f.shop.edit_sale(&clerk, &s.id, &big, Some(&clerk_pin)),
        Err(Error::Forbidden(_))
    ));
    let ok = Approval {
        staff_id: manager.staff_id().into(),
        pin: "2222".into(),
    };
    let s = f.shop.edit_sale(&clerk, &s.id, &big, Some(&ok)).unwrap();
    assert_eq!(s.lines[0].discount_amount.minor(), 600);
    let price = SaleEdit::Price {
        line_id: line.clone(),
        price: "20.00".into(),
    };
    assert_eq!(
        f.shop
            .edit_sale(&clerk, &s.id, &price, None)
            .unwrap_err()
            .code(),
        shopdesk_core::ErrorCode::NeedsApproval
    );
    let s = f.shop.edit_sale(&clerk, &s.id, &price, Some(&ok)).unwrap();
    assert_eq!(
        s.lines[0].price_approved_by.as_deref(),
        Some(manager.staff_id())
    );
    let void = SaleEdit::VoidLine {
        line_id: line,
        reason: "mis-scan".into(),
    };
    assert_eq!(
        f.shop
            .edit_sale(&clerk, &s.id, &void, None)
            .unwrap_err()
            .code(),
        shopdesk_core::ErrorCode::NeedsApproval
    );
    let s = f.shop.edit_sale(&clerk, &s.id, &void, Some(&ok)).unwrap();
    assert_eq!(s.total.minor(), 0);
    assert_eq!(s.lines[0].void_reason.as_deref(), Some("mis-scan"));
}

#[test]
fn gift_cards_are_issued_redeemed_and_never_overdrawn() {
    let (f, _) = counter();
    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = edit(
        &f,
        &f.owner,
        &s,
        SaleEdit::GiftCard {
            code: "gc-1001".into(),
            amount: "50.00".into(),
        },
    );
    assert_eq!(s.total.minor(), 5000);
    assert_eq!(
        s.tax.minor(),
        0,
        "a gift card is money, not a taxable supply"
    );
    f.shop
        .complete_sale(&f.owner, &s.id, &[tender(TenderKind::Cash, "50")])
        .unwrap();
    assert_eq!(
        f.shop
            .gift_card_balance(&f.owner, "GC-1001")
            .unwrap()
            .minor(),
        5000
    );

    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = scan(&f, &s, "TEE-M-INK");
    let card = |amount: &str| TenderDraft {
        kind: Some(TenderKind::GiftCard),
        amount: amount.into(),
        reference: "GC-1001".into(),
        ..TenderDraft::default()
    };
    f.shop.complete_sale(&f.owner, &s.id, &[card("")]).unwrap();
    assert_eq!(
        f.shop
            .gift_card_balance(&f.owner, "gc-1001")
            .unwrap()
            .minor(),
        2400
    );

    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = scan(&f, &s, "TEE-M-INK");
    let err = f
        .shop
        .complete_sale(&f.owner, &s.id, &[card("")])
        .unwrap_err();
    assert!(
        matches!(err, Error::BalanceTooLow { left: 2400, .. }),
        "{err:?}"
    );
    let done = f
        .shop
        .complete_sale(
            &f.owner,
            &s.id,
            &[card("24.00"), tender(TenderKind::Cash, "")],
        )
        .unwrap();
    assert_eq!(done.tenders[1].amount.minor(), 200);
    assert_eq!(
        f.shop
            .gift_card_balance(&f.owner, "GC-1001")
            .unwrap()
            .minor(),
        0
    );
    assert!(f.shop.gift_card_balance(&f.owner, "NOPE").is_err());
}

#[test]
fn returns_never_refund_more_than_was_sold_and_can_go_to_store_credit() {
    let (f, ids) = counter();
    let (floor, _) = locations(&f);
    let ann = f
        .shop
        .create_customer(
            &f.owner,
            &CustomerDraft {
                name: "Ann Byrne".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = edit(
        &f,
        &f.owner,
        &s,
        SaleEdit::Customer {
            customer_id: Some(ann.id.clone()),
        },
    );
    scan(&f, &s, "TEE-S-SAGE");
    scan(&f, &s, "TEE-S-SAGE");
    let s = scan(&f, &s, "TEE-S-SAGE");
    let s = edit(
        &f,
        &f.owner,
        &s,
        SaleEdit::CartDiscount {
            discount: percent("10"),
        },
    );
    assert_eq!(s.total.minor(), 6480, "3 × 24.00 less 10 %");
    let sold = f
        .shop
        .complete_sale(&f.owner, &s.id, &[tender(TenderKind::Cash, "")])
        .unwrap();
    let line = sold.lines[0].id.clone();

    // Return one to store credit: 64.80 / 3 = 21.60 back, restocked.
    let found = f.shop.sale_by_receipt(&f.owner, "R00000001").unwrap();
    assert_eq!(found.id, sold.id);
    let r = f.shop.new_sale(&f.owner).unwrap();
    let r = edit(
        &f,
        &f.owner,
        &r,
        SaleEdit::Return {
            line_id: line.clone(),
            quantity: 1,
            restock: true,
        },
    );
    assert_eq!(
        r.customer.as_ref().map(|c| c.name.as_str()),
        Some("Ann Byrne"),
        "the sale's customer comes along"
    );
    assert_eq!(r.total.minor(), -2160);
    let credit = TenderDraft {
        kind: Some(TenderKind::StoreCredit),
        ..TenderDraft::default()
    };
    let done = f
        .shop
        .complete_sale(&f.owner, &r.id, std::slice::from_ref(&credit))
        .unwrap();
    assert_eq!(done.tenders[0].amount.minor(), -2160);
    assert_eq!(
        f.shop.customers(&f.owner, "Ann").unwrap()[0]
            .store_credit
            .minor(),
        2160
    );
    assert_eq!(
        available(&f, &ids[0], &floor).0,
        8,
        "10 - 3 sold + 1 restocked"
    );

    // Two more may come back, not three — across returns.
    let r2 = f.shop.new_sale(&f.owner).unwrap();
    let three = SaleEdit::Return {
        line_id: line.clone(),
        quantity: 3,
        restock: false,
    };
    let err = f
        .shop
        .edit_sale(&f.owner, &r2.id, &three, None)
        .unwrap_err();
    assert!(
        matches!(err, Error::NotReturnable { returnable: 2, .. }),
        "{err:?}"
    );
    let r2 = edit(
        &f,
        &f.owner,
        &r2,
        SaleEdit::Return {
            line_id: line.clone(),
            quantity: 2,
            restock: false,
        },
    );
    assert_eq!(
        r2.total.minor(),
        -4320,
        "the last units take back exactly the rest"
    );
    // An exchange in the same transaction: a 26.00 Ink tee for the two returned, paid with the credit.
    let r2 = scan(&f, &r2, "TEE-M-INK");
    assert_eq!(r2.total.minor(), -1720);
    f.shop
        .complete_sale(&f.owner, &r2.id, &[tender(TenderKind::Cash, "")])
        .unwrap();
    assert_eq!(
        available(&f, &ids[0], &floor).0,
        8,
        "written off: not back on the shelf"
    );
    let r3 = f.shop.new_sale(&f.owner).unwrap();
    let one = SaleEdit::Return {
        line_id: line,
        quantity: 1,
        restock: true,
    };
    assert!(
        f.shop.edit_sale(&f.owner, &r3.id, &one, None).is_err(),
        "all three are back"
    );

    // Store credit pays for a sale.
    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = edit(
        &f,
        &f.owner,
        &s,
        SaleEdit::Customer {
            customer_id: Some(ann.id.clone()),
        },
    );
    let s = scan(&f, &s, "TEE-M-SAGE");
    let err = f
        .shop
        .complete_sale(&f.owner, &s.id, std::slice::from_ref(&credit))
        .unwrap_err();
    assert!(
        matches!(err, Error::BalanceTooLow { left: 2160, .. }),
        "{err:?}"
    );
    f.shop
        .complete_sale(
            &f.owner,
            &s.id,
            &[
                TenderDraft {
                    amount: "21.60".into(),
                    ..credit
                },
                tender(TenderKind::Cash, ""),
            ],
        )
        .unwrap();
    assert_eq!(
        f.shop.customers(&f.owner, &ann.id).unwrap()[0]
            .store_credit
            .minor(),
        0
    );
}

#[test]
fn the_close_counts_every_sale_of_the_shift_once_and_freezes_the_z_report() {
    let (f, _) = counter();
    let mut settings = f.shop.counter_settings(&f.owner).unwrap();
    settings.cash_rounding = "0.05".into();
    f.shop.save_counter_settings(&f.owner, &settings).unwrap();
    f.shop
        .save_discount_code(
            &f.owner,
            &DiscountCodeDraft {
                code: "save3".into(),
                kind: "fixed".into(),
                value: "3.03".into(),
            },
        )
        .unwrap();

    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = scan(&f, &s, "TEE-M-SAGE");
    let s = edit(
        &f,
        &f.owner,
        &s,
        SaleEdit::DiscountCode {
            code: "SAVE3".into(),
        },
    );
    assert_eq!(s.total.minor(), 2097);
    let done = f
        .shop
        .complete_sale(&f.owner, &s.id, &[tender(TenderKind::Cash, "25")])
        .unwrap();
    assert_eq!(done.rounding.minor(), -2, "20.97 in cash is 20.95");
    assert_eq!(done.change.minor(), 405);
    assert_eq!(done.total.minor(), 2095);

    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = scan(&f, &s, "TEE-M-INK");
    f.shop
        .complete_sale(
            &f.owner,
            &s.id,
            &[TenderDraft {
                kind: Some(TenderKind::Card),
                ..Default::default()
            }],
        )
        .unwrap();
    let parked = f.shop.new_sale(&f.owner).unwrap();
    let parked = scan(&f, &parked, "TEE-S-SAGE");
    edit(&f, &f.owner, &parked, SaleEdit::Park);
    let voided = f.shop.new_sale(&f.owner).unwrap();
    let voided = scan(&f, &voided, "TEE-S-SAGE");
    edit(
        &f,
        &f.owner,
        &voided,
        SaleEdit::Void {
            reason: "customer left".into(),
        },
    );
    f.shop
        .cash_move(&f.owner, "10.00", true, "window cleaner")
        .unwrap();
    let shift = f.shop.current_shift(&f.owner).unwrap().unwrap();
    assert_eq!(shift.expected_cash.minor(), 10000 + 2095 - 1000);

    let counts = [
        DenominationCount {
            denomination_minor: 5000,
            count: 2,
        },
        DenominationCount {
            denomination_minor: 1000,
            count: 1,
        },
        DenominationCount {
            denomination_minor: 50,
            count: 1,
        },
        DenominationCount {
            denomination_minor: 20,
            count: 2,
        },
    ];
    let z = f.shop.close_shift(&f.owner, &counts).unwrap();
    assert_eq!(z.sales_count, 2);
    assert_eq!(z.net_minor, 2095 + 2600);
    assert_eq!(z.discounts_minor, 303);
    assert_eq!(z.rounding_minor, -2);
    assert_eq!(z.voided_sales, 1);
    assert_eq!(z.voided_minor, 2400);
    assert_eq!(z.cash_out_minor, -1000);
    assert_eq!(z.expected_cash_minor, 11095);
    assert_eq!(z.counted_cash_minor, 11090);
    assert_eq!(z.over_short_minor, -5);
    let by_kind: Vec<(String, i64)> = z
        .tenders
        .iter()
        .map(|t| (t.kind.clone(), t.amount_minor))
        .collect();
    assert_eq!(by_kind, vec![("card".into(), 2600), ("cash".into(), 2095)]);
    assert_eq!(f.shop.shift_report(&f.owner, &shift.id).unwrap(), z);

    // The parked sale survives the close and is sold in the next shift.
    let err = f.shop.complete_sale(&f.owner, &parked.id, &[]).unwrap_err();
    assert!(matches!(err, Error::SaleParked), "{err:?}");
    edit(&f, &f.owner, &parked, SaleEdit::Resume);
    let err = f
        .shop
        .complete_sale(&f.owner, &parked.id, &[tender(TenderKind::Cash, "")])
        .unwrap_err();
    assert!(matches!(err, Error::NoShiftOpen), "{err:?}");
    f.shop.open_shift(&f.owner, "50").unwrap();
    f.shop
        .complete_sale(&f.owner, &parked.id, &[tender(TenderKind::Cash, "")])
        .unwrap();
    assert_eq!(f.shop.current_shift(&f.owner).unwrap().unwrap().sales, 1);
    assert!(f.shop.verify_journal(&f.owner).unwrap().problems.is_empty());
}

#[test]
fn the_journal_finds_an_edited_sale_and_a_missing_entry() {
    let (f, _) = counter();
    for _ in 0..3 {
        let s = f.shop.new_sale(&f.owner).unwrap();
        let s = scan(&f, &s, "TEE-M-SAGE");
        f.shop
            .complete_sale(&f.owner, &s.id, &[tender(TenderKind::Cash, "")])
            .unwrap();
    }
    let check = f.shop.verify_journal(&f.owner).unwrap();
    assert_eq!((check.entries, check.problems.len()), (3, 0));
    let raw = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    raw.execute("UPDATE sale SET total_minor = 100 WHERE number = 2", [])
        .unwrap();
    let check = f.shop.verify_journal(&f.owner).unwrap();
    assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
    assert!(check.problems[0].contains("differs from its journal entry"));
    raw.execute("UPDATE sale SET total_minor = 2400 WHERE number = 2", [])
        .unwrap();
    raw.execute_batch("DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 2;")
        .unwrap();
    let problems = f.shop.verify_journal(&f.owner).unwrap().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("entries 2–2 are missing")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("does not follow")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("is not in the journal")),
        "{problems:?}"
    );
}

#[test]
fn items_that_must_not_be_oversold_stop_at_what_is_available() {
    let (f, _) = counter();
    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = scan(&f, &s, "TEE-M-INK");
    let line = s.lines[0].id.clone();
    let err = f
        .shop
        .edit_sale(
            &f.owner,
            &s.id,
            &SaleEdit::Quantity {
                line_id: line.clone(),
                quantity: 11,
            },
            None,
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("only 10 of Organic Tee (M / Ink) available"),
        "{err}"
    );
    let s = edit(
        &f,
        &f.owner,
        &s,
        SaleEdit::Quantity {
            line_id: line,
            quantity: 10,
        },
    );
    assert_eq!(s.total.minor(), 26000);
    let err = f
        .shop
        .edit_sale(
            &f.owner,
            &s.id,
            &SaleEdit::Scan {
                code: "999999".into(),
            },
            None,
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownCode { code } if code == "999999"),
        "{err:?}"
    );
    assert_eq!(
        f.shop.sale(&f.owner, &s.id).unwrap().lines.len(),
        1,
        "an unknown code leaves the cart as it was"
    );
}

#[test]
fn the_counter_sells_only_what_is_on_its_own_shelves() {
    let (f, ids) = counter();
    let (_, back_room) = locations(&f);
    adjust(&f, &ids[2], &back_room, 5);
    let s = f.shop.new_sale(&f.owner).unwrap();
    let s = scan(&f, &s, "TEE-M-INK");
    let line = s.lines[0].id.clone();
    let eleven = SaleEdit::Quantity {
        line_id: line,
        quantity: 11,
    };
    let err = f
        .shop
        .edit_sale(&f.owner, &s.id, &eleven, None)
        .unwrap_err();
    assert!(
        matches!(err, Error::NotEnoughStock { available: 10, .. }),
        "the 5 in the back room are not on the shop floor the shift sells from: {err}"
    );
}

#[test]
fn the_first_scan_starts_the_cart_and_a_bad_one_leaves_none() {
    let (f, _) = counter();
    let scan_first = |code: &str| {
        f.shop
            .start_sale(&f.owner, &SaleEdit::Scan { code: code.into() }, None)
    };
    let err = scan_first("NO-SUCH-CODE").unwrap_err();
    assert!(matches!(err, Error::UnknownCode { .. }), "{err}");
    assert!(
        f.shop.current_sale(&f.owner).unwrap().is_none(),
        "a refused first scan leaves no empty cart"
    );
    let s = scan_first("TEE-S-SAGE").unwrap();
    assert_eq!(s.lines.len(), 1);
    assert_eq!(f.shop.current_sale(&f.owner).unwrap().unwrap().id, s.id);
    let s = scan(&f, &s, "TEE-S-SAGE");
    assert_eq!((s.lines.len(), s.lines[0].quantity), (1, 2));
}
