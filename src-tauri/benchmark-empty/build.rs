//! Build script of the empty-window baseline.
fn main() {
    tauri_build::build()
}
