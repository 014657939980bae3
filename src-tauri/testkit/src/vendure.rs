//! A real Vendure server on 127.0.0.1 for the sync tests and the window journeys: started from
//! tests/vendure (installed by `make test`) with its data in a temporary directory, stopped when
//! dropped; and real orders placed through its Shop API, as customers would.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Vendure server of our own, stopped when dropped.
pub struct VendureServer {
    child: Child,
    pub port: u16,
    dir: PathBuf,
    _data: tempfile::TempDir,
}

impl Drop for VendureServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl VendureServer {
    /// Starts the server on `port`, its catalog populated from `catalog` (a Vendure import CSV;
    /// tests/vendure/products.csv without one).
    pub fn start(port: u16, catalog: Option<&Path>) -> VendureServer {
        let dir = crate::repo_root().join("tests/vendure");
        let dir = dir.as_path();
        assert!(
            dir.join("node_modules/@vendure/core").exists(),
            "Vendure is not installed: run `npm install --prefix tests/vendure` (make test does)"
        );
        let data = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(data.path().join("server.log")).unwrap();
        let child = Command::new("node")
            .arg("server.js")
            .current_dir(dir)
            .env("VENDURE_DIR", data.path())
            .env("VENDURE_PORT", port.to_string())
            .envs(catalog.map(|c| ("VENDURE_PRODUCTS", c)))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("node is needed for the Vendure tests");
        let server = VendureServer {
            child,
            port,
            dir: dir.to_path_buf(),
            _data: data,
        };
        let started = Instant::now();
        let log_path = server._data.path().join("server.log");
        while !std::fs::read_to_string(&log_path)
            .unwrap_or_default()
            .contains("vendure ready")
        {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "Vendure did not start:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Places real orders through the Shop API ("SKU:QTY,SKU:QTY" each); returns (id, code).
    pub fn seed(&self, orders: &[&str]) -> Vec<(String, String)> {
        let list = self.script("seed.js", orders);
        list.as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["id"].as_str().unwrap().into(),
                    o["code"].as_str().unwrap().into(),
                )
            })
            .collect()
    }

    /// An Admin API query as the superadmin (through node, for tests without an HTTP client).
    pub fn admin_query(&self, query: &str) -> Value {
        self.script("admin.js", &[query])
    }

    /// Runs one of tests/vendure's scripts against this server; its JSON answer.
    fn script(&self, name: &str, args: &[&str]) -> Value {
        let out = Command::new("node")
            .arg(name)
            .arg(self.port.to_string())
            .args(args)
            .current_dir(&self.dir)
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        assert!(out.status.success(), "node {name} {args:?} failed");
        serde_json::from_slice(&out.stdout).unwrap()
    }
}
