//! The rules of ARCHITECTURE.md that a machine can check, so that breaking one fails the build
//! instead of waiting for a reviewer: domains depend only on the ones before them, core never
//! depends on Tauri or the network, and nothing in core reads the wall clock.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The building blocks at core's root: any domain may use them, they use no domain.
const BUILDING_BLOCKS: &[&str] = &["audit", "clock", "error", "id", "money", "sql", "tax"];

/// The domain folders, lowest first: each may use the building blocks and the domains before
/// it, never one after it (the same order as the map in lib.rs).
const LAYERS: &[&str] = &[
    "store", "shop", "catalog", "stock", "import", "till", "sale", "order", "packing", "channel",
    "customer", "report", "backup", "demo",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Which top-level modules a file names as `crate::<module>`, including inside `use crate::{…}`.
fn modules_used(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let known = |name: &str| BUILDING_BLOCKS.contains(&name) || LAYERS.contains(&name);
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for part in inner.split(',') {
                let name = part.trim().split("::").next().unwrap_or("").trim();
                if known(name) {
                    used.insert(name.to_string());
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if known(&name) {
                used.insert(name);
            }
        }
    }
    used
}

/// The module a source file belongs to: its folder under src/, or its own name at the root.
fn owner(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn domains_use_only_the_ones_before_them() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let own = owner(file);
        if own == "lib" {
            continue;
        }
        let allowed: BTreeSet<&str> = match LAYERS.iter().position(|l| *l == own) {
            Some(at) => LAYERS[..=at].iter().copied().collect(),
            // A building block may use another one but no domain (tax is read by the store's
            // migrations, never the other way round).
            None if BUILDING_BLOCKS.contains(&own.as_str()) => BTreeSet::new(),
            None => panic!("{} is neither a domain folder nor a building block: add it to the map in lib.rs and to this test", file.display()),
        };
        let text = std::fs::read_to_string(file).unwrap();
        for used in modules_used(&text) {
            if !BUILDING_BLOCKS.contains(&used.as_str()) && !allowed.contains(used.as_str()) {
                broken.push(format!(
                    "{} (domain {own}) uses crate::{used}, which comes after it",
                    file.strip_prefix(src()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "domain order {LAYERS:?} broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_domain_folder_is_on_the_map() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    for entry in std::fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // A building block may be a folder too (`sql/`); it is on the map as a building block.
        if path.is_dir() && !BUILDING_BLOCKS.contains(&name.as_str()) {
            assert!(
                LAYERS.contains(&name.as_str()),
                "src/{name}/ is not in this test's layer order"
            );
            assert!(
                lib.contains(&format!("`{name}/`")),
                "src/{name}/ is missing from the map at the top of lib.rs"
            );
        }
    }
}

#[test]
fn core_never_depends_on_tauri_or_the_network() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "shopdesk-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        for banned in ["tauri", "reqwest", "hyper", "lettre", "ureq"] {
            assert!(
                !name.starts_with(banned),
                "shopdesk-core depends on {name}: core stays free of Tauri and the network"
            );
        }
    }
    // The one server core talks to is the shop's own PostgreSQL, when several stations share
    // it: the synchronous `postgres` client runs tokio inside, and nothing else may bring it (the
    // station crate applies a till's actions through that client).
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "-p", "shopdesk-core", "-e", "normal", "-i", "tokio"])
        .args(["--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(
            [
                "tokio",
                "tokio-util",
                "tokio-postgres",
                "postgres",
                "shopdesk-station",
                "shopdesk-core"
            ]
            .contains(&name),
            "{name} brings tokio into shopdesk-core: only the PostgreSQL client may"
        );
    }
}

#[test]
fn nothing_in_core_reads_the_wall_clock() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    for file in files {
        if file.ends_with("clock.rs") {
            continue; // SystemClock is the one place that may.
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for banned in ["SystemTime::now", "Instant::now", "OffsetDateTime::now"] {
            assert!(
                !text.contains(banned),
                "{} calls {banned}: take the time from the shop's Clock",
                file.display()
            );
        }
    }
}
