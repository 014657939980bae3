//! An empty Tauri window that reports its first paint exactly as Shopdesk does, so the benchmark
//! (`make benchmark`) can put Shopdesk's cold start and memory next to the framework's own floor.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[tauri::command]
fn ui_rendered() {
    println!("SHOPDESK_RENDERED");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_rendered])
        .run(tauri::generate_context!())
        .expect("error while running the empty window");
}
