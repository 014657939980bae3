//! Shipping labels: 4 × 6 in for thermal printers, A6, or two to an A4 sheet. One page (or half
//! sheet) per parcel: sender, recipient in the destination's order, carrier and service, weight,
//! order, parcel n of m, and the tracking number as Code128 with its text.
//!
//! The layout is drawn once in 4 × 6 in units; other sizes scale it. On 4 × 6 in the barcode's
//! bars are whole 203 dpi dots, so a thermal printer reproduces them without blur.

use crate::page::{Sheet, DOT_203};
use shopdesk_core::packing::shipping::LabelSize;
use shopdesk_core::packing::Label;

const W: f32 = 288.0;
const H: f32 = 432.0;
const PAD: f32 = 14.0;
const A4: (f32, f32) = (595.28, 841.89);
const A6: (f32, f32) = (297.64, 419.53);

/// Page size in points for a label size (A4 for two-up sheets).
pub fn label_page(size: LabelSize) -> (f32, f32) {
    match size {
        LabelSize::FourBySix => (W, H),
        LabelSize::A6 => A6,
        LabelSize::A4Two => A4,
    }
}

/// Every label into one PDF, in order.
pub fn labels_pdf(labels: &[Label], size: LabelSize) -> Vec<u8> {
    let (pw, ph) = label_page(size);
    let mut s = Sheet::plain(pw, ph);
    for (i, label) in labels.iter().enumerate() {
        match size {
            LabelSize::FourBySix => {
                if i > 0 {
                    s.new_page();
                }
                draw(&mut s, label);
            }
            LabelSize::A6 => {
                if i > 0 {
                    s.new_page();
                }
                let k = (pw / W).min(ph / H);
                let (dx, dy) = ((pw - W * k) / 2.0, (ph - H * k) / 2.0);
                s.transformed([k, 0.0, 0.0, k, dx, dy], |s| draw(s, label));
            }
            LabelSize::A4Two => {
                // Two half sheets, each holding the label turned a quarter to fill it.
                if i > 0 && i % 2 == 0 {
                    s.new_page();
                }
                let half = ph / 2.0;
                let k = (pw / H).min(half / W);
                let ox = (pw - H * k) / 2.0;
                let oy = if i % 2 == 0 { half } else { 0.0 } + (half - W * k) / 2.0;
                s.transformed([0.0, k, -k, 0.0, ox + H * k, oy], |s| draw(s, label));
                if i % 2 == 0 {
                    s.line((20.0, half), (pw - 20.0, half), 0.3);
                }
            }
        }
    }
    s.finish()
}

fn put_lines(s: &mut Sheet, lines: &[String], mut y: f32, size: f32, first_bold: bool) -> f32 {
    for (i, l) in lines.iter().enumerate() {
        for part in s.wrap(l, W - 2.0 * PAD, size, first_bold && i == 0) {
            s.put(PAD, y, &part, size, first_bold && i == 0);
            y -= size * 1.25;
        }
    }
    y
}

fn draw(s: &mut Sheet, l: &Label) {
    let right = W - PAD;
    // Sender, small, top left; the carrier big, top right.
    s.put(PAD, H - PAD - 6.0, "FROM", 6.5, true);
    let mut y = H - PAD - 15.0;
    for line in l.sender.iter().take(5) {
        s.put(PAD, y, line, 7.0, false);
        y -= 8.5;
    }
    s.put_right(right, H - PAD - 14.0, &l.carrier, 16.0, true);
    if !l.service.is_empty() {
        s.put_right(right, H - PAD - 27.0, &l.service, 9.0, false);
    }
    let rule = y.min(H - PAD - 56.0) - 4.0;
    s.line((PAD, rule), (right, rule), 1.0);

    // Recipient, the biggest text on the label.
    s.put(PAD, rule - 14.0, "SHIP TO", 7.5, true);
    let after = put_lines(s, &l.recipient, rule - 32.0, 13.0, true);
    let rule2 = after.min(rule - 150.0) - 4.0;
    s.line((PAD, rule2), (right, rule2), 1.0);

    // Parcel facts in two columns.
    let facts = [
        ("Order", l.order_name.clone()),
        ("Weight", l.weight.clone()),
        ("Parcel", format!("{} of {}", l.parcel, l.parcels)),
        ("Shipped", l.date.clone()),
    ];
    for (i, (k, v)) in facts.iter().enumerate() {
        let x = if i % 2 == 0 { PAD } else { W / 2.0 + 4.0 };
        let fy = rule2 - 14.0 - (i / 2) as f32 * 24.0;
        s.put(x, fy, k, 6.5, true);
        s.put(x, fy - 11.0, v, 11.0, true);
    }
    if l.express {
        s.put_right(right, rule2 - 60.0, "EXPRESS", 12.0, true);
    }
    let rule3 = rule2 - 66.0;
    s.line((PAD, rule3), (right, rule3), 1.0);

    // Tracking barcode: the widest whole-dot module that fits, bars on the dot grid.
    s.put(PAD, rule3 - 12.0, "TRACKING", 6.5, true);
    let module = (1..=4)
        .rev()
        .map(|k| k as f32 * DOT_203)
        .find(|m| Sheet::barcode_width(&l.tracking, *m) <= W - 8.0)
        .unwrap_or(DOT_203);
    let width = Sheet::barcode_width(&l.tracking, module);
    let x = (((W - width) / 2.0 / DOT_203).round() + 10.0 * module / DOT_203) * DOT_203;
    let bar_top = rule3 - 20.0;
    let height = (bar_top - PAD - 20.0).clamp(40.0, 80.0);
    s.barcode(x, bar_top - height, height, module, &l.tracking);
    let text_w = s.measure(&l.tracking, 11.0, true);
    s.put(
        (W - text_w) / 2.0,
        bar_top - height - 14.0,
        &l.tracking,
        11.0,
        true,
    );
}
