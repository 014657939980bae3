//! The audit trail read back: a price change with its before and after, counter settings, a
//! stock adjustment, filters by kind, person, document and days, the CSV, and who may read it.

mod common;

use common::*;
use shopdesk_core::catalog::product::ProductEdit;
use shopdesk_core::shop::trail::TrailQuery;
use shopdesk_core::stock::StockAdjustment;
use shopdesk_core::Error;

fn all() -> TrailQuery {
    TrailQuery::default()
}

#[test]
fn the_trail_shows_who_changed_what_with_before_and_after() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let manager = staff(&f, "Mo", "Manager", "1357");

    // A price change.
    let mut d = tee();
    for (v, old) in d.variants.iter_mut().zip(&p.variants) {
        v.id = Some(old.id.clone());
    }
    d.variants[1].price = "25.50".into();
    f.shop
        .update_product(
            &f.owner,
            ProductEdit {
                id: p.id.clone(),
                product: d,
            },
        )
        .unwrap();
    // The receipt footer.
    let mut s = f.shop.counter_settings(&f.owner).unwrap();
    let old_footer = s.receipt_footer.clone();
    s.receipt_footer = "Thank you — see you soon".into();
    f.shop.save_counter_settings(&f.owner, &s).unwrap();
    // Stock found by the manager.
    let (floor, _) = locations(&f);
    f.shop
        .adjust_stock(
            &manager,
            StockAdjustment {
                variant_id: p.variants[0].id.clone(),
                location_id: floor,
                delta: 3,
                note: "found behind the till".into(),
            },
        )
        .unwrap();

    let page = f.shop.audit_trail(&manager, &all()).unwrap();
    let price = page
        .entries
        .iter()
        .find(|e| e.action == "product_updated")
        .expect("the price change is on the trail");
    assert_eq!(price.staff.as_deref(), Some("Nora"));
    let change = price
        .changes
        .iter()
        .find(|c| c.field.ends_with("· price"))
        .unwrap_or_else(|| panic!("{:?}", price.changes));
    assert_eq!(
        (change.before.as_str(), change.after.as_str()),
        ("24.00 EUR", "25.50 EUR")
    );

    let footer = page
        .entries
        .iter()
        .find(|e| e.action == "settings.counter")
        .unwrap();
    assert_eq!(
        footer.changes.len(),
        1,
        "only the footer changed: {:?}",
        footer.changes
    );
    assert_eq!(footer.changes[0].field, "receipt_footer");
    assert_eq!(footer.changes[0].before, old_footer);
    assert_eq!(footer.changes[0].after, "Thank you — see you soon");

    // Filters: kind, person, document, days.
    let only = |q: TrailQuery| f.shop.audit_trail(&f.owner, &q).unwrap();
    let adjusted = only(TrailQuery {
        action: Some("stock_adjusted".into()),
        ..all()
    });
    assert_eq!(adjusted.total, 1);
    assert_eq!(adjusted.entries[0].staff.as_deref(), Some("Mo"));
    assert!(adjusted.entries[0]
        .facts
        .iter()
        .any(|f| f.contains("found behind the till")));
    assert!(page.actions.contains(&"stock_adjusted".to_string()));
    let by_mo = only(TrailQuery {
        staff_id: Some(manager.staff_id().into()),
        ..all()
    });
    assert!(by_mo
        .entries
        .iter()
        .all(|e| e.staff.as_deref() == Some("Mo")));
    assert!(by_mo.total >= 2, "signed in and adjusted");
    let by_doc = only(TrailQuery {
        document: p.id.clone(),
        ..all()
    });
    assert!(by_doc
        .entries
        .iter()
        .all(|e| e.entity_id.as_deref() == Some(p.id.as_str())));
    assert_eq!(by_doc.total, 2, "created and updated");
    let long_ago = only(TrailQuery {
        from: "2001-01-01".into(),
        to: "2001-12-31".into(),
        ..all()
    });
    assert_eq!(long_ago.total, 0);
    let err = f
        .shop
        .audit_trail(
            &f.owner,
            &TrailQuery {
                from: "yesterday".into(),
                ..all()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");

    // The CSV: a row per changed field; the export itself goes on the trail.
    let csv = String::from_utf8(f.shop.audit_trail_csv(&f.owner, &all()).unwrap()).unwrap();
    assert!(csv.starts_with("time,staff,action,record,id,field,before,after"));
    assert!(csv.contains("receipt_footer"), "{csv}");
    let exported = only(TrailQuery {
        action: Some("exported".into()),
        ..all()
    });
    assert_eq!(exported.total, 1);
}

#[test]
fn a_clerk_cannot_read_the_trail() {
    let f = new_shop();
    let clerk = staff(&f, "Cal", "Clerk", "1357");
    let err = f.shop.audit_trail(&clerk, &all()).unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    let err = f.shop.audit_trail_csv(&clerk, &all()).unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
}
