//! The bench's A4/Letter papers: the packing slip of a shipment, pick lists (a batch grouped by
//! item and sorted by bin, or one per order) and the dropship order a supplier receives. Order
//! numbers print as Code128 ("O1042") so the packer opens the order by scanning its paper.

use crate::page::{Align, Column, Sheet, MARGIN};
use shopdesk_core::order::supplier_order::SupplierOrder;
use shopdesk_core::packing::{PackingSlip, PickList};

/// Module width of the order barcodes on office paper.
const MODULE: f32 = 1.0;

fn col(title: &'static str, width: f32, align: Align) -> Column {
    Column::new(title, width, align)
}

/// Title left, order barcode with its number right, on the first line of a page.
fn heading(s: &mut Sheet, title: &str, subtitle: &str, code: Option<&str>) {
    let top = s.y();
    s.put(MARGIN, top - 18.0, title, 18.0, true);
    s.put(MARGIN, top - 34.0, subtitle, 10.0, false);
    if let Some(code) = code {
        let w = Sheet::barcode_width(code, MODULE);
        let x = s.right() - w + 10.0 * MODULE;
        s.barcode(x, top - 40.0, 36.0, MODULE, code);
        s.put_right(s.right() - 10.0 * MODULE, top - 51.0, code, 8.0, false);
    }
    s.set_y(top - 64.0);
}

fn block(s: &mut Sheet, x: f32, top: f32, title: &str, lines: &[String]) -> f32 {
    s.put(x, top, title, 8.5, true);
    let mut y = top - 13.0;
    for l in lines {
        s.put(x, y, l, 10.0, false);
        y -= 12.5;
    }
    y
}

pub fn packing_slip_pdf(p: &PackingSlip) -> Vec<u8> {
    let mut s = Sheet::new(
        p.paper,
        format!("{} · packing slip {}", p.shop, p.order_name),
    );
    heading(
        &mut s,
        "PACKING SLIP",
        &format!(
            "Order {} · placed {} · shipped {}",
            p.order_name, p.placed, p.shipped
        ),
        Some(&p.order_code),
    );
    let top = s.y();
    let mut from = vec![p.shop.clone()];
    from.extend(p.shop_lines.iter().cloned());
    let y1 = block(&mut s, MARGIN, top, "From", &from);
    let mid = MARGIN + s.text_width() / 2.0;
    let mut to = p.ship_to.clone();
    if !p.shipping_method.is_empty() {
        to.push(format!("Delivery: {}", p.shipping_method));
    }
    let y2 = block(&mut s, mid, top, "Ship to", &to);
    s.set_y(y1.min(y2) - 10.0);
    s.start_table(vec![
        col("Item", 0.46, Align::Left),
        col("SKU", 0.18, Align::Left),
        col("Ordered", 0.12, Align::Right),
        col("In this parcel", 0.14, Align::Right),
        col("To follow", 0.10, Align::Right),
    ]);
    for l in &p.lines {
        s.row(
            &[
                l.title.clone(),
                l.sku.clone(),
                l.ordered.to_string(),
                l.packed.to_string(),
                match l.to_follow {
                    0 => String::new(),
                    n => n.to_string(),
                },
            ],
            9.5,
        );
    }
    s.end_table();
    if p.lines.iter().any(|l| l.to_follow > 0) {
        s.gap(6.0);
        let w = s.text_width();
        s.paragraph(
            MARGIN,
            w,
            "Items in the \"To follow\" column come in a separate parcel.",
            9.0,
            false,
        );
    }
    s.finish()
}

/// Every list in one PDF, each starting on its own page.
pub fn pick_lists_pdf(lists: &[PickList]) -> Vec<u8> {
    let paper = lists
        .first()
        .map(|l| l.paper)
        .unwrap_or(shopdesk_core::order::invoice::PaperSize::A4);
    let mut s = Sheet::new(paper, "Pick list".into());
    for (i, list) in lists.iter().enumerate() {
        if i > 0 {
            s.new_page();
        }
        let single = (list.orders.len() == 1).then(|| list.orders[0].1.as_str());
        heading(
            &mut s,
            &list.title,
            &format!(
                "{} units, {} line(s), sorted by bin",
                list.units,
                list.rows.len()
            ),
            single,
        );
        if single.is_none() {
            // Every order's barcode, four to a row, so each can be opened at the bench.
            let cell = s.text_width() / 4.0;
            for chunk in list.orders.chunks(4) {
                s.ensure(56.0);
                let top = s.y();
                for (k, (name, code)) in chunk.iter().enumerate() {
                    let x = MARGIN + cell * k as f32;
                    s.barcode(x, top - 30.0, 26.0, MODULE * 0.8, code);
                    s.put(x + 8.0, top - 40.0, name, 8.0, true);
                }
                s.set_y(top - 50.0);
            }
        }
        s.start_table(vec![
            col("Bin", 0.12, Align::Left),
            col("Item", 0.40, Align::Left),
            col("SKU", 0.16, Align::Left),
            col("Qty", 0.08, Align::Right),
            col("Orders", 0.24, Align::Left),
        ]);
        for r in &list.rows {
            // The table wraps its first column; the bin goes first for the picker's eye.
            s.row(
                &[
                    if r.bin.is_empty() {
                        "—".into()
                    } else {
                        r.bin.clone()
                    },
                    r.title.clone(),
                    r.sku.clone(),
                    r.quantity.to_string(),
                    r.orders.clone(),
                ],
                9.5,
            );
        }
        s.end_table();
    }
    s.finish()
}

pub fn supplier_order_pdf(o: &SupplierOrder) -> Vec<u8> {
    let mut s = Sheet::new(
        o.paper,
        format!("{} · dropship order {}", o.buyer.name, o.code),
    );
    heading(
        &mut s,
        "DROPSHIP ORDER",
        &format!("{} · {} · for our order {}", o.code, o.date, o.order_name),
        None,
    );
    let top = s.y();
    let mut buyer = vec![o.buyer.name.clone()];
    buyer.extend(o.buyer.lines.iter().cloned());
    if !o.buyer.email.is_empty() {
        buyer.push(o.buyer.email.clone());
    }
    let y1 = block(&mut s, MARGIN, top, "From", &buyer);
    let mid = MARGIN + s.text_width() / 2.0;
    let y2 = block(
        &mut s,
        mid,
        top,
        "To",
        &[o.supplier.clone(), o.supplier_email.clone()],
    );
    s.set_y(y1.min(y2) - 10.0);
    let y = s.y();
    let y3 = block(&mut s, MARGIN, y, "Ship directly to", &o.ship_to);
    s.set_y(y3 - 10.0);
    s.start_table(vec![
        col("Item", 0.50, Align::Left),
        col("Your SKU", 0.20, Align::Left),
        col("Our SKU", 0.18, Align::Left),
        col("Qty", 0.12, Align::Right),
    ]);
    for l in &o.lines {
        s.row(
            &[
                l.title.clone(),
                l.supplier_sku.clone(),
                l.sku.clone(),
                l.quantity.to_string(),
            ],
            9.5,
        );
    }
    s.end_table();
    s.gap(8.0);
    let w = s.text_width();
    s.paragraph(
        MARGIN,
        w,
        "Please ship in neutral packaging without prices, and reply with the carrier and tracking number.",
        9.0,
        false,
    );
    s.finish()
}
