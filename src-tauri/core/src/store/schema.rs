//! The SQLite schema's steps: every numbered migration file in order, the hooks two of them
//! need, and the pin that keeps a landed step from ever being edited.

use rusqlite::Transaction;
use rusqlite_migration::{HookError, Migrations, M};

/// Every schema step, in order. Append only: a landed file is never edited.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_foundation.sql"),
    include_str!("migrations/0002_catalog_inventory.sql"),
    include_str!("migrations/0003_counter.sql"),
    include_str!("migrations/0004_orders.sql"),
    include_str!("migrations/0005_packing.sql"),
    include_str!("migrations/0006_channels.sql"),
    include_str!("migrations/0007_order_value_index.sql"),
    include_str!("migrations/0008_shop_contact.sql"),
    include_str!("migrations/0009_reports.sql"),
    include_str!("migrations/0010_audit_trail.sql"),
    include_str!("migrations/0011_counter_receipt.sql"),
    include_str!("migrations/0012_order_fulfilled.sql"),
    include_str!("migrations/0013_customers.sql"),
    include_str!("migrations/0014_tickets.sql"),
    include_str!("migrations/0015_customer_search_live.sql"),
    include_str!("migrations/0016_order_stats_on_change.sql"),
    include_str!("migrations/0017_variant_search_deferred.sql"),
    include_str!("migrations/0018_report_rollup.sql"),
    include_str!("migrations/0019_variant_cost.sql"),
    include_str!("migrations/0020_report_buyer_month.sql"),
    include_str!("migrations/0021_customer_search_deferred.sql"),
    include_str!("migrations/0022_till_series.sql"),
    include_str!("migrations/0023_audit_station.sql"),
    include_str!("migrations/0024_channel_run_asked.sql"),
    include_str!("migrations/0025_station_set_aside.sql"),
    include_str!("migrations/0026_trigger_plans.sql"),
    include_str!("migrations/0027_customer_stats_added.sql"),
    include_str!("migrations/0028_station_sent.sql"),
];

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATIONS
            .iter()
            .enumerate()
            .map(|(i, sql)| match i {
                // 0003 seeds the tax rates of an existing shop's country from core's table.
                2 => M::up_with_hook(sql, |tx: &Transaction| {
                    crate::tax::seed_defaults(tx).map_err(|e| HookError::Hook(e.to_string()))
                }),
                // 0012: 0009 landed first without `fulfilled_at`, then with it; a shop migrated
                // by the first gets the column here, then the step's SQL (backfill and index,
                // both harmless where 0009 already made them).
                11 => M::up_with_hook("", |tx: &Transaction| {
                    let has: bool = tx
                        .query_row(
                            "SELECT count(*) > 0 FROM pragma_table_info('customer_order')
                             WHERE name = 'fulfilled_at'",
                            [],
                            |r| r.get(0),
                        )
                        .map_err(|e| HookError::Hook(e.to_string()))?;
                    if !has {
                        tx.execute_batch(
                            "ALTER TABLE customer_order ADD COLUMN fulfilled_at INTEGER",
                        )
                        .map_err(|e| HookError::Hook(e.to_string()))?;
                    }
                    tx.execute_batch(MIGRATIONS[11])
                        .map_err(|e| HookError::Hook(e.to_string()))
                }),
                _ => M::up(sql),
            })
            .collect(),
    )
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::path::Path;

    /// SHA-256 of every migration as it landed. A shop that ran a build keeps the schema that
    /// build wrote (`user_version` says it is done), so editing a landed file silently splits
    /// shops into two schemas. Append the hash of a new migration when it lands; never change one.
    const LANDED: &[&str] = &[
        "40178957d1ae63eb3ac9022ee775eb71c4fc0daa4939ac1ccd681405674d1429", // 0001_foundation
        "406242cce9f34bff6f4354089229b391d3213b65b628f44857c9bf6cfcdf5ab4", // 0002_catalog_inventory
        "f1eea4eefd32dbf593c8b4ba9eeeaf5b84699ca6a525d455f265d74da19db871", // 0003_counter
        "44abd3fbbfed9fc6869da3c2ed71f98c40875c069746ba126c95b9a4d13ffccf", // 0004_orders
        "c7b3c9c3a90ddc3347642d3dc6f4a1815a0b6ae80afccd6cb41c849d2ca2694f", // 0005_packing
        "1726f7a63171c3ead2e9800b9b492f39000500b19a82e9ef09652b245e8d5937", // 0006_channels
        "14add4568a58aae432b186a3996386ceab70837e243430c5a63ab364bf25e129", // 0007_order_value_index
        "a5c76175e6397ba0f12a510673b43f64cdee9d435befba788cbac53ef00f6f68", // 0008_shop_contact
        // 0009 landed twice: first without `fulfilled_at`, then with it (the content kept here).
        // Shops migrated by either are brought level by 0012's hook.
        "91357c5eaf1a02e27a1702ecacc270041a9575496d402c7f8bdb44de1de24d77", // 0009_reports
        "c23a3f08aa397f3979c39e295a58813a0b0d6351f08a0aba1223305dd35c8097", // 0010_audit_trail
        "aeb5d5ab15cc7a01600752ae0e5ae858f241cd316c38694c14950f2bb11659ae", // 0011_counter_receipt
        "f9ae5882e46612ea4b39bb3fc3924845f2db1b8b5797eeb3c338bc1775157450", // 0012_order_fulfilled
        "fc0eadb2e699539ae2cd1672b25413fb49811020d22f641018e3b4c0f03b7802", // 0013_customers
        "b0d1529b553c8cfc4332d3795a91355a6f101df12a04ca7a60898a59993a3655", // 0014_tickets
        "e8bf566bbb67030633b0e73c86824c35c9c550a4b635fb85f790e3de0483aa97", // 0015_customer_search_live
        "8cdd11be26749fae99b4d4e78ff8a0ae5c89a7b1ee0de1175b074f299524153c", // 0016_order_stats_on_change
        "7b3f40371117b86f9ce78c61960c57c3aece98ae9767af81a70d6384b695831f", // 0017_variant_search_deferred
        "cc9b5064db756cc927b8934af1a6a13974084e9f44ecd309510310d3a87e77e5", // 0018_report_rollup
        "95bd8a76efd7e386839cff1e6c256950190ce9b517279c729526c28a1212d41e", // 0019_variant_cost
        "fbc06b8617eb7535c24c910703a73c7afabdf4b8ca60555257f3fbdd627ec0f2", // 0020_report_buyer_month
        "f38cd4ac3bfc08c52421c3e2ef21bf216b5d24545d92064f7079c24c8dcd328e", // 0021_customer_search_deferred
        "eda8a60c47d7d3c1344b38ff30f09dda857fd31f4160c9151d32153009d590e5", // 0022_till_series
        "b951d8deb8d8fb76171bbb489936da3367027f6e7a088a4360fe6c8e16a9c32e", // 0023_audit_station
        "2bf07075ffd81b0fc3c5d812da95c3f91f99f592a9d18fb7b6b206488939433a", // 0024_channel_run_asked
        "909d2a15c65e1341863c41981cbbfeda88058533afabe4050502113e6d108fee", // 0025_station_set_aside
        "8c29b966cec68ce7194122cc24875e65e348fb38d8add4509ddeec7989d4b6ac", // 0026_trigger_plans
        "6bc5d48114b76127cfda9ce0c9844a79b9cbea1923eb6994e3c41cd1e1acabd6", // 0027_customer_stats_added
        "d0cb0538b3321640e6870c2c697a6c402e63290aee60f39a816a57053e284aa7", // 0028_station_sent
    ];

    #[test]
    fn landed_migrations_are_never_edited() {
        for (i, pinned) in LANDED.iter().enumerate() {
            let sql = MIGRATIONS.get(i).unwrap_or_else(|| {
                panic!("migration {:04} was removed: landed migrations stay", i + 1)
            });
            let hash = format!("{:x}", Sha256::digest(sql.as_bytes()));
            assert_eq!(
                &hash,
                pinned,
                "migration {:04} was edited after it landed: add a migration instead",
                i + 1
            );
        }
    }

    #[test]
    fn every_migration_file_is_applied() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/migrations");
        let files = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(
            files,
            MIGRATIONS.len(),
            "{} holds a migration that MIGRATIONS does not list",
            dir.display()
        );
    }

    #[test]
    fn migration_definitions_are_valid() {
        migrations()
            .validate()
            .expect("every migration applies cleanly in order");
    }
}
