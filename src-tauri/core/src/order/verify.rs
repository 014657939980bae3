//! Verifying an order when it arrives or is edited: stock, prices against the catalog, e-mail,
//! address completeness and postal code format, likely duplicates; and the risk score with its
//! reasons. Every result says why; the rules on which results hold an order live here.
//!
//! Levels: `block` must be fixed before the order can be released (an address a carrier cannot
//! deliver to); `hold` puts the order in the review queue, where a person may release it anyway
//! (short stock, a likely duplicate, a high risk score); `warn` is shown but holds nothing.

use super::draft::OrderTerms;
use super::Address;
use crate::clock::Timestamp;
use crate::error::Result;
use crate::money::Money;
use crate::shop::email_is_valid;
use crate::sql::{args, Arg, Conn, Engine};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckLevel {
    Block,
    Hold,
    Warn,
    /// One reason of the risk score; `points` says how much it added.
    Risk,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Check {
    pub code: String,
    pub level: CheckLevel,
    pub message: String,
    #[ts(type = "number")]
    pub points: i64,
}

impl Check {
    /// Whether this result holds the order (a blocking one always does).
    pub fn holds(&self) -> bool {
        matches!(self.level, CheckLevel::Block | CheckLevel::Hold)
    }

    fn new(code: &str, level: CheckLevel, message: String) -> Check {
        Check {
            code: code.into(),
            level,
            message,
            points: 0,
        }
    }
    fn risk(code: &str, points: i64, message: String) -> Check {
        Check {
            code: code.into(),
            level: CheckLevel::Risk,
            message,
            points,
        }
    }
}

/// Postal code formats of the largest e-commerce countries. `9` a digit, `A` a letter, `X`
/// either, anything else itself; `|` separates the forms a country accepts. Countries missing
/// here get no format check; "" means the country has no postal codes.
#[rustfmt::skip]
const POSTAL_FORMATS: &[(&str, &str)] = &[
    ("AE", ""), ("AR", "9999|A9999AAA"), ("AT", "9999"), ("AU", "9999"), ("BE", "9999"),
    ("BR", "99999-999|99999999"), ("CA", "A9A 9A9|A9A9A9"), ("CH", "9999"), ("CN", "999999"),
    ("CZ", "999 99|99999"), ("DE", "99999"), ("DK", "9999"), ("ES", "99999"), ("FI", "99999"),
    ("FR", "99999"),
    ("GB", "A9 9AA|A99 9AA|AA9 9AA|AA99 9AA|A9A 9AA|AA9A 9AA|A99AA|A999AA|AA99AA|AA999AA|A9A9AA|AA9A9AA"),
    ("HK", ""), ("ID", "99999"), ("IE", "AXX XXXX|AXXXXXX"), ("IN", "999999|999 999"), ("IT", "99999"),
    ("JP", "999-9999|9999999"), ("KR", "99999"), ("MX", "99999"), ("MY", "99999"), ("NL", "9999 AA|9999AA"),
    ("NO", "9999"), ("NZ", "9999"), ("PH", "9999"), ("PL", "99-999"), ("PT", "9999-999"),
    ("RU", "999999"), ("SA", "99999|99999-9999"), ("SE", "999 99|99999"), ("SG", "999999"),
    ("TH", "99999"), ("TR", "99999"), ("TW", "999|99999|999999"), ("US", "99999|99999-9999"),
    ("VN", "999999"), ("ZA", "9999"),
];

fn matches_format(code: &str, format: &str) -> bool {
    format.split('|').any(|f| {
        f.chars().count() == code.chars().count()
            && f.chars().zip(code.chars()).all(|(p, c)| match p {
                '9' => c.is_ascii_digit(),
                'A' => c.is_ascii_alphabetic(),
                'X' => c.is_ascii_alphanumeric(),
                other => other == c,
            })
    })
}

/// Why a postal code does not fit its country, if it does not.
pub(crate) fn postal_code_problem(country: &str, postal_code: &str) -> Option<String> {
    let format = POSTAL_FORMATS.iter().find(|(c, _)| *c == country)?.1;
    if format.is_empty() {
        return None;
    }
    // Words for people: the country's name, not its ISO code.
    let name = crate::shop::country(country).map_or(country, |(_, name, ..)| name);
    if postal_code.is_empty() {
        return Some(format!("a postal code is needed for an address in {name}"));
    }
    if matches_format(&postal_code.to_uppercase(), format) {
        None
    } else {
        let example = format.split('|').next().unwrap_or_default();
        Some(format!(
            "postal code '{postal_code}' does not look like one from {name} (they look like {example})"
        ))
    }
}

/// What an address lacks for a carrier to deliver to it.
fn address_problems(what: &str, a: &Address, out: &mut Vec<Check>) {
    let mut missing = Vec::new();
    if a.name.is_empty() {
        missing.push("name");
    }
    if a.line1.is_empty() {
        missing.push("street");
    }
    if a.city.is_empty() {
        missing.push("city");
    }
    if a.country.len() != 2 {
        missing.push("country");
    }
    if !missing.is_empty() {
        out.push(Check::new(
            "address_incomplete",
            CheckLevel::Block,
            format!("the {what} address has no {}", missing.join(", ")),
        ));
    }
    if let Some(problem) = postal_code_problem(&a.country, &a.postal_code) {
        out.push(Check::new(
            "postal_code",
            CheckLevel::Block,
            format!("{what} address: {problem}"),
        ));
    }
}

/// The risk settings (Settings → Orders).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RiskSettings {
    /// A score at or above this holds the order for review.
    #[ts(type = "number")]
    pub hold_score: i64,
    /// An order worth more than this many times the shop's usual order is unusual.
    #[ts(type = "number")]
    pub value_multiple: i64,
    /// This many orders or more from one e-mail, address or phone within `velocity_hours`…
    #[ts(type = "number")]
    pub velocity_count: i64,
    #[ts(type = "number")]
    pub velocity_hours: i64,
}

