//! The owner reads the business in the real window: the demo shop's home screen, then Reports
//! (F7) — a figure from the summary checked against the documents it drills into, a product's
//! net sales against its documents, the chart, a document opened in Orders, and the CSV and PDF
//! exports read back from disk.

mod common;

use common::*;
use fantoccini::{Client, Locator};

/// "€35,191.73" or "-€12.50" → minor units (the demo shops' currencies have two decimals).
fn minor(text: &str) -> i64 {
    let negative = text.contains('-') || text.contains('−');
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    let n: i64 = digits
        .parse()
        .unwrap_or_else(|_| panic!("no amount in {text:?}"));
    if negative {
        -n
    } else {
        n
    }
}

/// The amount after "net " in "12 documents, net €1,234.50. Open one to see it."
fn documents_net(text: &str) -> i64 {
    let after = text.split("net ").nth(1).unwrap_or_default();
    minor(after.split(". ").next().unwrap_or_default())
}

/// Clicks an export button and returns the `.ext` file its toast names (another export's toast
/// may still be on its way out).
async fn export(c: &Client, button: &str, ext: &str) -> std::path::PathBuf {
    click(c, button).await;
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        for toast in c
            .find_all(Locator::Css("[data-sonner-toast]"))
            .await
            .unwrap()
        {
            let text = toast.text().await.unwrap_or_default();
            if let Some(path) = text
                .split("Saved to ")
                .nth(1)
                .and_then(|rest| rest.lines().next())
                .map(str::trim)
                .filter(|p| p.ends_with(&format!(".{ext}")))
            {
                let path = std::path::PathBuf::from(path);
                toast_said(c, "Saved to ").await;
                return path;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no toast named the {ext} file"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_reads_reports_that_tie_out_with_their_documents() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4630);
    let c = driver.launch().await;
    load_demo(&c).await;

    // The owner lands on Home: today against last week, and what needs a hand.
    on_screen(&c, "home").await;
    wait_text(&c, "#home-today", "Same time last week").await;
    let to_pack = text_of(&c, "#home-to-pack .big").await;
    assert!(
        to_pack.parse::<u32>().unwrap() > 0,
        "the demo has orders to pack"
    );
    shot(&c, "home").await;
    click(&c, "#home-to-pack").await;
    on_screen(&c, "orders").await;
    wait_text(&c, "#view-to_pack[aria-pressed='true']", "To pack").await;

    // F7: the summary of the last 30 days, compared with the 30 before, ties out.
    click(&c, "#nav-reports").await;
    on_screen(&c, "reports").await;
    let net = minor(&text_of(&c, "#kpi-net .kpi-value").await);
    let shipping = minor(&text_of(&c, "#kpi-shipping .kpi-value").await);
    assert!(
        net > 0 && shipping > 0,
        "ninety days of trade: {net} {shipping}"
    );
    wait_text(&c, "#kpi-net", "%").await;
    assert!(
        c.find_all(Locator::Css(".tie-out"))
            .await
            .unwrap()
            .is_empty(),
        "every figure reconciles"
    );
    shot(&c, "reports-summary").await;

    // Its documents add up to it: goods and shipping before tax.
    click(&c, "#kpi-net").await;
    let count = wait_text(&c, "#documents-count", "documents, net").await;
    assert_eq!(documents_net(&count), net + shipping, "{count}");
    c.execute(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))",
        vec![],
    )
    .await
    .unwrap();

    // By product: the best seller's net sales are its documents' net.
    click(&c, "#report-products").await;
    let row_net = minor(&text_of(&c, "tr.report-row td.report-net").await);
    // Its chart: the best sellers' net sales as bars above the table.
    wait_text(&c, "#report-chart", "Net sales").await;
    shot(&c, "reports-products").await;
    click(&c, "tr.report-row td.report-name").await;
    let count = wait_text(&c, "#documents-count", "documents, net").await;
    assert_eq!(documents_net(&count), row_net, "{count}");

    // A document opens where it lives: an order in the inbox.
    let order = c
        .find(Locator::Css("tr.document-row[data-name^='#']"))
        .await
        .expect("a marketplace or phone order among the best seller's documents");
    let name = order.attr("data-name").await.unwrap().unwrap();
    // The list scrolls inside the dialog: bring the row into view, as a person scrolls to it.
    let cell = format!("tr.document-row[data-name='{name}'] td.doc-name");
    c.execute(
        &format!("document.querySelector(\"{cell}\").scrollIntoView({{block: 'center'}})"),
        vec![],
    )
    .await
    .unwrap();
    click(&c, &cell).await;
    on_screen(&c, "orders").await;
    wait_text(&c, "#order-detail", &name).await;

    // Over time draws a chart, with the compared period beside it.
    click(&c, "#nav-reports").await;
    click(&c, "#report-over_time").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#report-chart canvas"))
        .await
        .expect("the chart is drawn");
    wait_text(&c, "#report-chart", "Compared").await;
    shot(&c, "reports-over-time").await;

    // Exports: the CSV reads as the table, the PDF is a PDF.
    click(&c, "#report-taxes").await;
    text_of(&c, "tr.report-row td.report-base").await;
    wait_text(&c, "#report-chart", "Net tax").await;
    let csv = export(&c, "#report-csv", "csv").await;
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("Tax,Rate,Taxable sales,Tax collected,Tax refunded,Net tax"),
        "{text}"
    );
    assert!(text.contains("VAT"), "{text}");
    let pdf = export(&c, "#report-pdf", "pdf").await;
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 2000,
        "{} bytes at {}",
        bytes.len(),
        pdf.display()
    );
    let _ = std::fs::remove_file(csv);
    let _ = std::fs::remove_file(pdf);
    c.close().await.unwrap();
}
