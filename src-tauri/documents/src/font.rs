//! Embedded fonts for page documents: DejaVu Sans (Latin, Greek, Cyrillic), measured with
//! ttf-parser and embedded as a subset of only the glyphs a document uses, with a ToUnicode map so
//! the text stays searchable and extractable.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

pub(crate) struct Font {
    data: &'static [u8],
    face: Face<'static>,
    name: &'static str,
}

impl Font {
    fn load(data: &'static [u8], name: &'static str) -> Font {
        Font {
            data,
            // The bytes come from the `dejavu` crate and parse on every platform.
            face: Face::parse(data, 0).expect("DejaVu parses"),
            name,
        }
    }

    pub fn regular() -> &'static Font {
        static F: OnceLock<Font> = OnceLock::new();
        F.get_or_init(|| Font::load(dejavu::sans::regular(), "DejaVuSans"))
    }

    pub fn bold() -> &'static Font {
        static F: OnceLock<Font> = OnceLock::new();
        F.get_or_init(|| Font::load(dejavu::sans::bold(), "DejaVuSans-Bold"))
    }

    fn scale(&self) -> f32 {
        1.0 / self.face.units_per_em() as f32
    }

    fn glyph(&self, c: char) -> GlyphId {
        self.face.glyph_index(c).unwrap_or(GlyphId(0))
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| u32::from(self.face.glyph_hor_advance(self.glyph(c)).unwrap_or(0)))
            .sum();
        units as f32 * self.scale() * size
    }
}

/// One font as used by one document: which glyphs it needs, under their subset ids.
pub(crate) struct FontUse {
    font: &'static Font,
    remapper: GlyphRemapper,
    chars: BTreeMap<u16, char>,
}

impl FontUse {
    pub fn new(font: &'static Font) -> FontUse {
        FontUse {
            font,
            remapper: GlyphRemapper::new(),
            chars: BTreeMap::new(),
        }
    }

    /// The bytes to show `text` (two-byte subset glyph ids, Identity-H).
    pub fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let new = self.remapper.remap(self.font.glyph(c).0);
            self.chars.entry(new).or_insert(c);
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    /// Writes the font objects: the Type0 font at `id`, its descendant, descriptor, subset file
    /// and ToUnicode map at the next four refs.
    pub fn write(self, pdf: &mut Pdf, id: Ref) {
        let (cid, descriptor, file, cmap) = (
            Ref::new(id.get() + 1),
            Ref::new(id.get() + 2),
            Ref::new(id.get() + 3),
            Ref::new(id.get() + 4),
        );
        let f = self.font;
        let scale = f.scale() * 1000.0;
        // A subset's name carries a six-letter tag made from what it contains.
        let tag: String = {
            let mut h: u32 = 2166136261;
            for (g, c) in &self.chars {
                h = (h ^ (*g as u32) ^ (*c as u32)).wrapping_mul(16777619);
            }
            (0..6)
                .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
                .collect()
        };
        let base = format!("{tag}+{}", f.name);
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(id)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(Name(base.as_bytes()))
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|old| f.face.glyph_hor_advance(GlyphId(old)).unwrap_or(0) as f32 * scale)
            .collect();
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();
        let bbox = f.face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(Name(base.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                bbox.x_min as f32 * scale,
                bbox.y_min as f32 * scale,
                bbox.x_max as f32 * scale,
                bbox.y_max as f32 * scale,
            ))
            .italic_angle(0.0)
            .ascent(f.face.ascender() as f32 * scale)
            .descent(f.face.descender() as f32 * scale)
            .cap_height(f.face.capital_height().unwrap_or(f.face.ascender()) as f32 * scale)
            .stem_v(if f.name.contains("Bold") { 140.0 } else { 80.0 })
            .font_file2(file);
        // The subset of a font that parsed cannot fail for glyphs that font maps; fall back to
        // the whole font rather than lose the document.
        let subset =
            subsetter::subset(f.data, 0, &self.remapper).unwrap_or_else(|_| f.data.to_vec());
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
        pdf.stream(file, &packed).filter(Filter::FlateDecode);
        let mut map = UnicodeCmap::new(Name(b"Custom"), system);
        for (g, c) in &self.chars {
            map.pair(*g, *c);
        }
        pdf.cmap(cmap, &map.finish());
    }
}
