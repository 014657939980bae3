//! Marketplace keys in a real OS keychain: on Linux the Secret Service (gnome-keyring, run
//! headless by `tests/keychain.sh` under `make test`). A key is stored, read back, replaced by
//! Change key, and never written to the database; a refused connection stores nothing.

mod common;

use common::*;
use shopdesk_core::channel::NewChannel;
use shopdesk_sync::keychain;
use shopdesk_testkit::keychain_here;

#[test]
fn a_key_lives_in_the_keychain_never_in_the_database() {
    if !keychain_here() {
        return;
    }
    let f = shop_with("USD", "us", &[("VMUG-BLUE", "12.00", 5)]);
    // A name of its own, so runs never meet each other's entries.
    let name = format!("kc-{}", std::process::id());
    let new = NewChannel {
        name: name.clone(),
        kind: "vendure".into(),
        base_url: "http://127.0.0.1:9".into(),
        interval_secs: 0,
    };
    let ch = keychain::connect(&f.shop, &f.owner, &new, "superadmin:s3cret-one").unwrap();
    assert_eq!(
        keychain::secret(&ch.name).as_deref(),
        Some("superadmin:s3cret-one")
    );

    // A second channel of the same name is refused and the first key stays.
    let err = keychain::connect(&f.shop, &f.owner, &new, "someone:else").unwrap_err();
    assert_eq!(err.code(), shopdesk_core::ErrorCode::Conflict, "{err}");
    assert_eq!(
        keychain::secret(&ch.name).as_deref(),
        Some("superadmin:s3cret-one")
    );

    keychain::change_key(&f.shop, &f.owner, &ch.name, "superadmin:s3cret-two").unwrap();
    assert_eq!(
        keychain::secret(&ch.name).as_deref(),
        Some("superadmin:s3cret-two")
    );

    let db = std::fs::read(f.path()).unwrap();
    let wal = std::fs::read(f.path().with_extension("sqlite3-wal")).unwrap_or_default();
    for bytes in [db, wal] {
        assert!(
            !bytes.windows(6).any(|w| w == b"s3cret"),
            "a key reached the database file"
        );
    }
}