pub(crate) fn risk_settings<'c>(conn: impl Into<Conn<'c>>) -> Result<RiskSettings> {
    conn.into().query_row(
        "SELECT risk_hold_score, risk_value_multiple, risk_velocity_count, risk_velocity_hours
         FROM shop WHERE id = 1",
        args![],
        |r| {
            Ok(RiskSettings {
                hold_score: r.get(0)?,
                value_multiple: r.get(1)?,
                velocity_count: r.get(2)?,
                velocity_hours: r.get(3)?,
            })
        },
    )
}

/// What verification reads of an order: as stored, or as it is about to be written.
pub(crate) struct Candidate {
    /// Leaves the order itself out of the history it is compared with: on SQLite its rowid,
    /// not its id — every index carries the rowid, so the duplicate, velocity and usual-value
    /// reads stay inside their indexes; the server has no rowid and reads its indexes for the
    /// id. `None`: not yet written, so in no history.
    pub me: Option<Arg>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub billing: Address,
    pub shipping: Address,
    pub address_key: String,
    pub location: String,
    pub total: i64,
    pub express: bool,
    pub channel_risk: Option<String>,
    pub customer: Option<String>,
    pub created: i64,
    pub lines: Vec<CandidateLine>,
}

/// An item line as verification sees it.
pub(crate) struct CandidateLine {
    pub variant_id: Option<String>,
    pub title: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub catalog_price: Option<i64>,
    pub inventory_policy: Option<String>,
}

fn me_col(conn: Conn) -> &'static str {
    match conn.engine() {
        Engine::Sqlite => "rowid",
        Engine::Postgres => "id",
    }
}

/// A stored order as verification reads it.
fn stored(conn: Conn, order_id: &str) -> Result<Candidate> {
    let mut order = conn.query_row(
        &format!(
            "SELECT {}, email, phone, billing, shipping, address_key, location_id, total_minor,
                    express, channel_risk, customer_id, created_at
             FROM customer_order WHERE id = ?1",
            me_col(conn)
        ),
        args![order_id],
        |r| {
            Ok(Candidate {
                me: Some(match conn.engine() {
                    Engine::Sqlite => Arg::Int(r.get(0)?),
                    Engine::Postgres => Arg::Text(r.get(0)?),
                }),
                email: r.get(1)?,
                phone: r.get(2)?,
                billing: serde_json::from_str(&r.get::<String>(3)?).unwrap_or_default(),
                shipping: serde_json::from_str(&r.get::<String>(4)?).unwrap_or_default(),
                address_key: r.get(5)?,
                location: r.get(6)?,
                total: r.get(7)?,
                express: r.get(8)?,
                channel_risk: r.get(9)?,
                customer: r.get(10)?,
                created: r.get(11)?,
                lines: Vec::new(),
            })
        },
    )?;
    order.lines = conn.query_map(
        "SELECT l.variant_id, l.title, l.quantity, l.unit_price_minor, v.price_minor, v.inventory_policy
         FROM order_line l LEFT JOIN variant v ON v.id = l.variant_id
         WHERE l.order_id = ?1 AND l.kind = 'item' ORDER BY l.position",
        args![order_id],
        |r| {
            Ok(CandidateLine {
                variant_id: r.get(0)?,
                title: r.get(1)?,
                quantity: r.get(2)?,
                unit_price: r.get(3)?,
                catalog_price: r.get(4)?,
                inventory_policy: r.get(5)?,
            })
        },
    )?;
    Ok(order)
}

