//! A real SMTP server on loopback for the outbox tests and the orders journey: aiosmtpd (Debian's
//! python3-aiosmtpd) delivering every message into a maildir, stopped when dropped.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    /// Where delivered messages land (`new/` holds one file per message).
    pub maildir: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's Python, where apt installs aiosmtpd (a pyenv `python3` earlier on PATH lacks it).
pub fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

impl SmtpServer {
    /// Starts aiosmtpd on 127.0.0.1:`port` and waits until it accepts connections.
    pub fn start(port: u16, maildir: &Path) -> SmtpServer {
        let child = Command::new(python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd is needed (apt: python3-aiosmtpd)");
        let server = SmtpServer {
            child,
            port,
            maildir: maildir.to_path_buf(),
        };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// The raw text of every message delivered so far.
    pub fn delivered(&self) -> Vec<String> {
        std::fs::read_dir(self.maildir.join("new"))
            .map(|d| {
                d.flatten()
                    .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default()
    }
}
