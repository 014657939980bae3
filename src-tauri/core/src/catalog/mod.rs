//! The catalog: products with their options and variants (`product.rs`, validated drafts in
//! `product_draft.rs`), barcodes and their check digits (`barcode.rs`), finding a variant fast by
//! search or scan (`search.rs`).

pub mod barcode;
pub mod product;
pub(crate) mod product_draft;
mod search;

pub(crate) use search::{defer_search, index_deferred, lookup_in};
pub use search::{
    CatalogFacets, CatalogPage, CatalogQuery, VariantRow, COUNT_CAP, LOW_WITHOUT_RULE, MAX_PAGE,
};
