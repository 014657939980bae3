-- The service desk: every inquiry (an e-mail thread from the shop's mailbox, a phone call, a
-- question at the counter) is a ticket linked to its customer and order; the shop's mailbox is
-- read over IMAP; saved replies; claims keep the evidence a carrier asks for.

CREATE TABLE ticket (
    id          TEXT PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE,
    subject     TEXT NOT NULL,
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'phone', 'counter')),
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'waiting_customer', 'waiting_us', 'resolved', 'closed')),
    category    TEXT NOT NULL DEFAULT 'question'
                CHECK (category IN ('where_is_my_order', 'return', 'damaged', 'wrong_item', 'question', 'other')),
    customer_id TEXT REFERENCES customer(id),
    order_id    TEXT REFERENCES customer_order(id),
    -- Where replies go: the customer's address as they wrote from it.
    address     TEXT NOT NULL DEFAULT '',
    assignee_id TEXT REFERENCES staff(id),
    created_by  TEXT REFERENCES staff(id),
    created_at  INTEGER NOT NULL,
    -- The last message or change: the desk lists the liveliest first.
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_status ON ticket (status, updated_at);
-- The desk lists the liveliest first and stops at a page.
CREATE INDEX ticket_recent ON ticket (updated_at, number);
CREATE INDEX ticket_customer ON ticket (customer_id);
CREATE INDEX ticket_order ON ticket (order_id);

-- What happened on a ticket besides its messages: internal notes, status, assignee, category and
-- link changes, documents made from it.
CREATE TABLE ticket_event (
    id        TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES ticket(id),
    at        INTEGER NOT NULL,
    staff_id  TEXT REFERENCES staff(id),
    kind      TEXT NOT NULL, -- note, status, assignee, category, order, customer, claim, return
    detail    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX ticket_event_ticket ON ticket_event (ticket_id, at);

-- Messages of a ticket and the mail headers that thread them. `header_id` is the Message-ID
-- (ours for replies we send); an incoming message is stored once per Message-ID however often
-- it is fetched.
ALTER TABLE message ADD COLUMN ticket_id TEXT REFERENCES ticket(id);
ALTER TABLE message ADD COLUMN header_id TEXT;
ALTER TABLE message ADD COLUMN in_reply_to TEXT;
ALTER TABLE message ADD COLUMN refs TEXT NOT NULL DEFAULT '';
-- The customer's own name as the mail gave it, and anything kept about how it was stored
-- ("attachment too large: not kept").
ALTER TABLE message ADD COLUMN sender_name TEXT NOT NULL DEFAULT '';
ALTER TABLE message ADD COLUMN remark TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX message_header ON message (header_id) WHERE header_id IS NOT NULL;
CREATE INDEX message_ticket ON message (ticket_id, created_at);

-- Files that came with a message or were attached to a claim. Their bytes are kept in the
-- database, once per SHA-256 (the same photo twice is stored once), so backups, restores and
-- encryption cover them like everything else.
CREATE TABLE attachment_data (
    sha256 TEXT PRIMARY KEY,
    bytes  BLOB NOT NULL
) STRICT;
CREATE TABLE attachment (
    id         TEXT PRIMARY KEY,
    message_id TEXT REFERENCES message(id),
    claim_id   TEXT REFERENCES claim(id),
    -- For claims: item, inner_packaging, outer_packaging, label, other.
    role       TEXT NOT NULL DEFAULT 'other',
    name       TEXT NOT NULL,
    mime       TEXT NOT NULL DEFAULT 'application/octet-stream',
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL REFERENCES attachment_data(sha256),
    added_by   TEXT REFERENCES staff(id),
    added_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX attachment_message ON attachment (message_id);
CREATE INDEX attachment_claim ON attachment (claim_id);

-- Answers the shop gives often, with the order's fields filled in when used.
CREATE TABLE saved_reply (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
INSERT INTO saved_reply (id, title, body, created_at) VALUES
    ('sr-where', 'Where is my order', 'Hello {customer_name},

Your order {order_number} left us with {carrier}; its tracking number is {tracking_number}:
{tracking_url}

Kind regards,
{shop_name}', 0),
    ('sr-damaged', 'Sorry it arrived damaged', 'Hello {customer_name},

We are sorry that order {order_number} arrived damaged. Could you send us photos of the item, the
box and the shipping label? We will send a replacement or refund you as soon as we have them.

Kind regards,
{shop_name}', 0),
    ('sr-return', 'How to return', 'Hello {customer_name},

You can return order {order_number} within 30 days. Please pack the items with a note of the order
number and send them back to us; we refund as soon as they arrive.

Kind regards,
{shop_name}', 0);

-- The shop's mailbox, read over IMAP (the password is in the OS keychain, never here).
ALTER TABLE shop ADD COLUMN imap_host TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN imap_port INTEGER NOT NULL DEFAULT 993;
ALTER TABLE shop ADD COLUMN imap_security TEXT NOT NULL DEFAULT 'tls';
ALTER TABLE shop ADD COLUMN imap_username TEXT NOT NULL DEFAULT '';
ALTER TABLE shop ADD COLUMN imap_folder TEXT NOT NULL DEFAULT 'INBOX';
ALTER TABLE shop ADD COLUMN imap_every_minutes INTEGER NOT NULL DEFAULT 5;
-- How far the mailbox has been read: UIDs are only comparable within one UIDVALIDITY.
CREATE TABLE mailbox_state (
    folder       TEXT PRIMARY KEY,
    uid_validity INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL,
    fetched_at   INTEGER NOT NULL,
    last_error   TEXT
) STRICT;

-- A claim carries what the carrier asks for: which carrier, the tracking number, when the label
-- was made (the claim deadline runs from it) and the ticket it came from.
ALTER TABLE claim ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
ALTER TABLE claim ADD COLUMN tracking TEXT NOT NULL DEFAULT '';
ALTER TABLE claim ADD COLUMN label_at INTEGER;
ALTER TABLE claim ADD COLUMN shipment_id TEXT REFERENCES shipment(id);
ALTER TABLE claim ADD COLUMN ticket_id TEXT REFERENCES ticket(id);
-- Days a carrier gives to file a damage claim after the label date (30 is the common damage
-- window; the owner changes it per carrier).
ALTER TABLE carrier ADD COLUMN claim_days INTEGER NOT NULL DEFAULT 30;
