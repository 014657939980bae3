//! Order fixtures: a shop with the tee in stock, an Irish address, order drafts, and the steps
//! (pay, ship) most order tests take.

use super::*;
use shopdesk_core::channel::{RemoteLine, RemoteOrder};
use shopdesk_core::order::{
    Address, Order, OrderDraft, OrderLineDraft, PaymentDraft, ShipmentDraft,
};
use shopdesk_core::stock::StockLevel;
use shopdesk_core::Timestamp;

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

/// A marketplace's order `id` as a connector reads it: a buyer in Galway, `lines` of (line id,
/// SKU, quantity) at 12.00 each, shipping 4.95, paid.
pub fn remote_order(
    id: &str,
    updated: i64,
    currency: &str,
    lines: &[(&str, &str, i64)],
) -> RemoteOrder {
    RemoteOrder {
        external_id: id.into(),
        number: format!("#{id}"),
        updated_at: Timestamp(updated),
        currency: currency.into(),
        email: format!("buyer{id}@example.ie"),
        shipping: Address {
            name: "Aoife Byrne".into(),
            line1: "3 Quay Street".into(),
            city: "Galway".into(),
            postal_code: "H91 X2Y3".into(),
            country: "IE".into(),
            ..Default::default()
        },
        lines: lines
            .iter()
            .map(|(rid, sku, quantity)| RemoteLine {
                remote_id: (*rid).into(),
                sku: (*sku).into(),
                title: format!("Item {sku}"),
                quantity: *quantity,
                unit_price_minor: 1200,
                discount_minor: 0,
            })
            .collect(),
        shipping_method: "Standard".into(),
        shipping_minor: 495,
        total_minor: 4095,
        paid: true,
        raw: serde_json::json!({ "id": id }),
        ..Default::default()
    }
}
