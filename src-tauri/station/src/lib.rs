//! Several stations, one shop: what the shop's PostgreSQL holds for the stations and how a
//! station's actions reach it. So far the exactly-once application of an action (`apply`) and
//! the drain of a station's journal in order (`drain`); the dual engine, the till's journal in
//! core and pairing build on them (issue 21).

pub mod apply;
pub mod drain;
