//! The recovery key sheet the owner prints when encryption is turned on: the only copy of the
//! database key outside this computer's keychain, with what it is for and where to keep it.

use crate::page::{Sheet, MARGIN};
use shopdesk_core::backup::encryption::RecoverySheet;

pub fn recovery_sheet_pdf(r: &RecoverySheet) -> Vec<u8> {
    let mut s = Sheet::new(r.paper, format!("{} · recovery key", r.shop));
    let top = s.y();
    s.put(MARGIN, top - 20.0, "RECOVERY KEY", 20.0, true);
    s.put(
        MARGIN,
        top - 38.0,
        &format!("{} · encrypted database", r.shop),
        10.0,
        false,
    );
    s.set_y(top - 64.0);
    let width = s.text_width();
    s.paragraph(
        MARGIN,
        width,
        "This key opens the shop's encrypted database and its backups when this computer's \
         keychain cannot: a new computer, a reinstalled system, a backup restored elsewhere. \
         Shopdesk asks for it then. Without it, and without this computer's keychain, nobody \
         can read the shop's data, Shopdesk included.",
        10.5,
        false,
    );
    s.gap(18.0);
    let groups: Vec<&str> = r.recovery_key.split('-').collect();
    for line in groups.chunks(7) {
        let y = s.y();
        s.put(MARGIN, y - 22.0, &line.join("  "), 20.0, true);
        s.set_y(y - 32.0);
    }
    s.gap(14.0);
    s.paragraph(
        MARGIN,
        width,
        "Keep it away from the computer: with the shop's important papers, or in a safe. Anyone \
         with this key and a copy of the database can read it. 0 and O, 1 and I read the same \
         when it is typed.",
        10.5,
        false,
    );
    s.gap(10.0);
    s.paragraph(
        MARGIN,
        width,
        &format!("Database: {}", r.db_path),
        9.0,
        false,
    );
    s.finish()
}
