//! Commands of the catalog: the list and search, scan lookup, products and their history (core
//! `catalog/`).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, ById, Code};
use shopdesk_core::audit::AuditEvent;
use shopdesk_core::catalog::product::{Product, ProductDraft, ProductEdit};
use shopdesk_core::catalog::{CatalogFacets, CatalogPage, CatalogQuery, VariantRow};
use shopdesk_core::ErrorBody;
use tauri::AppHandle;

#[tauri::command]
pub async fn catalog_list(app: AppHandle, req: CatalogQuery) -> Result<CatalogPage, ErrorBody> {
    as_staff(app, move |shop, s| shop.catalog(s, &req)).await
}

#[tauri::command]
pub async fn catalog_lookup(app: AppHandle, req: Code) -> Result<Option<VariantRow>, ErrorBody> {
    as_staff(app, move |shop, s| shop.lookup(s, &req.code)).await
}

#[tauri::command]
pub async fn catalog_facets(app: AppHandle, req: ()) -> Result<CatalogFacets, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.catalog_facets(s)).await
}

#[tauri::command]
pub async fn barcode_in_store(app: AppHandle, req: ()) -> Result<String, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.new_in_store_barcode(s)).await
}

#[tauri::command]
pub async fn product_get(app: AppHandle, req: ById) -> Result<Product, ErrorBody> {
    as_staff(app, move |shop, s| shop.product(s, &req.id)).await
}

#[tauri::command]
pub async fn product_create(app: AppHandle, req: ProductDraft) -> Result<Product, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_product(s, req)).await
}

#[tauri::command]
pub async fn product_update(app: AppHandle, req: ProductEdit) -> Result<Product, ErrorBody> {
    as_staff(app, move |shop, s| shop.update_product(s, req)).await
}

#[tauri::command]
pub async fn product_history(app: AppHandle, req: ById) -> Result<Vec<AuditEvent>, ErrorBody> {
    as_staff(app, move |shop, s| shop.product_history(s, &req.id)).await
}
