//! Order fixtures: a shop with the tee in stock, an Irish address, order drafts, and the steps
//! (pay, ship) most order tests take.

use super::*;
use shopdesk_core::order::{
    Address, Order, OrderDraft, OrderLineDraft, PaymentDraft, ShipmentDraft,
};
use shopdesk_core::stock::StockLevel;

/// A shop with the tee in stock: 10 of each variant on the shop floor.
pub fn shop() -> (Fixture, Vec<String>) {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, _) = locations(&f);
    let ids: Vec<String> = p.variants.iter().map(|v| v.id.clone()).collect();
    for v in &ids {
        adjust(&f, v, &floor, 10);
    }
    (f, ids)
}

pub fn dublin(name: &str) -> Address {
    Address {
        name: name.into(),
        line1: "1 Grafton Street".into(),
        city: "Dublin".into(),
        postal_code: "D02 X285".into(),
        country: "IE".into(),
        ..Default::default()
    }
}

pub fn line(sku: &str, qty: i64) -> OrderLineDraft {
    OrderLineDraft {
        sku: sku.into(),
        quantity: qty,
        ..Default::default()
    }
}

pub fn order_draft(email: &str, lines: Vec<OrderLineDraft>) -> OrderDraft {
    OrderDraft {
        email: email.into(),
        shipping: dublin("Zoë Müller"),
        lines,
        shipping_method: "An Post".into(),
        shipping_price: "5.00".into(),
        ..Default::default()
    }
}

pub fn level(f: &Fixture, variant: &str) -> StockLevel {
    f.shop.stock_levels(&f.owner, variant).unwrap().remove(0)
}

pub fn pay_all(f: &Fixture, o: &Order) -> Order {
    f.shop
        .record_order_payment(
            &f.owner,
            &o.id,
            &PaymentDraft {
                method: "card".into(),
                ..Default::default()
            },
        )
        .unwrap()
}

pub fn ship_all(f: &Fixture, o: &Order) -> Order {
    f.shop
        .ship_order(
            &f.owner,
            &o.id,
            &ShipmentDraft {
                carrier: "An Post".into(),
                tracking: "CE123456789IE".into(),
                lines: vec![],
            },
        )
        .unwrap()
}
