//! Backups end to end in core: taken beside selling and checked, kept by the retention rule,
//! copied to a second place, refused when damaged, put back with the owner's PIN (numbering
//! carried on, the journal verifying), and restored into a new place table for table.

mod common;

use common::*;
use shopdesk_core::backup::{self, BackupHealth, BackupReason};
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::{Error, Shop};
use shopdesk_testkit::shop::OWNER_PIN;
use std::path::Path;

/// A shop with the tee on the floor and an open shift.
fn counter() -> Fixture {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, _) = locations(&f);
    for v in &p.variants {
        adjust(&f, &v.id, &floor, 50);
    }
    f.shop.open_shift(&f.owner, "100.00").unwrap();
    f
}

/// Sells one tee for cash; returns the receipt number.
fn sell(shop: &Shop, f: &Fixture) -> i64 {
    sell_tee(shop, &f.owner, None)
}

fn sales(shop: &Shop) -> i64 {
    let c = rusqlite::Connection::open(shop.db_path()).unwrap();
    c.query_row(
        "SELECT count(*) FROM sale WHERE status = 'completed'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_restore_brings_the_backup_back_and_never_issues_a_receipt_number_twice() {
    let f = counter();
    sell(&f.shop, &f);
    sell(&f.shop, &f);
    let taken = f.shop.back_up_now(&f.owner).unwrap();
    assert_eq!((taken.reason.as_str(), taken.sales), ("on-demand", 2));
    f.shop.verify_backup(&f.owner, &taken.path).unwrap();
    let holds = f.shop.backup_holds(&f.owner, &taken.path).unwrap();
    assert_eq!(holds.last_receipt.as_deref(), Some("R00000002"));
    assert!(holds.products >= 1);

    f.clock.advance_ms(60_000);
    assert_eq!(sell(&f.shop, &f), 3);
    // A wrong PIN changes nothing.
    let err = f
        .shop
        .restore_backup(&f.owner, &taken.path, "0000")
        .unwrap_err();
    assert!(matches!(err, Error::WrongPin), "{err}");
    assert_eq!(sales(&f.shop), 3);

    let done = f
        .shop
        .restore_backup(&f.owner, &taken.path, OWNER_PIN)
        .unwrap();
    assert_eq!(sales(&f.shop), 2, "the third sale came after the backup");
    assert_eq!(done.before_restore.sales, 3, "what was replaced is kept");
    let journal = f.shop.verify_journal(&f.owner).unwrap();
    assert_eq!(
        (journal.entries, journal.problems),
        (2, Vec::<String>::new())
    );
    // R00000003 was printed before the restore: the next sale is R00000004.
    assert_eq!(sell(&f.shop, &f), 4);
    assert!(f.shop.verify_journal(&f.owner).unwrap().problems.is_empty());
    let c = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    let restored: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_event WHERE action = 'backup_restored'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(restored, 1);
    // Both are listed, newest first.
    let list = f.shop.backups(&f.owner).unwrap();
    assert_eq!(list[0].reason, "before-restore");
    assert!(list.iter().any(|b| b.name == taken.name));
}

#[test]
fn a_backup_taken_while_selling_holds_one_instant_and_verifies() {
    let f = counter();
    sell(&f.shop, &f);
    std::thread::scope(|s| {
        let seller = s.spawn(|| {
            for _ in 0..20 {
                sell(&f.shop, &f);
            }
        });
        for _ in 0..3 {
            let b = f.shop.back_up(BackupReason::Hourly).unwrap();
            f.shop.verify_backup(&f.owner, &b.path).unwrap();
            f.clock.advance_ms(1);
        }
        seller.join().unwrap();
    });
    assert_eq!(sales(&f.shop), 21);
}

#[test]
fn a_damaged_backup_is_refused_and_nothing_changes() {
    let f = counter();
    sell(&f.shop, &f);
    let b = f.shop.back_up_now(&f.owner).unwrap();
    sell(&f.shop, &f);
    let mut bytes = std::fs::read(&b.path).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0xff;
    std::fs::write(&b.path, bytes).unwrap();
    let err = f.shop.verify_backup(&f.owner, &b.path).unwrap_err();
    assert!(matches!(err, Error::Corrupt(_)), "{err}");
    let err = f
        .shop
        .restore_backup(&f.owner, &b.path, OWNER_PIN)
        .unwrap_err();
    assert!(matches!(err, Error::Corrupt(_)), "{err}");
    assert_eq!(sales(&f.shop), 2);
}

#[test]
fn only_whoever_manages_settings_backs_up_or_restores() {
    let f = counter();
    let clerk = staff(&f, "Cal", "Clerk", "1357");
    let b = f.shop.back_up_now(&f.owner).unwrap();
    for err in [
        f.shop.back_up_now(&clerk).unwrap_err(),
        f.shop.backups(&clerk).unwrap_err(),
        f.shop.restore_backup(&clerk, &b.path, "1357").unwrap_err(),
        f.shop.backup_status(&clerk).unwrap_err(),
    ] {
        assert!(matches!(err, Error::Forbidden(_)), "{err}");
    }
}

#[test]
fn half_written_copies_are_never_listed_and_the_status_tells_the_age() {
    let f = counter();
    assert_eq!(
        f.shop.backup_status(&f.owner).unwrap().health,
        BackupHealth::Never
    );
    assert!(f.shop.backup_due().unwrap());
    let b = f.shop.back_up(BackupReason::ZClose).unwrap();
    assert!(!f.shop.backup_due().unwrap());
    let dir = Path::new(&b.path).parent().unwrap().to_path_buf();
    // What a copy killed half-way leaves behind.
    std::fs::write(
        dir.join(".partial-shopdesk-20990101T000000000Z-hourly.sqlite3"),
        b"half",
    )
    .unwrap();
    std::fs::write(
        dir.join("shopdesk-20990101T000000000Z-hourly.sqlite3"),
        b"no manifest",
    )
    .unwrap();
    let list = f.shop.backups(&f.owner).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let status = f.shop.backup_status(&f.owner).unwrap();
    assert_eq!(
        (status.health, status.last_at),
        (BackupHealth::Fresh, Some(b.taken_at))
    );
    f.clock.advance_ms(backup::OLD_AFTER_MS + 1);
    assert!(f.shop.backup_due().unwrap());
    assert_eq!(
        f.shop.backup_status(&f.owner).unwrap().health,
        BackupHealth::Old
    );
    // A backup that cannot be written turns the status red until one succeeds.
    let list_dir = dir.clone();
    std::fs::remove_dir_all(&list_dir).unwrap();
    std::fs::write(&list_dir, b"a file where the folder should be").unwrap();
    assert!(f.shop.back_up(BackupReason::Hourly).is_err());
    std::fs::remove_file(&list_dir).unwrap();
    // (The failure was remembered in the folder that could not be made; a new folder is clean.)
    f.shop.back_up(BackupReason::Hourly).unwrap();
    assert_eq!(
        f.shop.backup_status(&f.owner).unwrap().health,
        BackupHealth::Fresh
    );
}

#[test]
fn every_backup_is_copied_to_the_second_place() {
    let f = counter();
    let elsewhere = tempfile::tempdir().unwrap();
    let err = f
        .shop
        .set_backup_second_dir(&f.owner, Some("/no/such/usb/stick"))
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    f.shop
        .set_backup_second_dir(&f.owner, Some(&elsewhere.path().display().to_string()))
        .unwrap();
    let b = f.shop.back_up(BackupReason::Hourly).unwrap();
    assert!(b.second_copy);
    let copy = elsewhere.path().join(&b.name);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&b.path).unwrap()
    );
    // The copy restores like the first.
    f.shop
        .verify_backup(&f.owner, &copy.display().to_string())
        .unwrap();
    // The stick is pulled out: the first place still works, the status says the second failed.
    drop(elsewhere);
    f.clock.advance_ms(1000);
    f.shop.back_up(BackupReason::Hourly).unwrap();
    let status = f.shop.backup_status(&f.owner).unwrap();
    assert_eq!(status.health, BackupHealth::Fresh);
    assert!(status.second_failure.is_some());
}

