//! Several stations, one shop: what the shop's PostgreSQL holds for the stations and how a
//! station's actions reach it. So far the exactly-once application of an action (`apply`); the
//! dual engine, the counter's journal and its drainer, and pairing build on it (issue 21).

pub mod apply;
