//! What every journey needs: a tauri-driver per test with its own directories, and the small
//! actions a person takes in the window (fill, click, read, wait), as WebDriver calls.
#![allow(dead_code)] // each test file uses its own subset

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const WAIT: Duration = Duration::from_secs(20);

pub fn app_binary() -> PathBuf {
    match std::env::var_os("SHOPDESK_APP") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/shopdesk-app"),
    }
    .canonicalize()
    .expect("build the app first: cargo build -p shopdesk-app (make e2e does)")
}

/// A tauri-driver serving one test, with the app's directories pointed into `home`.
pub struct Driver {
    child: Child,
    port: u16,
    home: PathBuf,
}

impl Driver {
    pub fn start(home: &Path, port: u16) -> Driver {
        Driver::start_with(home, port, &[], &[])
    }

    /// `start`, with `env` added to the app's environment and `unset` taken out of it.
    pub fn start_with(home: &Path, port: u16, env: &[(&str, &str)], unset: &[&str]) -> Driver {
        for dir in ["data", "config", "cache", "logs"] {
            std::fs::create_dir_all(home.join(dir)).unwrap();
        }
        let mut command =
            Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()));
        for name in unset {
            command.env_remove(name);
        }
        let child = command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &(port + 1).to_string(),
            ])
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("SHOPDESK_LOG_DIR", home.join("logs"))
            .env("SHOPDESK_DB", home.join("shop.sqlite3"))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "tauri-driver is installed (cargo install tauri-driver --version 2.1.0 --locked)",
            );
        Driver {
            child,
            port,
            home: home.to_path_buf(),
        }
    }

    pub async fn launch(&self) -> Client {
        let caps = serde_json::json!({
            "browserName": "wry",
            "tauri:options": { "application": app_binary() }
        });
        let caps = caps
            .as_object()
            .cloned()
            .expect("capabilities are an object");
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut slow = 0;
        for _ in 0..50 {
            // An app that died at start leaves the session waiting for its window forever:
            // after a minute the launch is tried again instead of hanging the whole run.
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(caps.clone());
            match tokio::time::timeout(Duration::from_secs(60), builder.connect(&url)).await {
                Ok(Ok(c)) => return c,
                Ok(Err(_)) => {}
                Err(_) if slow < 2 => {
                    slow += 1;
                    eprintln!("no window within a minute: launching again");
                }
                Err(_) => panic!("no window within a minute, three times"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("tauri-driver did not accept a session on {url}");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver instead of orphaning it.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        // An app the session left running would answer the next journey's launch in place of
        // a new one (the single-instance plugin finds it on the session bus): stop whatever
        // still runs on this journey's database.
        let mark = format!("SHOPDESK_DB={}", self.home.join("shop.sqlite3").display());
        let mut killed = Vec::new();
        for p in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let env = std::fs::read(p.path().join("environ")).unwrap_or_default();
            if env.split(|b| *b == 0).any(|v| v == mark.as_bytes()) {
                let _ = Command::new("kill")
                    .args(["-KILL", &p.file_name().to_string_lossy()])
                    .status();
                killed.push(p.path());
            }
        }
        // Until they are gone: one still leaving the session bus makes the next launch's
        // single-instance check fail ("recipient disconnected without replying").
        // (A zombie has let go of the bus already.)
        let alive = |p: &std::path::PathBuf| {
            std::fs::read_to_string(p.join("stat")).is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
            })
        };
        for _ in 0..100 {
            if !killed.iter().any(alive) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub async fn fill(c: &Client, css: &str, text: &str) {
    let el = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

pub async fn click(c: &Client, css: &str) {
    click_within(c, css, WAIT).await;
}

/// Clicks once the element is there, waiting up to `wait` for it (for the few steps that are
/// slow by nature, such as loading the demo shop in a debug build).
/// An element found but not yet clickable (still sliding in, covered by a closing dialog or a
/// toast) is tried again until the wait is over, as a person would click again.
pub async fn click_within(c: &Client, css: &str, wait: Duration) {
    let deadline = std::time::Instant::now() + wait;
    loop {
        let el = c
            .wait()
            .at_most(deadline.saturating_duration_since(std::time::Instant::now()))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        match el.click().await {
            Ok(_) => return,
            // Whatever the driver says of a click on an element it found (not interactable yet,
            // covered, gone stale while the screen re-rendered — WebKit's driver also answers
            // some of these with an unknown error and no message), it is tried again within
            // the wait; at the end the driver's own status is said.
            Err(fantoccini::error::CmdError::Standard(e))
                if std::time::Instant::now() < deadline =>
            {
                eprintln!("{css}: clicked again after {:?}", e.error);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(fantoccini::error::CmdError::Standard(e)) => {
                panic!("{css}: {:?}: {e}", e.error)
            }
            Err(e) => panic!("{css}: {e}"),
        }
    }
}

pub async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Waits until the element's text contains `want`, and returns it.
pub async fn wait_text(c: &Client, css: &str, want: &str) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let got = match c.find(Locator::Css(css)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if got.contains(want) {
            return got;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} never showed {want:?}; last text {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the element's whole text is `want`.
pub async fn wait_exact(c: &Client, css: &str, want: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let got = match c.find(Locator::Css(css)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if got.trim() == want {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} never read {want:?}; last {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Saves what the window shows when SHOPDESK_E2E_SHOTS names a folder (for people reviewing).
pub async fn shot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("SHOPDESK_E2E_SHOTS") {
        let png = c.screenshot().await.unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

/// Waits for a toast saying `want`, then closes it as a person would (its × button), so it
/// covers nothing the journey clicks next. Returns all the toast said.
pub async fn toast_said(c: &Client, want: &str) -> String {
    // Any of the toasts on screen: an earlier one may still be on its way out above it.
    let deadline = std::time::Instant::now() + WAIT;
    let said = 'seen: loop {
        for t in c
            .find_all(Locator::Css("[data-sonner-toast]"))
            .await
            .unwrap_or_default()
        {
            let text = t.text().await.unwrap_or_default();
            if text.contains(want) {
                break 'seen text;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no toast said {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // A toast leaving on its own between the find and the click is a stale element: gone is
    // what we want, so those answers count as gone.
    for close in c
        .find_all(Locator::Css("[data-sonner-toast] [data-close-button]"))
        .await
        .unwrap_or_default()
    {
        let _ = close.click().await;
    }
    for _ in 0..50 {
        if c.find_all(Locator::Css("[data-sonner-toast]"))
            .await
            .map(|t| t.is_empty())
            .unwrap_or(false)
        {
            return said;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    said
}

/// Waits until `screen` is the one shown (its navigation button is the active one).
pub async fn on_screen(c: &Client, screen: &str) {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&format!("#nav-{screen}.active")))
        .await
        .unwrap_or_else(|_| panic!("the {screen} screen never came up"));
}

/// Loads the demo shop from the first-run screen and signs in as its owner, with the PIN its
/// sign-in screen shows.
pub async fn load_demo(c: &Client) {
    click(c, "#load-demo").await;
    // A year of the demo shop's trading is played in: seconds in the debug build, more on a
    // busy CI machine (it once took past the usual 20 s there).
    click_within(
        c,
        "button[data-staff='Alex Morgan']",
        Duration::from_secs(90),
    )
    .await;
    fill(c, "#pin", "1111").await;
    click(c, "#sign-in").await;
    wait_text(c, "#who", "Alex Morgan · Owner").await;
}

/// Sets up a new shop on the first-run screen, its owner signed in.
pub async fn first_run(c: &Client, shop: &str, owner: &str, pin: &str) {
    first_run_form(c, shop, owner, pin).await;
    click(c, "#create-shop").await;
}

/// Fills the first-run form without sending it.
pub async fn first_run_form(c: &Client, shop: &str, owner: &str, pin: &str) {
    fill(c, "#shop-name", shop).await;
    fill(c, "#shop-address", "3 Shop Street, Galway H91 A1B2").await;
    fill(c, "#shop-email", "hello@shop.example").await;
    fill(c, "#shop-phone", "+353 91 555 0199").await;
    fill(c, "#owner-name", owner).await;
    fill(c, "#owner-pin", pin).await;
    fill(c, "#owner-pin-again", pin).await;
}

/// Fills the Catalog's new-product form as a person would, and saves.
pub async fn add_product(c: &Client, title: &str, sku: &str, price: &str) {
    click(c, "#new-product").await;
    fill(c, "#product-title", title).await;
    fill(c, "#v-0-sku", sku).await;
    fill(c, "#v-0-price", price).await;
    click(c, "#save-product").await;
}

pub async fn search_catalog(c: &Client, words: &str) -> String {
    fill(c, "#product-search", words).await;
    wait_exact(c, "#product-count", "1 variant").await;
    // The row fills in when its page arrives. Read as innerText: WebKit's driver reports no
    // text for rows positioned inside the virtualised list's scroll box.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let row = c
            .execute(
                "return document.querySelector('div.variant-row')?.innerText ?? ''",
                vec![],
            )
            .await
            .unwrap();
        let row = row.as_str().unwrap_or_default().replace('\n', " ");
        if !row.trim().is_empty() && !row.contains('…') {
            return row;
        }
        assert!(std::time::Instant::now() < deadline, "the row never filled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Types into a field and presses Enter, as a barcode scanner does.
pub async fn scan_into(c: &Client, css: &str, code: &str) {
    fill(c, css, &format!("{code}\u{E007}")).await;
}

/// Waits inside the page until the window's array `name` holds more than `n` entries; the
/// page's script calls `window.__wake?.()` after each entry it adds. One WebDriver call and no
/// timer: polling runs a script on the page's main thread every few ms, competing with the very
/// scan a benchmark is timing.
pub async fn wait_in_page_for_entries(c: &Client, name: &str, n: usize) {
    c.execute_async(
        "const [name, n, done] = arguments;
         const check = () => { if (window[name].length > n) { window.__wake = null; done(true); } };
         window.__wake = check;
         check();",
        vec![name.into(), n.into()],
    )
    .await
    .unwrap_or_else(|e| panic!("{name} never reached {} entries: {e}", n + 1));
}

/// The value of an input (its text is empty to WebDriver).
pub async fn value_of(c: &Client, css: &str) -> String {
    let el = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    el.prop("value").await.unwrap().unwrap_or_default()
}

/// Picks an option of a <select> as a person would.
pub async fn choose(c: &Client, select: &str, value: &str) {
    click(c, &format!("{select} option[value=\"{value}\"]")).await;
}

/// Enters a phone order for Zoë Müller in Dublin through the Orders screen's form and saves it;
/// the shop delivers it itself.
pub async fn phone_order(c: &Client, postal_code: &str, sku: &str, quantity: &str) {
    phone_order_by(c, postal_code, sku, quantity, "Own delivery").await;
}

/// The same, sent by the shipping method `method`.
pub async fn phone_order_by(
    c: &Client,
    postal_code: &str,
    sku: &str,
    quantity: &str,
    method: &str,
) {
    click(c, "#nav-orders").await;
    click(c, "#new-order").await;
    fill(c, "#of-email", "zoe@example.ie").await;
    fill(c, "#of-name", "Zoë Müller").await;
    fill(c, "#of-line1", "1 Grafton Street").await;
    fill(c, "#of-postal", postal_code).await;
    fill(c, "#of-city", "Dublin").await;
    fill(c, "#of-country", "IE").await;
    fill(c, "#of-sku-0", sku).await;
    fill(c, "#of-qty-0", quantity).await;
    fill(c, "#of-ship-method", method).await;
    fill(c, "#of-ship-price", "5.00").await;
    click(c, "#of-save").await;
}

/// Waits until no Shopdesk window is running: a relaunch while the last one is still exiting
/// meets the single-instance lock it has not yet let go of.
pub async fn wait_app_gone() {
    let app = app_binary();
    let running = || {
        std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| std::fs::read_link(e.path().join("exe")).is_ok_and(|exe| exe == app))
    };
    for _ in 0..100 {
        if !running() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the last Shopdesk window did not exit");
}

/// The name ("#1042") of the order open beside the inbox: the demo shop has a history, so a new
/// order's number is whatever comes next.
pub async fn open_order_name(c: &Client) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#order-detail[data-order]"))
        .await
        .expect("an order is open")
        .attr("data-order")
        .await
        .unwrap()
        .expect("the open order has a name")
}

/// The barcode of an order line at the packing bench, as the scanner would read it off the item.
pub async fn pack_line_barcode(c: &Client, sku: &str) -> String {
    let row = format!("tr.pack-line[data-sku=\"{sku}\"]");
    // The order may still be opening at the bench: wait for its line.
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&row))
        .await
        .unwrap_or_else(|_| panic!("{row} never came up at the bench"));
    c.execute(
        &format!("return document.querySelector('{row}').dataset.barcode"),
        vec![],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap_or_else(|| panic!("{row} has no barcode"))
    .to_string()
}

/// "R00001393" out of "Sale R00001393 complete. …" (or a till's "R-T1-00000001").
pub fn receipt_code(text: &str) -> String {
    let digits = |w: &str| w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit());
    text.split_whitespace()
        .find(|w| {
            w.strip_prefix('R').is_some_and(|rest| {
                digits(rest)
                    || rest
                        .rsplit_once('-')
                        .is_some_and(|(till, n)| till.starts_with('-') && digits(n))
            })
        })
        .unwrap_or_else(|| panic!("no receipt number in {text:?}"))
        .to_string()
}

/// Rings up one demo Charcoal mug (16.50) for cash at the counter, opening a shift first if none
/// is open; returns the sale's receipt number.
pub async fn sell_a_mug(c: &Client) -> String {
    click(c, "#nav-sell").await;
    // The till shows either its scan box (a shift is open) or the float to open one.
    let first = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#sell-scan, #shift-float"))
        .await
        .expect("the counter came up");
    if first.attr("id").await.unwrap().as_deref() == Some("shift-float") {
        fill(c, "#shift-float", "100.00").await;
        click(c, "#open-shift").await;
    }
    scan_into(c, "#sell-scan", "5390001000167").await;
    wait_text(c, "#sale-total", "16.50").await;
    click(c, "#pay").await;
    wait_text(c, "#pay-remaining", "0.00").await;
    click(c, "#complete-sale").await;
    receipt_code(&wait_text(c, "#sale-done", "complete").await)
}

/// Saves the sale just completed as a PDF receipt and returns its text (pdftotext -layout).
pub async fn receipt_text(c: &Client) -> String {
    click(c, "#receipt-pdf").await;
    let saved = wait_text(c, "#receipt-saved", "Receipt saved to").await;
    let pdf = saved
        .trim_start_matches("Receipt saved to ")
        .trim()
        .to_string();
    let out = Command::new("pdftotext")
        .args(["-layout", &pdf, "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Picks the first option of a select whose words satisfy `wanted` (ids are made by the app);
/// returns its words.
pub async fn pick_option(c: &Client, select: &str, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        for o in c
            .find_all(Locator::Css(&format!("{select} option")))
            .await
            .unwrap_or_default()
        {
            let words = o.text().await.unwrap_or_default();
            if wanted(words.trim()) {
                o.click().await.unwrap();
                return words.trim().to_string();
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{select} never offered the option wanted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