/// The restore drill: the demo shop with its 90 days, backed up and restored into a new place,
/// compared table by table, row by row.
#[test]
fn the_demo_shop_restored_into_a_new_place_is_the_same_in_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(shopdesk_core::FixedClock::at(1_790_000_000_000));
    let shop = Shop::open(&dir.path().join("demo.sqlite3"), clock).unwrap();
    let (owner, _, _) = shop
        .load_demo(&DemoRequest {
            country: "IE".into(),
        })
        .unwrap();
    let b = shop.back_up_now(&owner).unwrap();
    let target = dir.path().join("new-computer").join("shop.sqlite3");
    backup::restore_to_new_place(Path::new(&b.path), &target, None).unwrap();
    let err = backup::restore_to_new_place(Path::new(&b.path), &target, None).unwrap_err();
    assert!(
        matches!(err, Error::Conflict(_)),
        "never over an existing file: {err}"
    );

    let c = rusqlite::Connection::open(&target).unwrap();
    c.execute("ATTACH ?1 AS live", [shop.db_path().display().to_string()])
        .unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() > 40);
    let mut rows = 0;
    for t in &tables {
        let count = |sql: String| -> i64 { c.query_row(&sql, [], |r| r.get(0)).unwrap() };
        let only_here = count(format!(
            "SELECT count(*) FROM (SELECT * FROM main.\"{t}\" EXCEPT SELECT * FROM live.\"{t}\")"
        ));
        let only_live = count(format!(
            "SELECT count(*) FROM (SELECT * FROM live.\"{t}\" EXCEPT SELECT * FROM main.\"{t}\")"
        ));
        assert_eq!((only_here, only_live), (0, 0), "table {t} differs");
        rows += count(format!("SELECT count(*) FROM main.\"{t}\""));
    }
    assert!(rows > 10_000, "the demo has a history: {rows} rows");
    // And it opens as a shop whose journal verifies.
    drop(c);
    let moved = Shop::open(&target, std::sync::Arc::new(shopdesk_core::SystemClock)).unwrap();
    assert!(moved.verify_journal(&owner).unwrap().problems.is_empty());
}

