//! A receipt roll: monospaced lines (Courier, one of PDF's built-in fonts, so nothing is embedded
//! and a 42-column layout is exact), rules and a Code128 barcode, on one page as long as needed.

use crate::Paper;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const MM: f32 = 72.0 / 25.4;

enum Item {
    Text { text: String, bold: bool },
    Rule,
    Barcode(String),
    Gap,
}

pub(crate) struct Roll {
    paper: Paper,
    items: Vec<Item>,
}

impl Roll {
    pub fn new(paper: Paper) -> Roll {
        Roll {
            paper,
            items: Vec::new(),
        }
    }

    /// Characters per line: 42 on 80 mm paper, 32 on 58 mm (the usual thermal printer widths).
    pub fn columns(&self) -> usize {
        match self.paper {
            Paper::Roll80 => 42,
            Paper::Roll58 => 32,
        }
    }

    fn font_size(&self) -> f32 {
        match self.paper {
            Paper::Roll80 => 8.0,
            Paper::Roll58 => 6.8,
        }
    }

    pub fn line(&mut self, text: impl Into<String>) {
        let text: String = text.into();
        let cols = self.columns();
        // Long text wraps at the column limit instead of running off the paper.
        let chars: Vec<char> = text.chars().collect();
        if chars.is_empty() {
            self.items.push(Item::Gap);
        }
        for chunk in chars.chunks(cols) {
            self.items.push(Item::Text {
                text: chunk.iter().collect(),
                bold: false,
            });
        }
    }

    pub fn bold(&mut self, text: impl Into<String>) {
        self.items.push(Item::Text {
            text: text.into(),
            bold: true,
        });
    }

    pub fn center(&mut self, text: &str, bold: bool) {
        let cols = self.columns();
        let len = text.chars().count().min(cols);
        let pad = (cols - len) / 2;
        let t = format!(
            "{}{}",
            " ".repeat(pad),
            text.chars().take(cols).collect::<String>()
        );
        self.items.push(Item::Text { text: t, bold });
    }

    /// Text on the left, an amount on the right.
    pub fn pair(&mut self, left: &str, right: &str) {
        let cols = self.columns();
        let r = right.chars().count();
        let max_left = cols.saturating_sub(r + 1);
        let l: String = left.chars().take(max_left).collect();
        let pad = cols - l.chars().count() - r;
        self.line(format!("{l}{}{right}", " ".repeat(pad)));
    }

    pub fn rule(&mut self) {
        self.items.push(Item::Rule);
    }

    pub fn gap(&mut self) {
        self.items.push(Item::Gap);
    }

    pub fn barcode(&mut self, data: &str) {
        self.items.push(Item::Barcode(data.to_string()));
    }

    pub fn finish(self) -> Vec<u8> {
        let width = match self.paper {
            Paper::Roll80 => 80.0 * MM,
            Paper::Roll58 => 58.0 * MM,
        };
        let size = self.font_size();
        let leading = size * 1.25;
        let text_width = self.columns() as f32 * size * 0.6;
        let left = (width - text_width) / 2.0;
        let bar_height = 12.0 * MM;
        let height: f32 = 8.0 * MM
            + self
                .items
                .iter()
                .map(|i| match i {
                    Item::Barcode(_) => bar_height + leading * 2.0,
                    Item::Rule | Item::Gap => leading * 0.8,
                    Item::Text { .. } => leading,
                })
                .sum::<f32>();

        let mut content = Content::new();
        let mut y = height - 4.0 * MM;
        for item in &self.items {
            match item {
                Item::Text { text, bold } => {
                    y -= leading;
                    content
                        .begin_text()
                        .set_font(Name(if *bold { b"F2" } else { b"F1" }), size)
                        .next_line(left, y + leading * 0.2)
                        .show(Str(&win_ansi(text)))
                        .end_text();
                }
                Item::Rule => {
                    y -= leading * 0.8;
                    content
                        .set_line_width(0.5)
                        .move_to(left, y + leading * 0.4)
                        .line_to(left + text_width, y + leading * 0.4)
                        .stroke();
                }
                Item::Gap => y -= leading * 0.8,
                Item::Barcode(data) => {
                    y -= bar_height + leading;
                    let modules = barcoders::sym::code128::Code128::new(format!("Ɓ{data}"))
                        .map(|c| c.encode())
                        .unwrap_or_default();
                    // Quiet zones of 10 modules each side; the module is at least 0.25 mm so a
                    // thermal head and a scanner both resolve it.
                    let module = (text_width / (modules.len() as f32 + 20.0)).max(0.25 * MM);
                    let start = (width - module * modules.len() as f32) / 2.0;
                    for (i, bit) in modules.iter().enumerate() {
                        if *bit == 1 {
                            content.rect(start + module * i as f32, y, module, bar_height);
                        }
                    }
                    content.fill_nonzero();
                    y -= leading;
                    let pad = (self.columns().saturating_sub(data.len())) / 2;
                    content
                        .begin_text()
                        .set_font(Name(b"F1"), size)
                        .next_line(left + pad as f32 * size * 0.6, y + leading * 0.2)
                        .show(Str(&win_ansi(data)))
                        .end_text();
                }
            }
        }

        let (catalog, pages, page, regular, bold, body) = (
            Ref::new(1),
            Ref::new(2),
            Ref::new(3),
            Ref::new(4),
            Ref::new(5),
            Ref::new(6),
        );
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages);
        pdf.pages(pages).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, width, height))
            .parent(pages)
            .contents(body);
        p.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        p.finish();
        pdf.type1_font(regular)
            .base_font(Name(b"Courier"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Courier-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.stream(body, &content.finish());
        pdf.finish()
    }
}

/// Text in the built-in fonts' Windows-1252 encoding; what it cannot show becomes '?'.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '€' => 0x80,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '‘' | '’' => b'\'',
            '“' | '”' => b'"',
            _ => b'?',
        })
        .collect()
}

/// "2026-11-22 14:05" on the shop's clock. A document frozen before shops had a zone says
/// "UTC" after the time, so nobody reads it as local.
pub(crate) fn local_text(zone: &str, at: shopdesk_core::Timestamp) -> String {
    let text = shopdesk_core::ShopZone::named(zone).date_time_text(at);
    if zone.is_empty() {
        format!("{text} UTC")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_on_the_shop_clock() {
        use shopdesk_core::Timestamp;
        assert_eq!(local_text("", Timestamp(0)), "1970-01-01 00:00 UTC");
        assert_eq!(
            local_text("", Timestamp(1_795_392_300_000)),
            "2026-11-23 00:05 UTC"
        );
        // 00:05 UTC on 23 November is still the 22nd in New York.
        assert_eq!(
            local_text("America/New_York", Timestamp(1_795_392_300_000)),
            "2026-11-22 19:05"
        );
    }

    #[test]
    fn text_is_encoded_for_the_built_in_fonts() {
        assert_eq!(win_ansi("é€•✓"), vec![0xe9, 0x80, 0x95, b'?']);
    }
}
