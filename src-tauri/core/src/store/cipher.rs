//! The encrypted database: SQLCipher's 256-bit key, the recovery key the owner prints (the same
//! key spelt for people), telling an encrypted file from a plain one by its first bytes, and
//! turning a plain shop (or backup) into an encrypted one: a new file, checked, then swapped.

use super::backup::{ledger_digest, sync};
use crate::error::{Error, Result};
use data_encoding::{Encoding, Specification};
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Every plain SQLite file starts so; an encrypted one starts with 16 random bytes (its salt).
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The key of an encrypted shop. Used raw (`x'…'`), so opening a connection skips SQLCipher's
/// 256,000-round key derivation: the key is already random, and the reader pool opens
/// connections at will.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

/// Crockford's base32: digits and capitals without I, L, O, U, so nothing printed is mistaken
/// for something else.
pub(crate) fn crockford() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    spec.encoding().expect("a valid base32 alphabet")
}

/// Symbols of the check group appended to the recovery key, so a typo is told apart from a key
/// of another shop.
const CHECK: usize = 4;

impl DbKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<DbKey> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| Error::Internal(format!("no random source for a key: {e}")))?;
        Ok(DbKey(key))
    }

    /// As kept in the keychain.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Result<DbKey> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::invalid("a database key is 64 hexadecimal digits"));
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16)
                .map_err(|_| Error::invalid("a database key is 64 hexadecimal digits"))?;
        }
        Ok(DbKey(key))
    }

    fn check_group(&self) -> String {
        crockford().encode(&Sha256::digest(self.0))[..CHECK].to_string()
    }

    /// The key as the owner prints and types it: 56 symbols in groups of four (52 for the key,
    /// four to check it).
    pub fn recovery_key(&self) -> String {
        let symbols = crockford().encode(&self.0) + &self.check_group();
        symbols
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Reads a typed recovery key; a symbol too many or too few, or a mistyped one, is said so.
    pub fn from_recovery_key(text: &str) -> Result<DbKey> {
        let typo = || {
            Error::invalid(
                "that recovery key has a typo: it is 56 letters and digits in groups of four, as \
                 printed (0 and O, 1 and I read the same)",
            )
        };
        // Lower case, O for 0 and I or L for 1 read as printed; dashes and spaces are ignored.
        let clean: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        if clean.len() != 52 + CHECK || !clean.is_ascii() {
            return Err(typo());
        }
        let bytes = crockford()
            .decode(&clean.as_bytes()[..52])
            .map_err(|_| typo())?;
        let key = DbKey(bytes.try_into().map_err(|_| typo())?);
        if clean[52..] != key.check_group() {
            return Err(typo());
        }
        Ok(key)
    }

    /// SQLCipher's spelling of a raw key.
    fn pragma_value(&self) -> String {
        format!("x'{}'", self.to_hex())
    }
}

/// SQLCipher's page size: an encrypted file is a whole number of pages.
const PAGE: u64 = 4096;

/// Whether the file at `path` is an encrypted database: not a plain SQLite header, and whole
/// pages (a damaged or foreign file is not taken for one). A missing or empty file is a new
/// plain one.
pub fn is_encrypted(path: &Path) -> Result<bool> {
    let mut head = [0u8; 16];
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::CannotOpen(format!("{}: {e}", path.display()))),
    };
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(Error::CannotOpen(format!("{}: {e}", path.display()))),
        }
    }
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok(read == head.len() && &head != PLAIN_HEADER && len % PAGE == 0)
}

/// The key every connection to `path` uses, decided once when the shop (or a backup) is opened:
/// `key` for an encrypted file or a new one (which is then created encrypted), none for a plain
/// file; an encrypted file without a key is refused here. Decided once because a new shop's
/// pages sit in the write-ahead log until the first checkpoint, so its file says nothing yet.
pub(crate) fn key_to_use<'a>(path: &Path, key: Option<&'a DbKey>) -> Result<Option<&'a DbKey>> {
    if std::fs::metadata(path).map_or(true, |m| m.len() == 0) {
        return Ok(key);
    }
    if !is_encrypted(path)? {
        return Ok(None);
    }
    key.map(Some).ok_or(Error::KeyNeeded)
}

/// Gives a connection its key before its first read: a brand-new file becomes encrypted.
pub(crate) fn set_key(conn: &Connection, key: &DbKey) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", key.pragma_value()))?;
    Ok(())
}

/// Gives a just-opened connection the key decided for its file (`key_to_use`) and proves it
/// reads with it. Nothing is written.
pub(crate) fn apply(conn: &Connection, key: Option<&DbKey>, whose: &str) -> Result<()> {
    let Some(key) = key else {
        return Ok(());
    };
    // A wrong key is answered with an error code; SQLCipher's own log on stderr says nothing more.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    set_key(conn, key)?;
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(())) {
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            Err(Error::WrongKey(whose.to_string()))
        }
        other => Ok(other?),
    }
}

