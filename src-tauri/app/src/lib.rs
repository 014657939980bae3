//! Shopdesk's desktop shell: Tauri setup, the app's state, logging, single-instance, and the
//! command table. Business rules live in shopdesk-core; this crate only wires them to the window.

mod commands;
pub mod ipc;
mod renderer;
#[cfg(test)]
mod shell_rules;
mod state;

use std::path::PathBuf;
use tauri::{Emitter, Manager};

/// Where the database is: `--db PATH`, else `SHOPDESK_DB`, else the OS app-data directory.
fn db_path_override() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(p) = a.strip_prefix("--db=") {
            return Some(PathBuf::from(p));
        }
    }
    std::env::var_os("SHOPDESK_DB").map(PathBuf::from)
}

/// One app per shop file: a second launch on the same file hands over to the running app. A
/// launch on another file (`--db`: a second shop, or two stations tried out on one computer)
/// is an app of its own, so the name it holds on the session bus is that file's.
fn single_instance() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let mut plugin = tauri_plugin_single_instance::Builder::new().callback(|app, _args, _cwd| {
        if let Some(w) = app.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
    });
    if let Some(path) = db_path_override() {
        use std::hash::{Hash, Hasher};
        let mut hash = std::collections::hash_map::DefaultHasher::new();
        path.hash(&mut hash);
        plugin = plugin.dbus_id(format!("app.shopdesk.desktop.db{:016x}", hash.finish()));
    }
    plugin.build()
}

fn log_plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    use tauri_plugin_log::{Target, TargetKind};
    let file = match std::env::var_os("SHOPDESK_LOG_DIR") {
        Some(dir) => TargetKind::Folder {
            path: dir.into(),
            file_name: Some("shopdesk".into()),
        },
        None => TargetKind::LogDir {
            file_name: Some("shopdesk".into()),
        },
    };
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(file))
        .level(log::LevelFilter::Info)
        .build()
}

pub fn run() {
    let cpu_rendering = renderer::choose();
    tauri::Builder::default()
        // First, so a second launch hands over to the running app before doing anything else.
        .plugin(single_instance())
        .plugin(log_plugin())
        .setup(move |app| {
            let db_path = match db_path_override() {
                Some(p) => p,
                None => app.path().app_data_dir()?.join("shopdesk.sqlite3"),
            };
            log::info!(
                "Shopdesk {} opening {}",
                env!("CARGO_PKG_VERSION"),
                db_path.display()
            );
            if cpu_rendering {
                log::info!("no GPU device found: the window renders on the CPU");
            }
            // The shop opens on its own thread while the window and its page load: a large
            // database's quick check no longer holds back the first screen.
            app.manage(state::AppState::new(db_path));
            let opener = app.handle().clone();
            std::thread::Builder::new()
                .name("open-shop".into())
                .spawn(move || opener.state::<state::AppState>().open_shop())?;
            // The marketplace sync: each channel at its interval, stock within seconds of a move;
            // every finished run tells the window (the health panel refreshes, errors notify).
            let (shop_of, events) = (app.handle().clone(), app.handle().clone());
            let scheduler = shopdesk_sync::Scheduler::start(
                move || shop_of.state::<state::AppState>().shop().ok(),
                move |e| {
                    let (event, payload) = match e {
                        shopdesk_sync::SyncEvent::Progress(r) => (ipc::SYNC_PROGRESS, r),
                        shopdesk_sync::SyncEvent::Finished(r) => (ipc::SYNC_FINISHED, r),
                    };
                    let _ = events.emit(event, payload);
                },
            )?;
            app.manage(scheduler);
            // Hourly backups while the app is open — this computer's file, and on a station
            // holding the job the shop's server (checked every five minutes, so a laptop
            // that slept catches up soon after it wakes); a failure shows on Settings → Backups.
            // The first check waits five minutes: starting the till is not when to read the
            // whole database (the last session's backups are there meanwhile).
            // The full integrity check, once, a minute after start (the quick one ran at open):
            // a problem shows on Settings → Backups and turns the top bar's word red.
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("integrity-check".into())
                .spawn(move || {
                    std::thread::sleep(std::time::Duration::from_secs(60));
                    if let Ok(shop) = handle.state::<state::AppState>().shop() {
                        if let Err(e) = shop.check_database_in_full() {
                            log::error!("the database failed its integrity check: {e}");
                        }
                    }
                })?;
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("backups".into())
                .spawn(move || loop {
                    std::thread::sleep(std::time::Duration::from_secs(300));
                    let state = handle.state::<state::AppState>();
                    if let Ok(shop) = state.shop() {
                        if shop.backup_due().unwrap_or(false) {
                            if let Err(e) =
                                shop.back_up(shopdesk_core::backup::BackupReason::Hourly)
                            {
                                log::warn!("hourly backup: {e}");
                            }
                        }
                        // A shared shop's server, by the one station holding the job.
                        if shop.server_backup_due().unwrap_or(false) {
                            match shopdesk_keychain::back_up_server(&state.db_path, &shop) {
                                Ok(path) => log::info!("server backed up: {}", path.display()),
                                Err(e) => log::warn!("server backup: {e}"),
                            }
                        }
                    }
                })?;
            // A till of a shared shop: what it sold goes to the server every 2 s (each sale
            // once, whatever the network did), and its copy of the catalog, stock and staff is
            // brought up to the server's as soon as another station changes the shop (heard
            // by LISTEN/NOTIFY) and every 30 s, once nothing waits. Nothing on a standalone
            // shop.
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("till-sender".into())
                .spawn(move || {
                    for round in 0u64.. {
                        let Ok(shop) = handle.state::<state::AppState>().shop() else {
                            std::thread::sleep(std::time::Duration::from_secs(2));
                            continue;
                        };
                        let changed = shop.wait_for_change(std::time::Duration::from_secs(2));
                        // Both return at once, touching nothing, on a standalone shop.
                        match shop.send_waiting() {
                            Ok(sent) if sent.waiting == 0 && (changed || round % 15 == 0) => {
                                if let Err(e) = shop.refresh_till() {
                                    log::warn!("till refresh: {e}");
                                }
                            }
                            Ok(_) => {}
                            Err(e) => log::warn!("till send: {e}"),
                        }
                    }
                })?;
            // The outbox sender: every 30 s, whatever is due goes out; failures wait in core.
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("mail-outbox".into())
                .spawn(move || loop {
                    std::thread::sleep(std::time::Duration::from_secs(30));
                    if let Ok(shop) = handle.state::<state::AppState>().shop() {
                        if let Err(e) = shopdesk_mail::send_due(&shop, None) {
                            log::warn!("outbox: {e}");
                        }
                    }
                })?;
            // The shop's mailbox: checked every 30 s, fetched when its interval has passed;
            // a failure shows on the desk until a fetch succeeds.
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("mailbox".into())
                .spawn(move || loop {
                    std::thread::sleep(std::time::Duration::from_secs(30));
                    if let Ok(shop) = handle.state::<state::AppState>().shop() {
                        if shop.mail_fetch_due().unwrap_or(false) {
                            if let Err(e) = shopdesk_mail::inbox::fetch_mail(&shop, None) {
                                log::warn!("mailbox: {e}");
                            }
                        }
                    }
                })?;
            Ok(())
        })
        .invoke_handler(ipc::handler())
        .run(tauri::generate_context!())
        .expect("error while running Shopdesk");
}