/// The verification of a stored order: its checks and risk score. Reads only; the caller stores
/// the result. Stock is read as it stands, so callers release the order's own commitment first.
pub(crate) fn verify(
    conn: Conn,
    order_id: &str,
    now: Timestamp,
    terms: &OrderTerms,
) -> Result<(Vec<Check>, i64)> {
    verify_candidate(conn, &stored(conn, order_id)?, now, terms)
}

/// The verification of an order as `order` has it, stored or not: a new order is verified
/// before it is written, so it is written once with its status.
pub(crate) fn verify_candidate(
    conn: Conn,
    order: &Candidate,
    now: Timestamp,
    terms: &OrderTerms,
) -> Result<(Vec<Check>, i64)> {
    let me_col = me_col(conn);
    let Candidate {
        me,
        email,
        phone,
        billing,
        shipping,
        address_key: key,
        location,
        total,
        express,
        channel_risk,
        customer,
        created,
        lines,
    } = order;
    let (total, express, created) = (*total, *express, *created);
    // An order not yet written is left out by a value no order has.
    let row = me.clone().unwrap_or(match conn.engine() {
        Engine::Sqlite => Arg::Int(0),
        Engine::Postgres => Arg::Text(String::new()),
    });
    let (settings, currency) = (&terms.risk, terms.currency);
    let minor_text = |m: i64| Money::from_minor(m, currency).to_decimal_string();
    let mut checks = Vec::new();

    // Stock and prices, line by line.
    let location_name = terms.location_name(conn, location).unwrap_or_default();
    let stocked: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.variant_id.as_deref())
        .collect();
    let levels = terms.levels(conn, location, &stocked)?;
    for l in lines {
        let (title, qty, price) = (&l.title, &l.quantity, &l.unit_price);
        let Some(variant) = &l.variant_id else {
            continue;
        };
        let (on_hand, committed) = levels.get(variant).copied().unwrap_or((0, 0));
        let available = on_hand - committed;
        if available < *qty && l.inventory_policy.as_deref() != Some("continue") {
            checks.push(Check::new(
                "stock_short",
                CheckLevel::Hold,
                format!("{title}: {qty} ordered, {available} available at {location_name}"),
            ));
        }
        if let Some(catalog) = l.catalog_price.filter(|c| c != price) {
            checks.push(Check::new(
                "price_differs",
                CheckLevel::Warn,
                format!(
                    "{title}: ordered at {} but the catalog price is {}",
                    minor_text(*price),
                    minor_text(catalog)
                ),
            ));
        }
    }

    match email.as_deref() {
        None => checks.push(Check::new(
            "email_missing",
            CheckLevel::Warn,
            "no e-mail address: the customer gets no confirmation".into(),
        )),
        Some(e) if !email_is_valid(e) => checks.push(Check::new(
            "email_invalid",
            CheckLevel::Block,
            format!("'{e}' is not a valid e-mail address"),
        )),
        Some(_) => {}
    }
    address_problems("shipping", shipping, &mut checks);
    if !billing.is_empty() && billing != shipping {
        address_problems("billing", billing, &mut checks);
    }

    // The order's history, read in one statement (on the server each is a round trip): a likely
    // duplicate — same e-mail (or, without one, same address) and same total within a day —,
    // the usual order's value, and how many orders came from its e-mail, address and phone.
    let since = now.0.max(created) - settings.velocity_hours * 3_600_000;
    let ask = History {
        me: (me_col, row.clone()),
        duplicate: match &email {
            Some(e) => Some(("lower(email) = lower(CAST({} AS TEXT))", e.as_str())),
            None if !key.is_empty() => Some(("address_key = {}", key.as_str())),
            None => None,
        },
        day_ago: created - 86_400_000,
        total,
        // A page's new orders take the usual value from the totals it keeps.
        usual: !(me.is_none() && terms.keeps_recent()),
        since,
        from: [
            (
                "lower(email) = lower(CAST({} AS TEXT))",
                email.as_deref().unwrap_or(""),
            ),
            ("address_key = {}", key.as_str()),
            ("phone = {}", phone.as_deref().unwrap_or("")),
        ],
    };
    let Past {
        duplicate,
        usual,
        from,
    } = ask.read(conn)?;
    let usual = if ask.usual {
        usual
    } else {
        terms.usual_total(conn)?
    };
    if let Some(n) = duplicate {
        checks.push(Check::new(
            "duplicate",
            CheckLevel::Hold,
            format!(
                "looks like a duplicate of order {} (same customer and total within a day)",
                super::order_name(n)
            ),
        ));
    }

    // Risk.
    if !billing.is_empty() && !billing.country.is_empty() && billing.country != shipping.country {
        checks.push(Check::risk(
            "country_mismatch",
            30,
            format!(
                "billing country {} differs from shipping country {}",
                billing.country, shipping.country
            ),
        ));
    }
    if let Some(usual) = usual.filter(|u| *u > 0) {
        if total > usual.saturating_mul(settings.value_multiple) {
            checks.push(Check::risk(
                "high_value",
                30,
                format!(
                    "worth {} — more than {}× the usual order ({})",
                    minor_text(total),
                    settings.value_multiple,
                    minor_text(usual)
                ),
            ));
        }
    }
    // Counting stops at a bound (the reads' LIMIT 100): a busy shared address (a parcel
    // locker, a forwarder) would otherwise make every order to it read every earlier one.
    for (what, n) in ["e-mail", "address", "phone"].into_iter().zip(from) {
        let Some(n) = n else { continue };
        // The count includes this order.
        if n + 1 >= settings.velocity_count {
            let orders = if n >= COUNTED {
                format!("over {COUNTED}")
            } else {
                (n + 1).to_string()
            };
            checks.push(Check::risk(
                "velocity",
                30,
                format!(
                    "{orders} orders from this {what} within {} h",
                    settings.velocity_hours
                ),
            ));
        }
    }
    if express {
        let earlier: i64 = match &customer {
            Some(c) => conn.query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM customer_order WHERE customer_id = ?1 AND {me_col} <> ?2)
                          + (SELECT count(*) FROM sale WHERE customer_id = ?1 AND status = 'completed')"
                ),
                args![c, row],
                |r| r.get(0),
            )?,
            None => 0,
        };
        if earlier == 0 {
            checks.push(Check::risk(
                "new_customer_express",
                20,
                "a new customer asking for express shipping".into(),
            ));
        }
    }
    match channel_risk.as_deref() {
        Some("high") => checks.push(Check::risk(
            "channel_risk",
            60,
            "the marketplace rates this order high risk".into(),
        )),
        Some("medium") => checks.push(Check::risk(
            "channel_risk",
            25,
            "the marketplace rates this order medium risk".into(),
        )),
        _ => {}
    }
    let score: i64 = checks.iter().map(|c| c.points).sum::<i64>().min(100);
    if score >= settings.hold_score {
        checks.push(Check::new(
            "risk",
            CheckLevel::Hold,
            format!(
                "risk score {score} is at or above the review threshold {}",
                settings.hold_score
            ),
        ));
    }
    Ok((checks, score))
}

