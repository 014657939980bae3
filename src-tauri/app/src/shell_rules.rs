//! The shell's rules from ARCHITECTURE.md, checked: commands are glue, so no permission check, no
//! SQL and no business figure lives here — core decides who may do what, and the command only
//! asks it. A failure names the file and the line to move into core.

use std::path::{Path, PathBuf};

fn shell_sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/app/src"),
        &mut out,
    );
    out
}

#[test]
fn no_permission_check_or_sql_in_the_shell() {
    let banned = [
        ("Permission::", "a permission check"),
        (".require(", "a permission check"),
        ("authorize(", "a permission check"),
        ("rusqlite", "SQL"),
        ("SELECT ", "SQL"),
    ];
    let mut found = Vec::new();
    for file in shell_sources() {
        if file.ends_with("shell_rules.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for (pattern, what) in banned {
                if line.contains(pattern) {
                    found.push(format!(
                        "{}:{}: {what}: {}",
                        file.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the shell is glue; move these into core:\n{}",
        found.join("\n")
    );
}
