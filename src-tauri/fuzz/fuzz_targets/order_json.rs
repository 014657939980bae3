//! Any bytes as `shopdesk order create` JSON (one order or a list): never a panic, and an order
//! that is refused writes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shopdesk_core::order::OrderDraft;

fuzz_target!(|data: &[u8]| {
    let f = shopdesk_fuzz::fixture();
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let drafts: Vec<OrderDraft> = match value {
        serde_json::Value::Array(_) => serde_json::from_value(value).unwrap_or_default(),
        other => serde_json::from_value(other).map(|d| vec![d]).unwrap_or_default(),
    };
    for d in drafts.iter().take(5) {
        let before = f.written();
        if f.shop.create_order(&f.owner, d).is_err() {
            assert_eq!(before, f.written(), "a refused order wrote something");
        }
    }
});
