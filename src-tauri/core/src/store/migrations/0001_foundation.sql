-- 0001: the shop, staff and roles, the first catalog slice, and the audit trail.
-- Landed migrations are never edited; later changes go in new numbered files.

CREATE TABLE shop (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    currency    TEXT NOT NULL,
    country     TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE role (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    permissions TEXT NOT NULL, -- JSON array of permission codes
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE staff (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role_id      TEXT NOT NULL REFERENCES role(id),
    pin_hash     TEXT NOT NULL, -- argon2id PHC string, never the PIN
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_pins  INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE product (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    sku         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0), -- in the shop's currency
    status      TEXT NOT NULL CHECK (status IN ('active', 'draft', 'archived')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX product_title ON product (title COLLATE NOCASE);

CREATE TABLE audit_event (
    id        TEXT PRIMARY KEY,
    at        INTEGER NOT NULL,
    staff_id  TEXT REFERENCES staff(id),
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    detail    TEXT NOT NULL -- JSON
) STRICT;

CREATE INDEX audit_event_entity ON audit_event (entity, entity_id, at);
