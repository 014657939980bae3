//! Any bytes as one marketplace order's JSON — the first byte picks Shopify, WooCommerce or
//! Vendure — mapped as a sync run maps it and ingested: never a panic; an order that cannot be
//! read is quarantined, and a failed ingest writes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else { return };
    let f = shopdesk_fuzz::fixture();
    let (kind, channel) = &f.channels[usize::from(pick) % f.channels.len()];
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(json) else { return };
    let Some(pulled) = shopdesk_sync::pulled_from(kind, &value) else { return };
    let before = f.written();
    if f.shop.ingest_orders(channel, &[pulled]).is_err() {
        assert_eq!(before, f.written(), "a failed ingest wrote something");
    }
});