#[test]
fn a_damaged_shop_is_found_at_start_and_the_last_good_backup_put_back() {
    let f = counter();
    sell(&f.shop, &f);
    let good = f.shop.back_up(BackupReason::Hourly).unwrap();
    f.clock.advance_ms(backup::EVERY_MS);
    let bad = f.shop.back_up(BackupReason::Hourly).unwrap();
    // The newer backup rots on the disk; the older one is the last good.
    let mut bytes = std::fs::read(&bad.path).unwrap();
    let at = bytes.len() / 2;
    bytes[at..at + 64].fill(0x5a);
    std::fs::write(&bad.path, bytes).unwrap();
    sell(&f.shop, &f);
    let db = f.shop.db_path().to_path_buf();
    let Fixture { shop, _dir, .. } = f;
    drop(shop);
    // Garbage over the pages after the header.
    let mut bytes = std::fs::read(&db).unwrap();
    for b in bytes.iter_mut().skip(4096).take(8 * 4096) {
        *b = 0xa5;
    }
    std::fs::write(&db, bytes).unwrap();
    let clock = std::sync::Arc::new(shopdesk_core::FixedClock::at(1_790_000_100_000));
    let found = Shop::open(&db, clock.clone()).and_then(|s| s.check_database());
    assert!(matches!(found, Err(Error::Corrupt(_))), "{found:?}");
    // The full check in the background says so too, and leaves word for the status line.
    let opened = Shop::open(&db, clock.clone()).unwrap();
    assert!(matches!(
        opened.check_database_in_full(),
        Err(Error::Corrupt(_))
    ));
    assert!(backup::default_dir(&db)
        .join(".integrity-problem.json")
        .is_file());
    drop(opened);

    assert_eq!(backup::last_good(&db, None).unwrap().name, good.name);
    let (used, kept) =
        backup::restore_damaged(&db, None, shopdesk_core::Timestamp(1_790_000_100_000)).unwrap();
    assert_eq!(used.name, good.name);
    assert!(kept.is_file(), "the damaged file is kept");
    let shop = Shop::open(&db, clock).unwrap();
    shop.check_database().unwrap();
    assert_eq!(sales(&shop), 1);
    shop.check_database_in_full().unwrap();
    assert!(
        !backup::default_dir(&db)
            .join(".integrity-problem.json")
            .exists(),
        "a passing check clears it"
    );
}

/// Mail queued in the backup but sent since is not sent to the customer again after a restore.
#[test]
fn mail_sent_after_the_backup_is_not_sent_again_after_a_restore() {
    let f = counter();
    f.shop
        .create_order(
            &f.owner,
            &shopdesk_testkit::shop::dublin_order(&[("TEE-M-SAGE", 1)]),
        )
        .unwrap();
    let queued = |shop: &Shop| -> i64 {
        let c = rusqlite::Connection::open(shop.db_path()).unwrap();
        c.query_row(
            "SELECT count(*) FROM message WHERE status = 'queued'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert!(
        queued(&f.shop) >= 1,
        "the order's confirmation waits in the outbox"
    );
    let b = f.shop.back_up_now(&f.owner).unwrap();
    // The outbox sends it (as the mail crate does after the SMTP server took it).
    let c = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    c.execute(
        "UPDATE message SET status = 'sent', sent_at = 1 WHERE status = 'queued'",
        [],
    )
    .unwrap();
    drop(c);
    f.shop.restore_backup(&f.owner, &b.path, OWNER_PIN).unwrap();
    assert_eq!(queued(&f.shop), 0, "nothing is sent twice");
}
