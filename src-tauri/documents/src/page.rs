//! The page layout layer for A4/Letter documents (invoices, credit notes, slips, lists): text
//! measured with the embedded font, wrapping, right-aligned columns, tables that break across
//! pages with their header repeated, and "Page n of m" footers.

use crate::font::{Font, FontUse};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use shopdesk_core::order::invoice::PaperSize;

pub(crate) const MARGIN: f32 = 50.0;
const FOOTER: f32 = 40.0;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

#[derive(Clone)]
pub(crate) struct Column {
    pub title: std::borrow::Cow<'static, str>,
    /// Share of the text width.
    pub width: f32,
    pub align: Align,
}

impl Column {
    pub fn new(title: &'static str, width: f32, align: Align) -> Column {
        Column {
            title: title.into(),
            width,
            align,
        }
    }
}

/// Space before a left-aligned column that follows another, so a right-aligned figure and the
/// text after it never touch.
fn gutter(column: usize) -> f32 {
    if column == 0 {
        0.0
    } else {
        8.0
    }
}

pub(crate) struct Sheet {
    width: f32,
    height: f32,
    pages: Vec<Content>,
    y: f32,
    regular: FontUse,
    bold: FontUse,
    table: Option<Vec<Column>>,
    footer: String,
    /// "Page n of m" and the footer on every page (not on labels).
    numbered: bool,
}

/// One printer dot at 203 dpi, the common thermal label printers' resolution, in points.
pub(crate) const DOT_203: f32 = 72.0 / 203.0;

/// Code128 modules for `data`: charset C (digit pairs, half as wide) for an even run of
/// digits, else charset B.
fn code128(data: &str) -> Vec<u8> {
    let all_digits = !data.is_empty()
        && data.len().is_multiple_of(2)
        && data.bytes().all(|b| b.is_ascii_digit());
    let prefixed = if all_digits {
        format!("Ć{data}")
    } else {
        format!("Ɓ{data}")
    };
    barcoders::sym::code128::Code128::new(prefixed)
        .map(|c| c.encode())
        .unwrap_or_default()
}

impl Sheet {
    pub fn new(paper: PaperSize, footer: String) -> Sheet {
        let (width, height) = match paper {
            PaperSize::A4 => (595.28, 841.89),
            PaperSize::Letter => (612.0, 792.0),
        };
        Sheet {
            width,
            height,
            pages: vec![Content::new()],
            y: height - MARGIN,
            regular: FontUse::new(Font::regular()),
            bold: FontUse::new(Font::bold()),
            table: None,
            footer,
            numbered: true,
        }
    }

    /// The same paper turned sideways, for wide tables (reports).
    pub fn landscape(paper: PaperSize, footer: String) -> Sheet {
        let mut s = Sheet::new(paper, footer);
        std::mem::swap(&mut s.width, &mut s.height);
        s.y = s.height - MARGIN;
        s
    }

    /// A sheet of any size with no footer or page numbers (labels).
    pub fn plain(width: f32, height: f32) -> Sheet {
        Sheet {
            width,
            height,
            pages: vec![Content::new()],
            y: height,
            regular: FontUse::new(Font::regular()),
            bold: FontUse::new(Font::bold()),
            table: None,
            footer: String::new(),
            numbered: false,
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = self.height - MARGIN;
    }

    fn page(&mut self) -> &mut Content {
        self.pages.last_mut().expect("a sheet always has a page")
    }

    /// Draws with the coordinate system changed by `matrix` (PDF `cm`), then restores it.
    pub fn transformed(&mut self, matrix: [f32; 6], draw: impl FnOnce(&mut Sheet)) {
        self.page().save_state().transform(matrix);
        draw(self);
        self.page().restore_state();
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), weight: f32) {
        self.page()
            .set_line_width(weight)
            .move_to(from.0, from.1)
            .line_to(to.0, to.1)
            .stroke();
    }

    /// The width of `data` as a Code128 symbol with its quiet zones, at `module` points.
    pub fn barcode_width(data: &str, module: f32) -> f32 {
        (code128(data).len() + 20) as f32 * module
    }

    /// A Code128 symbol with its bottom-left bar edge at (`x`, `y`); bars are whole multiples of
    /// `module`, so at a 203 dpi module they fall on the printer's dots.
    pub fn barcode(&mut self, x: f32, y: f32, height: f32, module: f32, data: &str) {
        let modules = code128(data);
        let page = self.page();
        let mut i = 0;
        while i < modules.len() {
            if modules[i] == 1 {
                let start = i;
                while i < modules.len() && modules[i] == 1 {
                    i += 1;
                }
                page.rect(
                    x + module * start as f32,
                    y,
                    module * (i - start) as f32,
                    height,
                );
            } else {
                i += 1;
            }
        }
        page.fill_nonzero();
    }

    pub fn text_width(&self) -> f32 {
        self.width - 2.0 * MARGIN
    }

    pub fn right(&self) -> f32 {
        self.width - MARGIN
    }

    pub fn y(&self) -> f32 {
        self.y
    }

    pub fn set_y(&mut self, y: f32) {
        self.y = y;
    }

    pub fn measure(&self, text: &str, size: f32, bold: bool) -> f32 {
        let f = if bold { Font::bold() } else { Font::regular() };
        f.width(text, size)
    }