/// The bound on the orders a velocity read counts, written into its SQL (a bound LIMIT made
/// SQLite prepare the statement again on every call).
const COUNTED: i64 = 100;

/// How many of the latest orders make the usual order's value.
pub(crate) const USUAL_OF: usize = 200;

/// What an order's history says (see `History::read`).
struct Past {
    duplicate: Option<i64>,
    usual: Option<i64>,
    from: [Option<i64>; 3],
}

/// What verification asks of an order's history, as one statement of scalar reads.
struct History<'a> {
    /// The column naming an order and this order's value of it (a value no order has when it is
    /// not written yet), to leave it out of its own history.
    me: (&'static str, Arg),
    /// The condition (`{}` for its value) a likely duplicate shares with the order.
    duplicate: Option<(&'static str, &'a str)>,
    day_ago: i64,
    total: i64,
    /// Whether to read the usual order's value.
    usual: bool,
    since: i64,
    /// The conditions the velocity reads count orders by; an empty value is not counted.
    from: [(&'static str, &'a str); 3],
}

impl History<'_> {
    /// The likely duplicate's number, the usual order's value, and the orders counted for
    /// each of `from` (`None` where its value is empty).
    fn read(&self, conn: Conn) -> Result<Past> {
        let mut params: Vec<Arg> = Vec::new();
        let mut bind = |a: Arg| {
            params.push(a);
            format!("?{}", params.len())
        };
        let (me_col, me) = (self.me.0, bind(self.me.1.clone()));
        let mut reads = Vec::new();
        if let Some((term, value)) = self.duplicate {
            let term = term.replace("{}", &bind(value.into()));
            let (day, total) = (bind(self.day_ago.into()), bind(self.total.into()));
            reads.push(format!(
                "(SELECT number FROM customer_order
                  WHERE {term} AND created_at >= {day} AND {me_col} <> {me}
                    AND status <> 'cancelled' AND total_minor = {total}
                  ORDER BY created_at DESC LIMIT 1)"
            ));
        }
        // Whole minor units, the remainder dropped, alike on both engines (a cast of
        // PostgreSQL's numeric average would round it).
        reads.extend(self.usual.then(|| format!(
            "(SELECT CAST(sum(total_minor) AS BIGINT) / NULLIF(count(*), 0) FROM (
                SELECT total_minor FROM customer_order WHERE {me_col} <> {me} AND status <> 'cancelled'
                ORDER BY created_at DESC LIMIT {USUAL_OF}) AS recent)"
        )));
        let since = bind(self.since.into());
        for (i, (term, value)) in self.from.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let term = term.replace("{}", &bind((*value).into()));
            reads.push(format!(
                "(SELECT count(*) FROM (SELECT 1 FROM customer_order
                  WHERE {term} AND created_at >= {since} AND {me_col} <> {me} LIMIT {COUNTED})
                  AS recent{i})"
            ));
        }
        let sql = format!("SELECT {}", reads.join(", "));
        let params: Vec<&dyn crate::sql::Param> =
            params.iter().map(|a| a as &dyn crate::sql::Param).collect();
        conn.query_row(&sql, &params, |r| {
            let mut col = 0;
            let mut next = |r: &crate::sql::Row| {
                col += 1;
                r.get::<Option<i64>>(col - 1)
            };
            let duplicate = match self.duplicate {
                Some(_) => next(r)?,
                None => None,
            };
            let usual = if self.usual { next(r)? } else { None };
            let mut from = [None; 3];
            for (i, (_, value)) in self.from.iter().enumerate() {
                if !value.is_empty() {
                    from[i] = next(r)?;
                }
            }
            Ok(Past {
                duplicate,
                usual,
                from,
            })
        })
    }
}

