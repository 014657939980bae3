//! The encrypted database in the real window: the owner turns encryption on in Settings →
//! Security (the recovery key shown and saved as a PDF, typed back with the PIN), after which
//! the shop's file, its log and every backup hold none of a demo customer's name or e-mail, and
//! selling goes on; then the same file on a computer whose keychain has no key for it opens only
//! with the recovery key — a mistyped one is explained and changes nothing.

mod common;

use common::*;
use fantoccini::Locator;
use std::path::{Path, PathBuf};

const NAME: &str = "Aoife Byrne";
const EMAIL: &str = "aoife.byrne@example.com";

/// The files of a shop that hold a customer's name or e-mail on their bytes.
fn readable(db: &Path) -> Vec<PathBuf> {
    let mut all = vec![
        db.to_path_buf(),
        PathBuf::from(format!("{}-wal", db.display())),
    ];
    let backups = db.with_file_name("shop.backups");
    all.extend(
        std::fs::read_dir(backups)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path()),
    );
    all.into_iter()
        .filter(|p| p.is_file())
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap();
            [NAME, EMAIL]
                .iter()
                .any(|t| bytes.windows(t.len()).any(|w| w == t.as_bytes()))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_encrypts_the_shop_and_a_new_computer_opens_it_with_the_recovery_key() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("shop.sqlite3");
    let recovery_key;
    {
        let driver = Driver::start(home.path(), 4660);
        let c = driver.launch().await;
        load_demo(&c).await;
        click(&c, "#backup-badge").await;
        click(&c, "#backup-now").await;
        toast_said(&c, "Backed up and verified").await;
        // The test can fail: a plain demo shop shows its customers on the bytes.
        assert!(!readable(&db).is_empty(), "the plain shop is readable");

        click(&c, "#tab-security").await;
        wait_text(&c, "#encryption-status", "not encrypted").await;
        click(&c, "#encrypt-start").await;
        recovery_key = wait_text(&c, "#recovery-key-shown", "-").await;
        assert_eq!(recovery_key.trim().len(), 69, "{recovery_key}");
        click(&c, "#sheet-save").await;
        let kept = wait_text(&c, "#sheet-kept", "Saved as").await;
        let pdf = kept.trim_start_matches("Saved as ").trim_end_matches('.');
        assert!(std::fs::read(pdf).unwrap().starts_with(b"%PDF"), "{pdf}");
        shot(&c, "security-recovery-key").await;
        click(&c, "#encrypt-next").await;
        // A recovery key that is not the one shown is refused; the shop stays plain.
        let mut wrong = recovery_key.trim().to_string().into_bytes();
        wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
        fill(
            &c,
            "#recovery-key-typed",
            &String::from_utf8(wrong).unwrap(),
        )
        .await;
        fill(&c, "#encrypt-pin", "1111").await;
        click(&c, "#encrypt-confirm").await;
        wait_text(&c, "#encrypt-form", "typo").await;
        // Typed as people type: lower case, spaces for dashes.
        fill(
            &c,
            "#recovery-key-typed",
            &recovery_key.trim().to_lowercase().replace('-', " "),
        )
        .await;
        click(&c, "#encrypt-confirm").await;
        toast_said(&c, "now encrypted").await;
        wait_text(&c, "#encryption-status", "The database is encrypted").await;
        shot(&c, "security-encrypted").await;
        assert_eq!(readable(&db), Vec::<PathBuf>::new());
        click(&c, "#tab-backups").await;
        wait_text(&c, "#backup-list tbody tr:first-child", "Yes").await;

        // Selling goes on, on the encrypted file.
        let receipt = sell_a_mug(&c).await;
        assert!(receipt.starts_with('R'), "{receipt}");
        assert_eq!(readable(&db), Vec::<PathBuf>::new());
        c.close().await.unwrap();
        wait_app_gone().await;
    }

    // Another computer: the same file, and a keychain that has no key for it.
    let other = tempfile::tempdir().unwrap();
    let moved = other.path().join("shop.sqlite3");
    std::fs::copy(&db, &moved).unwrap();
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    if wal.exists() {
        std::fs::copy(&wal, format!("{}-wal", moved.display())).unwrap();
    }
    let before = std::fs::read(&moved).unwrap();
    let driver = Driver::start(other.path(), 4662);
    let c = driver.launch().await;
    wait_text(&c, ".lead", "encrypted").await;
    shot(&c, "security-recovery-needed").await;
    fill(&c, "#recovery-key", "ABCD-EFGH").await;
    c.find(Locator::Css("#recovery-key"))
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    wait_text(&c, "[role=alert]", "typo").await;
    assert_eq!(std::fs::read(&moved).unwrap(), before, "nothing written");
    fill(&c, "#recovery-key", recovery_key.trim()).await;
    click(&c, "form.stack button[type=submit]").await;
    click(&c, "button[data-staff='Alex Morgan']").await;
    fill(&c, "#pin", "1111").await;
    click(&c, "#sign-in").await;
    wait_text(&c, "#who", "Alex Morgan · Owner").await;
    c.close().await.unwrap();
    wait_app_gone().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn encryption_asked_for_at_setup_opens_with_the_recovery_key() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4664);
    let c = driver.launch().await;
    first_run_form(&c, "Quiet Books", "Nora Quill", "2468").await;
    click(&c, "#setup-encrypt").await;
    click(&c, "#create-shop").await;
    // Straight to Settings → Security with the new key's recovery key on screen.
    on_screen(&c, "settings").await;
    let shown = wait_text(&c, "#recovery-key-shown", "-").await;
    assert_eq!(shown.trim().len(), 69, "{shown}");
    click(&c, "#encrypt-next").await;
    fill(&c, "#recovery-key-typed", shown.trim()).await;
    fill(&c, "#encrypt-pin", "2468").await;
    click(&c, "#encrypt-confirm").await;
    toast_said(&c, "now encrypted").await;
    wait_text(&c, "#encryption-status", "The database is encrypted").await;
    let head = std::fs::read(home.path().join("shop.sqlite3")).unwrap();
    assert!(
        !head.starts_with(b"SQLite format 3"),
        "the file is encrypted"
    );
    c.close().await.unwrap();
    wait_app_gone().await;
}