/// `key_to_use` and `apply` for a file opened once (a backup, a restore's working copy).
pub(crate) fn unlock(
    conn: &Connection,
    path: &Path,
    key: Option<&DbKey>,
    whose: &str,
) -> Result<()> {
    apply(conn, key_to_use(path, key)?, whose)
}

fn sibling(path: &Path, prefix: &str) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{prefix}{name}"))
}

/// Copies everything `conn` reads into a new file `dest`, encrypted with `key` (plain with
/// None), schema version included (SQLCipher's export leaves it out).
pub(crate) fn export(conn: &Connection, dest: &Path, key: Option<&DbKey>) -> Result<()> {
    let _ = std::fs::remove_file(dest);
    let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
    conn.execute(
        "ATTACH DATABASE ?1 AS shopdesk_export KEY ?2",
        (
            dest.to_string_lossy().as_ref(),
            key.map(DbKey::pragma_value).unwrap_or_default(),
        ),
    )?;
    let done = conn
        .query_row("SELECT sqlcipher_export('shopdesk_export')", [], |_| Ok(()))
        .and_then(|()| {
            conn.execute_batch(&format!("PRAGMA shopdesk_export.user_version = {version}"))
        });
    conn.execute_batch("DETACH DATABASE shopdesk_export")?;
    done?;
    Ok(())
}

/// Copies a plain database file (a backup) into a new file encrypted with `key`. Opened for
/// writing only because SQLite attaches the new file with the source's flags; the source is
/// only read.
pub(crate) fn export_file(src: &Path, dest: &Path, key: &DbKey) -> Result<()> {
    let conn = Connection::open_with_flags(
        src,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )?;
    export(&conn, dest, Some(key))
}

/// Opens an encrypted copy and proves it holds what the source held: SQLite's integrity check
/// and the ledgers' digest.
pub(crate) fn check_copy(dest: &Path, key: &DbKey, ledgers: &str) -> Result<()> {
    let copy = Connection::open_with_flags(dest, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    unlock(&copy, dest, Some(key), "the new key")?;
    let found: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if found != "ok" {
        return Err(Error::Corrupt(found));
    }
    if ledger_digest(&copy)?.0 != ledgers {
        return Err(Error::Storage(
            "the encrypted copy's ledgers differ from the shop's".into(),
        ));
    }
    Ok(())
}

/// Encrypts a plain shop's database in place. The shop must be closed in this process; another
/// program holding it open makes this refuse (switching out of write-ahead logging needs the
/// file to itself). The encrypted copy is written beside it, checked against the original (the
/// ledgers' digest), then renamed over it: a crash leaves the plain shop or the encrypted one,
/// and the plain file is gone once the encrypted one is in place.
pub fn encrypt_in_place(path: &Path, key: &DbKey) -> Result<()> {
    if is_encrypted(path)? {
        return Err(Error::Conflict("the database is already encrypted".into()));
    }
    if !path.is_file() {
        return Err(Error::NotFound { what: "database" });
    }
    let work = sibling(path, ".encrypting-");
    let done = (|| {
        // CREATE: SQLite attaches the new file with these flags.
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        // Out of WAL (which checkpoints and removes the log) and then held exclusively, so no
        // sale lands in the plain file while it is copied.
        let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(Error::Locked);
        }
        conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")?;
        let ledgers = ledger_digest(&conn)?.0;
        export(&conn, &work, Some(key))?;
        check_copy(&work, key, &ledgers)?;
        drop(conn);
        let side = |s: &str| PathBuf::from(format!("{}{s}", path.display()));
        let _ = std::fs::remove_file(side("-shm"));
        if side("-wal").exists() {
            return Err(Error::Locked);
        }
        std::fs::rename(&work, path)
            .map_err(|e| Error::CannotWrite(format!("{}: {e}", path.display())))?;
        sync(path.parent().unwrap_or(Path::new(".")))
    })();
    if done.is_err() {
        let _ = std::fs::remove_file(&work);
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recovery_key_reads_back_and_catches_typos() {
        let key = DbKey::generate().unwrap();
        let text = key.recovery_key();
        assert_eq!(text.len(), 56 + 13, "{text}");
        assert_eq!(DbKey::from_recovery_key(&text).unwrap(), key);
        // Lower case, spaces instead of dashes, O for 0 and l for 1 still read.
        let sloppy = text
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "O")
            .replace('1', "l");
        assert_eq!(DbKey::from_recovery_key(&sloppy).unwrap(), key);
        // One symbol changed, one left out: a typo, not a wrong key.
        let mut changed = text.clone().into_bytes();
        changed[5] = if changed[5] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).unwrap();
        assert!(DbKey::from_recovery_key(&changed)
            .unwrap_err()
            .to_string()
            .contains("typo"));
        assert!(DbKey::from_recovery_key(&text[1..]).is_err());
        assert_eq!(DbKey::from_hex(&key.to_hex()).unwrap(), key);
        assert!(DbKey::from_hex("zz").is_err());
        assert_eq!(format!("{key:?}"), "DbKey(…)");
    }
}