/// What holds an order, said for its timeline and for people: the blocking and holding checks.
pub fn hold_reasons(checks: &[Check]) -> String {
    checks
        .iter()
        .filter(|c| c.holds())
        .map(|c| c.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_of_the_big_markets() {
        for (country, good) in [
            ("US", "10001"),
            ("US", "10001-1234"),
            ("GB", "SW1A 1AA"),
            ("GB", "M1 1AE"),
            ("CA", "K1A 0B1"),
            ("NL", "1012 AB"),
            ("JP", "100-0001"),
            ("BR", "01310-100"),
            ("PL", "00-950"),
            ("PT", "1000-001"),
            ("IE", "D02 X285"),
            ("DE", "10115"),
            ("SE", "114 55"),
            ("IN", "110001"),
        ] {
            assert_eq!(postal_code_problem(country, good), None, "{country} {good}");
        }
        for (country, bad) in [
            ("US", "1000"),
            ("GB", "12345"),
            ("DE", "1011"),
            ("CA", "12345"),
            ("NL", "AB 1012"),
            ("PL", "00950"),
            ("FR", ""),
        ] {
            assert!(
                postal_code_problem(country, bad).is_some(),
                "{country} '{bad}' should be refused"
            );
        }
        // Said with the country's name, not its ISO code.
        assert_eq!(
            postal_code_problem("GB", "12345").unwrap(),
            "postal code '12345' does not look like one from United Kingdom (they look like A9 9AA)"
        );
        assert_eq!(
            postal_code_problem("AE", ""),
            None,
            "no postal codes in the UAE"
        );
        assert_eq!(
            postal_code_problem("ZZ", "anything"),
            None,
            "unknown: not checked"
        );
        assert!(POSTAL_FORMATS.len() >= 30);
    }

    #[test]
    fn email_syntax() {
        for good in [
            "ana@example.com",
            "o'brien+shop@mail.example.ie",
            "jülia@example.de",
        ] {
            assert!(email_is_valid(good), "{good}");
        }
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "ana smith@example.com",
            "ana..x@example.com",
            "ana@-example.com",
            "ana@example.c",
        ] {
            assert!(!email_is_valid(bad), "{bad}");
        }
    }
}
