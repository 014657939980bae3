//! The shop's logins on its server. Every station signs in as a role of its own, a member of
//! the shop's `…_stations` group, which may read and write the shop but never rewrite its
//! append-only records (the ledger, the journal, issued invoices: REVOKEd, on top of the
//! triggers) nor its schema. The back office's role is also in `…_office`, the one group that
//! may add a station. Roles belong to the whole PostgreSQL server, so every name starts with
//! the shop's database name. Adding and joining go through two small `SECURITY DEFINER`
//! functions made with the admin login used once at sharing: no station holds the right to
//! create roles, and a pairing code works once (joining replaces it with the station's own
//! password) and for an hour (the role's `VALID UNTIL`, checked by the server at sign-in).
//! Passwords reach the server only as SCRAM verifiers, never in clear.

use crate::error::{Error, Result};
use postgres::Transaction;

/// The tables whose rows are never changed once written (their triggers refuse it too), and
/// what a station may not do to them.
const APPEND_ONLY: &[(&str, &str)] = &[
    ("stock_move", "UPDATE, DELETE"),
    ("journal", "UPDATE, DELETE"),
    ("invoice", "UPDATE, DELETE"),
    ("store_credit_move", "UPDATE"),
    ("gift_card_move", "UPDATE"),
    ("schema_migration", "INSERT, UPDATE, DELETE"),
];

/// A shop's database name: it starts every role name of the shop, so it is kept to what needs
/// no quoting anywhere.
pub fn database_name(name: &str) -> Result<String> {
    let name = name.trim().to_ascii_lowercase();
    let ok = name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(Error::invalid(
            "the shop's database name is a letter, then letters, digits or _ (up to 40): shop, \
             harbour_books",
        ));
    }
    Ok(name)
}

/// The login role of station `till` (as `till::till_name` makes it) of the shop in `database`.
pub fn station_role(database: &str, till: &str) -> String {
    format!("{database}_st_{}", till.to_ascii_lowercase())
}

/// The station a login role of the shop's `database` is (`station_role` read back), or None for
/// another login (an admin's).
pub(crate) fn till_of_role(database: &str, role: &str) -> Option<String> {
    role.strip_prefix(&station_role(database, ""))
        .map(str::to_ascii_uppercase)
}

fn groups(database: &str) -> (String, String) {
    (format!("{database}_stations"), format!("{database}_office"))
}

/// Inside the sharing transaction (as the admin who shares): the shop's groups, what they may
/// do, the functions that add and join stations, and the sharing station's own login in the
/// office group with the password `verifier` stands for.
pub(crate) fn set_up(
    tx: &mut Transaction,
    database: &str,
    office: &str,
    verifier: &str,
) -> Result<()> {
    let (stations, office_group) = groups(database);
    tx.batch_execute(&format!(
        "DO $$ BEGIN
             IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{stations}') THEN
                 CREATE ROLE \"{stations}\" NOLOGIN;
             END IF;
             IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{office_group}') THEN
                 CREATE ROLE \"{office_group}\" NOLOGIN IN ROLE \"{stations}\";
             END IF;
         END $$;
         CREATE FUNCTION shopdesk_add_station(login text, verifier text, until timestamptz)
         RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $f$
         BEGIN
             IF login !~ '^{database}_st_[a-z0-9]{{1,8}}$' THEN
                 RAISE EXCEPTION 'not a station of this shop: %', login;
             END IF;
             IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
                 EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L VALID UNTIL %L',
                                login, verifier, until);
             ELSE
                 EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L VALID UNTIL %L IN ROLE %I',
                                login, verifier, until, '{stations}');
             END IF;
         END $f$;
         CREATE FUNCTION shopdesk_join(verifier text)
         RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $f$
         BEGIN
             IF session_user !~ '^{database}_st_[a-z0-9]{{1,8}}$' THEN
                 RAISE EXCEPTION 'not a station of this shop: %', session_user;
             END IF;
             EXECUTE format('ALTER ROLE %I PASSWORD %L VALID UNTIL %L',
                            session_user, verifier, 'infinity');
         END $f$;
         DO $$ BEGIN
             IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                 ALTER ROLE \"{role}\" LOGIN PASSWORD '{verifier}' VALID UNTIL 'infinity';
             ELSE
                 CREATE ROLE \"{role}\" LOGIN PASSWORD '{verifier}';
             END IF;
         END $$;
         GRANT \"{office_group}\" TO \"{role}\";
        ",
        role = station_role(database, office),
    ))?;
    grant(tx, database, database)
}

/// What the shop's groups may do in the database now named `current` (the shop's `database`,
/// or a restored copy that is to take its name): kept apart from the roles because a backup
/// carries no rights (`pg_dump --no-privileges`), so a restored server is given them again —
/// without them, any login of the PostgreSQL server could add itself a station.
pub(crate) fn grant(tx: &mut Transaction, database: &str, current: &str) -> Result<()> {
    let (stations, office_group) = groups(database);
    let mut sql = format!(
        "REVOKE ALL ON DATABASE \"{current}\" FROM PUBLIC;
         GRANT CONNECT, TEMPORARY ON DATABASE \"{current}\" TO \"{stations}\";
         REVOKE CREATE ON SCHEMA public FROM PUBLIC;
         GRANT USAGE ON SCHEMA public TO \"{stations}\";
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"{stations}\";
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO \"{stations}\";
         ALTER DEFAULT PRIVILEGES IN SCHEMA public
             GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \"{stations}\";
         ALTER DEFAULT PRIVILEGES IN SCHEMA public
             GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO \"{stations}\";
         REVOKE ALL ON FUNCTION shopdesk_add_station(text, text, timestamptz) FROM PUBLIC;
         GRANT EXECUTE ON FUNCTION shopdesk_add_station(text, text, timestamptz)
             TO \"{office_group}\";
         REVOKE ALL ON FUNCTION shopdesk_join(text) FROM PUBLIC;
         GRANT EXECUTE ON FUNCTION shopdesk_join(text) TO \"{stations}\";
        "
    );
    for (table, what) in APPEND_ONLY {
        sql.push_str(&format!("REVOKE {what} ON {table} FROM \"{stations}\";\n"));
    }
    tx.batch_execute(&sql)?;
    Ok(())
}

/// The SCRAM verifier of `password`: what the server keeps, from which the password cannot be
/// read back. Base32 symbols and `$:+/=` only, so it sits in SQL literals as it is.
pub(crate) fn verifier(password: &str) -> String {
    postgres_protocol::password::scram_sha_256(password.as_bytes())
}

/// Whether `e` is the server refusing a login (a wrong or expired password, an unknown role).
pub(crate) fn login_refused(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| c.code().starts_with("28"))
}
