//! Commands of reports: any report for a period, the documents behind a row, CSV and PDF
//! exports, and the owner's home screen (core `report/`).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, export_path, write_file, SavedFile};
use serde::Deserialize;
use shopdesk_core::order::invoice::PaperSize;
use shopdesk_core::report::{DocumentRow, Home, Report, ReportName, ReportQuery};
use shopdesk_core::shop::staff::StaffMember;
use shopdesk_core::ErrorBody;
use tauri::AppHandle;
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct ReportRequest {
    pub name: ReportName,
    pub query: ReportQuery,
}

/// The documents behind one row (`key` as the row gave it; "" for the whole period).
#[derive(Debug, Deserialize, TS)]
pub struct ReportRowRequest {
    pub name: ReportName,
    pub query: ReportQuery,
    pub key: String,
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Pdf,
}

#[derive(Debug, Deserialize, TS)]
pub struct ReportExport {
    pub name: ReportName,
    pub query: ReportQuery,
    pub format: ExportFormat,
}

#[tauri::command]
pub async fn report_run(app: AppHandle, req: ReportRequest) -> Result<Report, ErrorBody> {
    as_staff(app, move |shop, s| shop.report(s, req.name, &req.query)).await
}

/// Everyone a report can be narrowed to, former staff included.
#[tauri::command]
pub async fn report_staff(app: AppHandle, req: ()) -> Result<Vec<StaffMember>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.report_staff(s)).await
}

#[tauri::command]
pub async fn report_documents(
    app: AppHandle,
    req: ReportRowRequest,
) -> Result<Vec<DocumentRow>, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.report_documents(s, req.name, &req.query, &req.key)
    })
    .await
}

#[tauri::command]
pub async fn report_export(app: AppHandle, req: ReportExport) -> Result<SavedFile, ErrorBody> {
    let stem = format!("shopdesk-{}", req.name.slug());
    let ext = match req.format {
        ExportFormat::Csv => "csv",
        ExportFormat::Pdf => "pdf",
    };
    let path = export_path(&app, &stem, ext)?;
    as_staff(app, move |shop, s| {
        let report = shop.report(s, req.name, &req.query)?;
        let bytes = match req.format {
            ExportFormat::Csv => report.to_csv()?.into_bytes(),
            ExportFormat::Pdf => {
                let country = shop.profile()?.map(|p| p.country).unwrap_or_default();
                shopdesk_documents::report_pdf(&report, PaperSize::for_country(&country))
            }
        };
        let saved = write_file(path, &bytes)?;
        shop.note_export(
            s,
            &format!("report {}", req.name.slug()),
            report.rows.len() as i64,
        )?;
        Ok(saved)
    })
    .await
}

#[tauri::command]
pub async fn home(app: AppHandle, req: ()) -> Result<Home, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.home(s)).await
}
