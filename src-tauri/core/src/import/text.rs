//! Files from other systems as text: UTF-8 with or without a byte-order mark, UTF-16 with one,
//! and what Excel on Windows writes for "CSV (Comma delimited)" — the machine's ANSI code page,
//! Windows-1252 in western Europe and the Americas — detected and converted, never refused.

/// How a file was read, to say so to the person who gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1252 => "Windows-1252 (Excel)",
        }
    }
}

/// The file's text: a byte-order mark decides; else valid UTF-8 is UTF-8; else Windows-1252,
/// which maps every byte (encoding_rs, the WHATWG decoders browsers use, so "€" from Excel's
/// 0x80 arrives as the euro sign).
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        let kind = if enc == encoding_rs::UTF_8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        return (text.into_owned(), kind);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), Encoding::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), Encoding::Windows1252)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_on_windows_is_read_as_windows_1252() {
        // "Crème brûlée mug,€12" as Excel for Windows saves it.
        let bytes = b"Title,Price\nCr\xe8me br\xfbl\xe9e mug,\x8012\n";
        let (text, enc) = decode(bytes);
        assert_eq!(enc, Encoding::Windows1252);
        assert_eq!(text, "Title,Price\nCrème brûlée mug,€12\n");
    }

    #[test]
    fn utf8_with_or_without_a_mark_and_utf16_with_one() {
        assert_eq!(decode("Zoë".as_bytes()), ("Zoë".into(), Encoding::Utf8));
        assert_eq!(
            decode(b"\xef\xbb\xbfZo\xc3\xab"),
            ("Zoë".into(), Encoding::Utf8)
        );
        assert_eq!(
            decode(b"\xff\xfeZ\0o\0\xeb\0"),
            ("Zoë".into(), Encoding::Utf16)
        );
    }
}
