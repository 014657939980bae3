//! The encrypted database end to end in core: a plain shop turned encrypted in place, its file,
//! log and every backup (old and new) holding none of a customer's name or e-mail on the bytes;
//! no key or a wrong key refused with nothing written; the recovery key opening it; backups of
//! an encrypted shop verified, looked into and restored with its key.

mod common;

use common::*;
use shopdesk_core::backup::{self, BackupReason};
use shopdesk_core::{encrypt_database, is_encrypted, DbKey, ErrorCode, Shop};
use shopdesk_testkit::shop::OWNER_PIN;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const NAME: &str = "Zebediah Quintrell";
const EMAIL: &str = "zeb.quintrell@example.net";

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

/// The database, its log and every file in its backup folder.
fn files_of(db: &Path) -> Vec<PathBuf> {
    let mut all = vec![
        db.to_path_buf(),
        PathBuf::from(format!("{}-wal", db.display())),
    ];
    if let Ok(entries) = std::fs::read_dir(backup::default_dir(db)) {
        all.extend(entries.flatten().map(|e| e.path()));
    }
    all.into_iter().filter(|p| p.is_file()).collect()
}

fn readable(db: &Path) -> Vec<PathBuf> {
    files_of(db)
        .into_iter()
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap();
            holds(&bytes, NAME) || holds(&bytes, EMAIL)
        })
        .collect()
}

fn sha(path: &Path) -> Vec<u8> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(path).unwrap().hash(&mut h);
    h.finish().to_le_bytes().to_vec()
}

/// A plain shop with the customer, a plain backup of it, then encrypted in place.
fn encrypted_shop() -> (Fixture, PathBuf, DbKey) {
    let f = new_shop();
    new_customer(&f, NAME, EMAIL, "");
    f.shop.back_up(BackupReason::Hourly).unwrap();
    // The next backups fall in another hour, so the retention rule keeps this one.
    f.clock.advance_ms(3_600_000);
    let path = f.shop.db_path().to_path_buf();
    // The check below can fail: a plain shop shows the name on its bytes.
    assert!(!readable(&path).is_empty(), "a plain shop is readable");
    let key = DbKey::generate().unwrap();
    f.shop
        .may_encrypt(&f.owner, OWNER_PIN, &key, &key.recovery_key())
        .unwrap();
    (encrypted(f, &key), path, key)
}

/// Closes the fixture's shop, encrypts its database with `key` and opens it again.
fn encrypted(f: Fixture, key: &DbKey) -> Fixture {
    let path = f.shop.db_path().to_path_buf();
    let Fixture {
        _dir,
        clock,
        shop,
        owner,
    } = f;
    drop(shop);
    let shop = encrypt_database(&path, clock.clone(), key, &owner).unwrap();
    Fixture {
        _dir,
        clock,
        shop,
        owner,
    }
}

#[test]
fn an_encrypted_shop_and_all_its_backups_hold_no_readable_customer() {
    let (f, path, key) = encrypted_shop();
    assert!(f.shop.is_encrypted());
    assert!(is_encrypted(&path).unwrap());
    // The customer is still there for the shop, and new work is encrypted too.
    let found = f
        .shop
        .customers(&f.owner, NAME)
        .unwrap()
        .into_iter()
        .any(|c| c.email.as_deref() == Some(EMAIL));
    assert!(found, "the customer reads back through the key");
    f.shop.back_up(BackupReason::OnDemand).unwrap();
    assert_eq!(readable(&path), Vec::<PathBuf>::new());
    let status = f.shop.backup_status(&f.owner).unwrap();
    assert!(status.encrypted);
    assert_eq!(status.unencrypted, 0);
    let all = f.shop.backups(&f.owner).unwrap();
    assert!(
        all.iter().any(|b| b.reason == "hourly"),
        "the old plain backup was kept, encrypted"
    );
    for b in &all {
        assert!(b.encrypted, "{}", b.name);
        f.shop.verify_backup(&f.owner, &b.path).unwrap();
    }
    let holds = f.shop.backup_holds(&f.owner, &all[0].path).unwrap();
    assert_eq!(holds.customers, 1);
    // The trail says who turned it on.
    let trail = f.shop.audit_trail(&f.owner, &Default::default()).unwrap();
    assert!(trail
        .entries
        .iter()
        .any(|e| e.action == "database_encrypted"));
    drop(f.shop);
    // Opens again with the key, and with the key typed from the recovery sheet.
    let typed = DbKey::from_recovery_key(&key.recovery_key()).unwrap();
    Shop::open_with_key(&path, f.clock.clone(), Some(&typed)).unwrap();
}

#[test]
fn no_key_or_a_wrong_key_is_explained_and_nothing_is_written() {
    let (f, path, _key) = encrypted_shop();
    drop(f.shop);
    let before: Vec<(PathBuf, Vec<u8>)> = files_of(&path)
        .into_iter()
        .map(|p| (p.clone(), sha(&p)))
        .collect();
    let none = Shop::open(&path, f.clock.clone()).err().unwrap();
    assert_eq!(none.code(), ErrorCode::DbKeyNeeded);
    let other = DbKey::generate().unwrap();
    let wrong = Shop::open_with_key(&path, f.clock.clone(), Some(&other))
        .err()
        .unwrap();
    assert_eq!(wrong.code(), ErrorCode::DbWrongKey);
    assert!(wrong.to_string().contains("nothing was changed"));
    let after: Vec<(PathBuf, Vec<u8>)> = files_of(&path)
        .into_iter()
        .map(|p| (p.clone(), sha(&p)))
        .collect();
    assert_eq!(before, after);
    // Backups of an encrypted shop need its key too.
    assert!(backup::last_good(&path, None).is_none());
    assert!(backup::last_good(&path, Some(&other)).is_none());
}

