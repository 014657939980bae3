//! Print jobs from core's queue turned into PDFs and handed to the spooler, each outcome
//! recorded on the job (sent with the spooler's answer, or failed with the reason).

use crate::{
    invoice_pdf, label_page, labels_pdf, packing_slip_pdf, pick_lists_pdf, print_document,
    supplier_order_pdf,
};
use shopdesk_core::order::invoice::PaperSize;
use shopdesk_core::packing::print_queue::{DocKind, PrintJob};
use shopdesk_core::packing::shipping::Station;
use shopdesk_core::{Result, Session, Shop};

fn paper_page(p: PaperSize) -> (f32, f32) {
    match p {
        PaperSize::A4 => (595.28, 841.89),
        PaperSize::Letter => (612.0, 792.0),
    }
}

/// The job's document as PDF and its page size in points.
pub fn render_job(
    shop: &Shop,
    session: &Session,
    job: &PrintJob,
    station: &Station,
) -> Result<(Vec<u8>, (f32, f32))> {
    Ok(match job.kind {
        DocKind::Label => {
            let labels = shop.shipment_labels(session, &job.doc_id)?;
            (
                labels_pdf(&labels, station.label_size),
                label_page(station.label_size),
            )
        }
        DocKind::Slip => {
            let slip = shop.packing_slip(session, &job.doc_id)?;
            (packing_slip_pdf(&slip), paper_page(slip.paper))
        }
        DocKind::Invoice => {
            let inv = shop.invoice(session, &job.doc_id)?;
            (invoice_pdf(&inv), paper_page(inv.paper))
        }
        DocKind::Picklist => {
            let lists = shop.pick_lists(session, std::slice::from_ref(&job.doc_id), true)?;
            let paper = lists.first().map_or(PaperSize::A4, |l| l.paper);
            (pick_lists_pdf(&lists), paper_page(paper))
        }
        DocKind::SupplierOrder => {
            let so = shop.supplier_order(session, &job.doc_id)?;
            (supplier_order_pdf(&so), paper_page(so.paper))
        }
    })
}

/// Prints each job on its printer and records what happened; returns the jobs as they are now.
pub fn print_jobs(
    shop: &Shop,
    session: &Session,
    station: &Station,
    jobs: &[PrintJob],
) -> Result<Vec<PrintJob>> {
    jobs.iter()
        .map(|job| {
            // The reason is a sentence for the bench; a named printer is said after it.
            let printer = match job.printer.as_str() {
                "" => String::new(),
                p => format!(" (Printer: {p}.)"),
            };
            // A document that cannot be made fails its job like a refused print: the parcel
            // has shipped either way, and the queue shows why and offers a retry.
            let outcome = render_job(shop, session, job, station)
                .map_err(|e| e.to_string())
                .and_then(|(pdf, page)| {
                    print_document(&pdf, &job.printer, &job.title, page).map_err(|e| e.to_string())
                });
            match outcome {
                Ok(answer) => shop.print_sent(&job.id, &answer),
                Err(e) => shop.print_failed(&job.id, &format!("{e}{printer}")),
            }
        })
        .collect()
}
