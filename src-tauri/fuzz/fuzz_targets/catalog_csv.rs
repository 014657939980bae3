//! Any bytes as a Shopify product CSV (Excel's Windows-1252 included): the preview and the import
//! never panic, and an import that is refused writes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shopdesk_core::import::text::decode;

fuzz_target!(|data: &[u8]| {
    let f = shopdesk_fuzz::fixture();
    let (text, _) = decode(data);
    let _ = f.shop.preview_catalog_import(&f.owner, &text);
    let before = f.written();
    if f.shop.import_catalog(&f.owner, &text, &mut |_, _| {}).is_err() {
        assert_eq!(before, f.written(), "a refused import wrote something");
    }
});
