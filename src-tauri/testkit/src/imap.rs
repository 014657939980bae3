//! A real IMAP server on loopback for the mailbox tests, the desk journey and the benchmark:
//! Debian's Dovecot with its own configuration, password file and maildir in a temporary
//! directory (the system's Dovecot untouched), stopped when dropped. Mail "arrives" by being
//! written into the maildir as a delivery agent would.

use crate::ids;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "shop";
pub const PASSWORD: &str = "mailbox-secret";

pub struct ImapServer {
    child: Child,
    pub port: u16,
    maildir: PathBuf,
    /// Owner of the mail files (Dovecot will not serve mail as root).
    owner: Option<(u32, u32)>,
    sequence: std::cell::Cell<u64>,
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ImapServer {
    /// Starts Dovecot on 127.0.0.1:`port` (plain IMAP, password login) with its state in `dir`,
    /// and waits until it accepts connections.
    pub fn start(port: u16, dir: &Path) -> ImapServer {
        let dovecot = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("Dovecot is needed (apt: dovecot-imapd)");
        let root = ids(&["-u"]) == 0;
        // As root, the mail and the login processes run as Debian's unprivileged users.
        let (owner, mail_user, internal, login) = if root {
            let uid = ids(&["-u", "nobody"]);
            let gid = ids(&["-g", "nobody"]);
            (
                Some((uid, gid)),
                format!("uid={uid} gid={gid}"),
                "dovecot".to_string(),
                "dovenull".to_string(),
            )
        } else {
            let me =
                String::from_utf8_lossy(&Command::new("id").arg("-un").output().unwrap().stdout)
                    .trim()
                    .to_string();
            (
                None,
                format!("uid={} gid={}", ids(&["-u"]), ids(&["-g"])),
                me.clone(),
                me,
            )
        };
        let home = dir.join("home");
        let maildir = home.join("Maildir");
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        std::fs::create_dir_all(dir.join("run")).unwrap();
        std::fs::write(
            dir.join("passwd"),
            format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"),
        )
        .unwrap();
        let d = dir.display();
        let config = format!(
            "protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/run
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{maildir}
passdb {{
  driver = passwd-file
  args = {d}/passwd
}}
userdb {{
  driver = static
  args = {mail_user} home={home}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
",
            maildir = maildir.display(),
            home = home.display(),
        );
        std::fs::write(dir.join("dovecot.conf"), config).unwrap();
        if let Some((uid, gid)) = owner {
            // Dovecot's login processes (dovenull) must reach the sockets in run/.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
            for p in [dir.to_path_buf(), home.clone(), maildir.clone()]
                .into_iter()
                .chain(["cur", "new", "tmp"].map(|s| maildir.join(s)))
            {
                std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
            }
            std::os::unix::fs::chown(dir.join("passwd"), Some(0), Some(0)).unwrap();
        }
        let child = Command::new(dovecot)
            .args(["-F", "-c"])
            .arg(dir.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dovecot starts");
        let server = ImapServer {
            child,
            port,
            maildir,
            owner,
            sequence: std::cell::Cell::new(0),
        };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "dovecot did not start on {port}: {}",
                std::fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Delivers a raw message into the mailbox, as a mail delivery agent would.
    pub fn deliver(&self, raw: &[u8]) {
        let n = self.sequence.get() + 1;
        self.sequence.set(n);
        let name = format!(
            "{}.P{}Q{n}.shopdesk-test",
            1_700_000_000 + n,
            std::process::id()
        );
        let tmp = self.maildir.join("tmp").join(&name);
        std::fs::write(&tmp, raw).unwrap();
        if let Some((uid, gid)) = self.owner {
            std::os::unix::fs::chown(&tmp, Some(uid), Some(gid)).unwrap();
        }
        std::fs::rename(&tmp, self.maildir.join("new").join(&name)).unwrap();
    }

    /// How many messages the mailbox holds, seen or not: fetching must never remove any.
    pub fn count(&self) -> usize {
        ["new", "cur"]
            .iter()
            .map(|d| {
                std::fs::read_dir(self.maildir.join(d))
                    .map(|r| r.count())
                    .unwrap_or(0)
            })
            .sum()
    }

    /// True when any message carries a flag (seen, deleted…): a read-only fetch sets none.
    pub fn any_flagged(&self) -> bool {
        std::fs::read_dir(self.maildir.join("cur"))
            .map(|r| {
                r.flatten().any(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.split_once(":2,")
                        .is_some_and(|(_, flags)| !flags.is_empty())
                })
            })
            .unwrap_or(false)
    }
}

/// A customer's message as their mail program would send it.
pub fn message(id: &str, from: &str, subject: &str, body: &str, extra_headers: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: shop@corner.example\r\nSubject: {subject}\r\n\
         Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n{extra_headers}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}