    /// Text with its left end at `x` on the baseline `y`.
    pub fn put(&mut self, x: f32, y: f32, text: &str, size: f32, bold: bool) {
        if text.is_empty() {
            return;
        }
        let (font, name) = if bold {
            (&mut self.bold, Name(b"F2"))
        } else {
            (&mut self.regular, Name(b"F1"))
        };
        let bytes = font.encode(text);
        let page = self.pages.last_mut().expect("a sheet always has a page");
        page.begin_text()
            .set_font(name, size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    /// Text with its right end at `x`.
    pub fn put_right(&mut self, x: f32, y: f32, text: &str, size: f32, bold: bool) {
        let w = self.measure(text, size, bold);
        self.put(x - w, y, text, size, bold);
    }

    /// Breaks `text` into lines no wider than `width` (at spaces; a word longer than the line is
    /// cut where it must be).
    pub fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.measure(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut rest = word.to_string();
                while self.measure(&rest, size, bold) > width {
                    let mut cut = rest.len();
                    while cut > 1 && self.measure(&rest[..cut], size, bold) > width {
                        cut = rest[..cut].char_indices().last().map_or(0, |(i, _)| i);
                    }
                    let cut = cut.max(rest.chars().next().map_or(1, char::len_utf8));
                    lines.push(rest[..cut].to_string());
                    rest = rest[cut..].to_string();
                }
                line = rest;
            }
            lines.push(line);
        }
        lines
    }

    /// Writes lines from the cursor down, wrapped to `width`.
    pub fn paragraph(&mut self, x: f32, width: f32, text: &str, size: f32, bold: bool) {
        for line in self.wrap(text, width, size, bold) {
            self.ensure(size * 1.35);
            self.y -= size * 1.35;
            self.put(x, self.y, &line, size, bold);
        }
    }

    pub fn rule(&mut self, y: f32, weight: f32) {
        let right = self.right();
        let page = self.pages.last_mut().expect("a sheet always has a page");
        page.set_line_width(weight)
            .move_to(MARGIN, y)
            .line_to(right, y)
            .stroke();
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// Starts a new page when less than `space` is left above the footer; a table in progress
    /// repeats its header there.
    pub fn ensure(&mut self, space: f32) {
        if self.y - space >= MARGIN + FOOTER {
            return;
        }
        self.pages.push(Content::new());
        self.y = self.height - MARGIN;
        if let Some(cols) = self.table.clone() {
            self.header_row(&cols);
        }
    }

    fn column_x(&self, cols: &[Column]) -> Vec<(f32, f32)> {
        let total: f32 = cols.iter().map(|c| c.width).sum();
        let mut x = MARGIN;
        cols.iter()
            .map(|c| {
                let w = c.width / total * self.text_width();
                let start = x;
                x += w;
                (start, w)
            })
            .collect()
    }

    fn header_row(&mut self, cols: &[Column]) {
        let xs = self.column_x(cols);
        self.y -= 14.0;
        for (i, (c, (x, w))) in cols.iter().zip(xs).enumerate() {
            match c.align {
                Align::Left => self.put(x + gutter(i), self.y, &c.title, 8.5, true),
                Align::Right => self.put_right(x + w, self.y, &c.title, 8.5, true),
            }
        }
        self.y -= 5.0;
        self.rule(self.y, 0.6);
    }

    pub fn start_table(&mut self, cols: Vec<Column>) {
        self.ensure(40.0);
        self.header_row(&cols);
        self.table = Some(cols);
    }

    /// One table row; the first column wraps, the others are single figures.
    pub fn row(&mut self, cells: &[String], size: f32) {
        let cols = self.table.clone().expect("row inside a table");
        let xs = self.column_x(&cols);
        let lines = self.wrap(&cells[0], xs[0].1 - 6.0, size, false);
        let leading = size * 1.35;
        self.ensure(leading * lines.len() as f32 + 4.0);
        let top = self.y;
        for (i, (c, (x, w))) in cols.iter().zip(&xs).enumerate() {
            if i == 0 {
                for (n, l) in lines.iter().enumerate() {
                    self.put(*x, top - leading * (n as f32 + 1.0), l, size, false);
                }
                continue;
            }
            let text = cells.get(i).map(String::as_str).unwrap_or("");
            match c.align {
                Align::Left => self.put(x + gutter(i), top - leading, text, size, false),
                Align::Right => self.put_right(x + w, top - leading, text, size, false),
            }
        }
        self.y = top - leading * lines.len() as f32 - 4.0;
    }

    pub fn end_table(&mut self) {
        self.table = None;
        self.rule(self.y, 0.6);
    }

    pub fn finish(mut self) -> Vec<u8> {
        let count = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut finished = Vec::with_capacity(count);
        for (i, mut content) in pages.into_iter().enumerate() {
            if !self.numbered {
                finished.push(content.finish());
                continue;
            }
            let label = format!("Page {} of {count}", i + 1);
            let footer = self.footer.clone();
            self.pages.push(content);
            self.put(MARGIN, MARGIN - 10.0, &footer, 7.5, false);
            let right = self.right();
            self.put_right(right, MARGIN - 10.0, &label, 7.5, false);
            content = self.pages.pop().expect("just pushed");
            finished.push(content.finish());
        }
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let (regular, bold) = (Ref::new(3), Ref::new(8));
        let first_page = 13;
        let page_refs: Vec<Ref> = (0..count as i32)
            .map(|i| Ref::new(first_page + 2 * i))
            .collect();
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_refs.iter().copied())
            .count(count as i32);
        for (i, body) in finished.iter().enumerate() {
            let (page, stream) = (page_refs[i], Ref::new(first_page + 2 * i as i32 + 1));
            let mut p = pdf.page(page);
            p.media_box(Rect::new(0.0, 0.0, self.width, self.height))
                .parent(tree)
                .contents(stream);
            p.resources()
                .fonts()
                .pair(Name(b"F1"), regular)
                .pair(Name(b"F2"), bold);
            p.finish();
            pdf.stream(stream, body);
        }
        self.regular.write(&mut pdf, regular);
        self.bold.write(&mut pdf, bold);
        pdf.finish()
    }
}
