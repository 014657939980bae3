//! Layouts that hold: every screen and every dialog of the demo shop opened in the real window at
//! 1280×720, 1366×768 and 1920×1080, and at 1366×768 in dark too. Each view is measured in the
//! page: nothing may reach past the window's right edge, and no element may be wider inside than
//! its box (scrollWidth against clientWidth) — a clipped column or a sideways scroll bar fails.
//! A screenshot of each view is saved and its path printed, for people to look at.

mod common;

use common::*;
use fantoccini::Client;
use std::path::PathBuf;

const SIZES: [(u32, u32); 3] = [(1280, 720), (1366, 768), (1920, 1080)];

/// What overflows in the page now, one line per element. Text fields, truncated cells (an
/// ellipsis is a choice), zero-size or hidden elements, and the inside of a box marked
/// `data-scroll-x` (the product editor's variant spreadsheet, which scrolls sideways by design
/// when a product has three options) are left out; the box itself must still fit.
const OVERFLOWS: &str = r#"
const vw = document.documentElement.clientWidth;
const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '');
const path = (el) => { const p = []; for (let e = el; e && p.length < 4; e = e.parentElement) p.unshift(name(e)); return p.join(' > '); };
const bad = [];
if (document.documentElement.scrollWidth > vw + 1) bad.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('input, select, textarea, option, svg, [aria-hidden="true"], [data-sonner-toaster]')) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const cs = getComputedStyle(el);
  if (cs.visibility === 'hidden') continue;
  if (el.closest('[data-scroll-x] *')) continue;
  if (r.right > vw + 1 && r.left < vw) bad.push(path(el) + ' runs past the window: right ' + Math.round(r.right) + ' > ' + vw);
  if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && !el.hasAttribute('data-scroll-x') && cs.textOverflow !== 'ellipsis' && cs.display !== 'inline')
    bad.push(path(el) + ' is wider inside than its box: ' + el.scrollWidth + ' > ' + el.clientWidth);
}
return bad.slice(0, 12);
"#;

fn shots_dir() -> PathBuf {
    let dir = std::env::var_os("SHOPDESK_E2E_SHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shopdesk_testkit::repo_root().join("target/layout-shots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Measures the view, saves its screenshot, and returns what overflows (empty when it holds).
async fn measure(c: &Client, view: &str, size: (u32, u32), theme: &str) -> Vec<String> {
    // Let the layout settle (resize observers, fonts, the dialog's opening).
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    let found = c.execute(OVERFLOWS, vec![]).await.unwrap();
    let name = format!("{}x{}-{theme}-{view}.png", size.0, size.1);
    let path = shots_dir().join(&name);
    std::fs::write(&path, c.screenshot().await.unwrap()).unwrap();
    println!("screenshot {}", path.display());
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{}x{} {theme} {view}: {}",
                size.0,
                size.1,
                v.as_str().unwrap()
            )
        })
        .collect()
}

/// Esc, as the person presses it in a dialog: the dialog closes.
async fn press_escape(c: &Client) {
    c.execute(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))",
        vec![],
    )
    .await
    .unwrap();
    let closed = poll(
        c,
        "return document.querySelector(\"[role='dialog']\") === null",
    )
    .await;
    assert!(closed, "Esc left a dialog open");
}

