//! Other systems' files in and out: Shopify's product CSV (`shopify_csv/`), imported with each
//! variant's opening stock in one transaction and exported so it imports back the same. Above
//! catalog and stock because an import writes both.

pub mod shopify_csv;
pub mod text;