#[test]
fn an_encrypted_backup_restores_with_the_shop_key_in_place_and_in_a_new_place() {
    let (f, path, key) = encrypted_shop();
    let taken = f.shop.back_up(BackupReason::OnDemand).unwrap();
    new_customer(&f, "Added Later", "", "");
    f.shop
        .restore_backup(&f.owner, &taken.path, OWNER_PIN)
        .unwrap();
    assert_eq!(f.shop.customers(&f.owner, "Added Later").unwrap().len(), 0);
    assert!(is_encrypted(&path).unwrap());
    assert_eq!(readable(&path), Vec::<PathBuf>::new());

    let elsewhere = f._dir.path().join("elsewhere").join("shop.sqlite3");
    backup::restore_to_new_place(Path::new(&taken.path), &elsewhere, Some(&key)).unwrap();
    assert!(is_encrypted(&elsewhere).unwrap());
    let there = Shop::open_with_key(
        &elsewhere,
        Arc::new(shopdesk_core::FixedClock::at(1)),
        Some(&key),
    )
    .unwrap();
    assert_eq!(there.customers(&f.owner, NAME).unwrap().len(), 1);
    let wrong = backup::restore_to_new_place(
        Path::new(&taken.path),
        &f._dir.path().join("third.sqlite3"),
        None,
    )
    .unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::DbKeyNeeded);
    assert!(!f._dir.path().join("third.sqlite3").exists());
}

#[test]
fn encryption_is_refused_while_another_program_holds_the_shop_and_leaves_it_plain() {
    let f = new_shop();
    let path = f.shop.db_path().to_path_buf();
    let key = DbKey::generate().unwrap();
    // A clerk without settings rights, or the wrong PIN, cannot turn it on.
    let clerk = staff(&f, "Cleo", "Clerk", "4321");
    let typed = key.recovery_key();
    let refused = |s, pin, typed: &str| f.shop.may_encrypt(s, pin, &key, typed).unwrap_err();
    assert_eq!(refused(&clerk, "4321", &typed).code(), ErrorCode::Forbidden);
    assert_eq!(
        refused(&f.owner, "0000", &typed).code(),
        ErrorCode::WrongPin
    );
    // The recovery key typed back must be the one shown, and whole.
    let other = DbKey::generate().unwrap().recovery_key();
    assert!(refused(&f.owner, OWNER_PIN, &other)
        .to_string()
        .contains("not the one shown"));
    assert!(refused(&f.owner, OWNER_PIN, &typed[..20])
        .to_string()
        .contains("typo"));
    // The shop is still open here (another program): refused, the file stays plain and whole.
    let err = encrypt_database(&path, f.clock.clone(), &key, &f.owner)
        .err()
        .expect("refused");
    assert_eq!(err.code(), ErrorCode::DbLocked, "{err}");
    assert!(!is_encrypted(&path).unwrap());
    f.shop.profile().unwrap().expect("the shop still opens");
    let leftovers: Vec<_> = std::fs::read_dir(f._dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".encrypting-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_new_shop_given_a_key_is_encrypted_from_its_first_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite3");
    let key = DbKey::generate().unwrap();
    let clock = Arc::new(shopdesk_core::FixedClock::at(1_790_000_000_000));
    let shop = Shop::open_with_key(&path, clock.clone(), Some(&key)).unwrap();
    assert!(shop.is_encrypted());
    // The demo plays its history through a second connection of its own: it gets the key too.
    shop.load_demo(&shopdesk_core::demo::DemoRequest {
        country: "IE".into(),
    })
    .unwrap();
    assert!(!shop.profile().unwrap().unwrap().name.is_empty());
    let taken = shop.back_up(BackupReason::OnDemand).unwrap();
    assert!(taken.encrypted && is_encrypted(Path::new(&taken.path)).unwrap());
    drop(shop);
    assert!(is_encrypted(&path).unwrap());
    assert_eq!(
        Shop::open(&path, clock).err().unwrap().code(),
        ErrorCode::DbKeyNeeded
    );
}

#[test]
fn a_plain_backup_from_before_restores_into_the_encrypted_shop_encrypted() {
    let f = new_shop();
    new_customer(&f, NAME, EMAIL, "");
    let plain = f.shop.back_up(BackupReason::OnDemand).unwrap();
    // Kept outside the backup folder (a USB stick), where no sweep encrypts it.
    let stick = f._dir.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let kept = stick.join(&plain.name);
    std::fs::copy(&plain.path, &kept).unwrap();
    std::fs::copy(
        Path::new(&plain.path).with_extension("json"),
        kept.with_extension("json"),
    )
    .unwrap();
    let path = f.shop.db_path().to_path_buf();
    let key = DbKey::generate().unwrap();
    f.clock.advance_ms(3_600_000);
    let f = encrypted(f, &key);
    let (shop, owner) = (&f.shop, &f.owner);
    shop.restore_backup(owner, &kept.display().to_string(), OWNER_PIN)
        .unwrap();
    assert!(is_encrypted(&path).unwrap());
    assert_eq!(shop.customers(owner, NAME).unwrap().len(), 1);
    assert_eq!(readable(&path), Vec::<PathBuf>::new());
}