/// Asks the page `script` (a boolean) until it says yes, for up to three seconds.
async fn poll(c: &Client, script: &str) -> bool {
    for _ in 0..30 {
        if c.execute(script, vec![]).await.unwrap().as_bool() == Some(true) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

/// Every screen, and the dialogs each opens, at one size and theme.
/// `slip`: the barcode on the packing slip of the order the journey placed ("O1093").
async fn walk(c: &Client, size: (u32, u32), theme: &str, slip: &str) -> Vec<String> {
    let mut bad = Vec::new();
    c.set_window_size(size.0, size.1).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let inner = c.execute("return window.innerWidth", vec![]).await.unwrap();
    assert_eq!(
        inner.as_u64(),
        Some(u64::from(size.0)),
        "the window took {size:?}"
    );

    // Sell: a cart with a line, its line editor, then the pay, shift and return dialogs.
    click(c, "#nav-sell").await;
    wait_text(c, "#cart", "").await;
    if c.find_all(fantoccini::Locator::Css(".sale-line"))
        .await
        .unwrap()
        .is_empty()
    {
        fill(c, "#sell-scan", "stoneware").await;
        click(c, "#sell-results button").await;
        wait_text(c, "#cart", "Stoneware Mug").await;
    }
    bad.extend(measure(c, "sell", size, theme).await);
    click(c, "#pay").await;
    wait_text(c, "#pay-dialog", "Total").await;
    bad.extend(measure(c, "sell-pay", size, theme).await);
    // The pay box takes the amount at once: focus is in it, not in the scan box behind.
    let amount = "return document.activeElement && document.activeElement.id === 'tender-amount-0'";
    assert!(
        poll(c, amount).await,
        "{size:?}: focus is not in the amount"
    );
    press_escape(c).await;
    click(c, "#shift-button").await;
    bad.extend(measure(c, "sell-shift", size, theme).await);
    press_escape(c).await;
    click(c, "#open-return").await;
    bad.extend(measure(c, "sell-return", size, theme).await);
    press_escape(c).await;

    // Orders: the inbox alone, with an order open beside it, and the new-order form.
    click(c, "#nav-orders").await;
    wait_text(c, "#inbox", "#").await;
    bad.extend(measure(c, "orders", size, theme).await);
    click(c, "tr.inbox-row td.order-name").await;
    wait_text(c, "#order-detail", "Order").await;
    bad.extend(measure(c, "orders-open", size, theme).await);
    click(c, "#new-order").await;
    bad.extend(measure(c, "orders-new", size, theme).await);
    for panel in ["#open-outbox", "#open-channels", "#open-order-settings"] {
        click(c, panel).await;
        bad.extend(measure(c, &format!("orders-{}", &panel[6..]), size, theme).await);
    }

    // Pack: the bench, an order open with a ticked row, and the station dialog.
    click(c, "#nav-pack").await;
    wait_text(c, "#pack-settings", "Station").await;
    bad.extend(measure(c, "pack", size, theme).await);
    scan_into(c, "#pack-code", slip).await;
    let barcode = pack_line_barcode(c, "EMUG-CHARCOAL").await;
    scan_into(c, "#pack-scan", &barcode).await;
    wait_exact(c, "#pack-progress", "1 / 2").await;
    bad.extend(measure(c, "pack-ticked", size, theme).await);
    click(c, "#pack-aside").await;
    click(c, "#pack-settings").await;
    wait_text(c, "#station-dialog", "Save").await;
    bad.extend(measure(c, "pack-station", size, theme).await);
    press_escape(c).await;

    // Catalog: the list, the product editor and the import dialog.
    click(c, "#nav-catalog").await;
    wait_text(c, "#product-count", "variants").await;
    bad.extend(measure(c, "catalog", size, theme).await);
    click(c, ".variant-row").await;
    wait_text(c, "#product-editor h2", "Edit product").await;
    bad.extend(measure(c, "catalog-product", size, theme).await);
    click(c, "#close-product").await;
    click(c, "#import-csv").await;
    bad.extend(measure(c, "catalog-import", size, theme).await);
    click(c, "#import-close").await;

    // Stock: every tab. Items at zero are in Levels, and Low stock lists them without a rule.
    click(c, "#nav-stock").await;
    // The screen keeps the tab it was left on (Home's low-stock tile opens Low stock).
    click(c, "#tab-levels").await;
    wait_text(c, "#stock-levels", "PRINT-").await;
    click(c, "#tab-low").await;
    wait_text(c, "#low-stock", "no rule").await;
    for tab in ["levels", "low", "po", "suppliers", "transfers", "count"] {
        click(c, &format!("#tab-{tab}")).await;
        bad.extend(measure(c, &format!("stock-{tab}"), size, theme).await);
    }

    // Home, and Reports: the summary's tiles, a wide table, the chart and a row's documents.
    click(c, "#nav-home").await;
    wait_text(c, "#home-today", "last week").await;
    bad.extend(measure(c, "home", size, theme).await);
    click(c, "#nav-reports").await;
    wait_text(c, "#kpi-net", "Net sales").await;
    bad.extend(measure(c, "reports", size, theme).await);
    click(c, "#report-products").await;
    text_of(c, "tr.report-row td.report-net").await;
    bad.extend(measure(c, "reports-products", size, theme).await);
    click(c, "tr.report-row td.report-name").await;
    wait_text(c, "#documents-count", "documents").await;
    bad.extend(measure(c, "reports-documents", size, theme).await);
    press_escape(c).await;
    click(c, "#report-over_time").await;
    wait_text(c, "#report-chart", "Net sales").await;
    bad.extend(measure(c, "reports-over-time", size, theme).await);
    click(c, "#report-summary").await;

    // The screen still to come, and Settings.
    // A customer open beside the list.
    click(c, "#nav-customers").await;
    on_screen(c, "customers").await;
    click(c, "tr.customer-row td.customer-name").await;
    wait_text(c, "#customer-figures", "Lifetime value").await;
    bad.extend(measure(c, "customers-profile", size, theme).await);
    // The desk with one of the demo's tickets open.
    click(c, "#tab-tickets").await;
    click(c, "tr.ticket-row td.ticket-name").await;
    wait_text(c, "#ticket-entries", "Reply to").await;
    bad.extend(measure(c, "customers-ticket", size, theme).await);
    click(c, "#tab-customers").await;
    for screen in ["customers", "settings"] {
        click(c, &format!("#nav-{screen}")).await;
        on_screen(c, screen).await;
        bad.extend(measure(c, screen, size, theme).await);
    }
    click(c, "#tab-counter").await;
    wait_text(c, "#tax-rates", "×").await;
    bad.extend(measure(c, "settings-counter", size, theme).await);
    click(c, "#tab-locations").await;
    wait_text(c, "#location-list", "↓").await;
    bad.extend(measure(c, "settings-locations", size, theme).await);
    click(c, "#tab-shipping").await;
    wait_text(c, "#carrier-list", "An Post").await;
    bad.extend(measure(c, "settings-shipping", size, theme).await);
    click(c, "#tab-audit").await;
    wait_text(c, "#audit-list", "Signed in").await;
    bad.extend(measure(c, "settings-audit", size, theme).await);
    click(c, "#tab-backups").await;
    click(c, "#backup-now").await;
    toast_said(c, "Backed up and verified").await;
    wait_text(c, "#backup-list", "Verify").await;
    bad.extend(measure(c, "settings-backups", size, theme).await);
    click(c, "#backup-list tbody tr:first-child .open-backup").await;
    click(c, "#restore-start").await;
    wait_text(c, "#restore-form", "PIN").await;
    bad.extend(measure(c, "settings-backup-restore", size, theme).await);
    press_escape(c).await;
    // Security and its dialog, stopped before anything is encrypted.
    click(c, "#tab-security").await;
    click(c, "#encrypt-start").await;
    wait_text(c, "#recovery-key-shown", "-").await;
    bad.extend(measure(c, "settings-security", size, theme).await);
    press_escape(c).await;
    click(c, "#tab-stations").await;
    wait_text(c, "#share-form", "Share this shop").await;
    bad.extend(measure(c, "settings-stations", size, theme).await);
    click(c, "#tab-staff").await;
    bad
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_and_dialog_holds_its_layout_from_1280_to_1920() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4610);
    let c = driver.launch().await;
    load_demo(&c).await;
    // An order in the inbox and on the bench.
    phone_order_by(&c, "D02 X285", "EMUG-CHARCOAL", "2", "An Post Registered").await;
    wait_text(&c, "#order-detail", "Order").await;
    let slip = format!("O{}", &open_order_name(&c).await[1..]);
    // A shift is open so the counter shows its till.
    click(&c, "#nav-sell").await;
    fill(&c, "#shift-float", "100.00").await;
    click(&c, "#open-shift").await;
    wait_text(&c, "#shift-button", "Shift").await;

    let mut bad = Vec::new();
    for size in SIZES {
        bad.extend(walk(&c, size, "light", &slip).await);
    }
    c.execute("document.documentElement.dataset.theme = 'dark'", vec![])
        .await
        .unwrap();
    bad.extend(walk(&c, (1366, 768), "dark", &slip).await);
    println!("screenshots in {}", shots_dir().display());
    assert!(bad.is_empty(), "overflows:\n{}", bad.join("\n"));
    c.close().await.unwrap();
}
