//! Record ids generated on the device (UUIDv7): unique across stations, offline work and retries,
//! and time-ordered so new rows index well. Human numbers (order #1042) are separate.

/// A new time-ordered id in its canonical text form, as stored in SQLite.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique_and_sort_by_creation() {
        let ids: Vec<String> = (0..1000).map(|_| super::new_id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 1000, "v7 ids never collide within one device");
        assert_eq!(
            sorted, ids,
            "v7 ids are monotonic, so creation order is text order"
        );
    }
}
