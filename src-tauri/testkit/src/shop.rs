//! A shop for a test: a new database in a temporary directory, set up with its owner signed in,
//! on the clock the test chooses; and items with opening stock. Core's, the documents', the
//! mail and the sync tests all start here.

use shopdesk_core::catalog::product::{ProductDraft, VariantDraft};
use shopdesk_core::order::{Address, OrderDraft, OrderLineDraft};
use shopdesk_core::shop::staff::NewStaff;
use shopdesk_core::shop::NewShop;
use shopdesk_core::stock::StockAdjustment;
use shopdesk_core::{Clock, Session, Shop};
use std::path::Path;
use std::sync::Arc;

/// Points the shop's mailbox at a private IMAP server on 127.0.0.1 (`imap::ImapServer`), plain
/// IMAP with its test account.
pub fn connect_mailbox(shop: &Shop, owner: &Session, port: u16) {
    shop.save_mailbox_settings(
        owner,
        &shopdesk_core::customer::mailbox::MailboxSettings {
            imap_host: "127.0.0.1".into(),
            imap_port: port,
            imap_security: shopdesk_core::order::settings::SmtpSecurity::None,
            imap_username: crate::imap::USER.into(),
            imap_folder: "INBOX".into(),
            imap_every_minutes: 5,
        },
    )
    .expect("the mailbox settings are saved");
}

/// The owner's PIN in every test shop.
pub const OWNER_PIN: &str = "2468";

/// Opens `shop.sqlite3` in `dir` and sets up `name` in `country` trading in `currency`; returns
/// the shop and its owner (Nora), signed in.
pub fn open(
    dir: &Path,
    name: &str,
    country: &str,
    currency: &str,
    clock: Arc<dyn Clock>,
) -> (Shop, Session) {
    let shop = Shop::open(&dir.join("shop.sqlite3"), clock).expect("open the test database");
    let (owner, _) = shop
        .create_shop(NewShop {
            name: name.into(),
            currency: currency.into(),
            country: country.into(),
            owner_name: "Nora".into(),
            owner_pin: OWNER_PIN.into(),
            ..NewShop::default()
        })
        .expect("set up the test shop");
    (shop, owner)
}

/// A one-variant product (`sku` at `price`, in bin `bin`) with `stock` units on the shop's first
/// location; returns the variant's id.
pub fn stocked(
    shop: &Shop,
    owner: &Session,
    title: &str,
    sku: &str,
    price: &str,
    bin: &str,
    stock: i64,
) -> String {
    let p = shop
        .create_product(
            owner,
            ProductDraft {
                title: title.into(),
                variants: vec![VariantDraft {
                    sku: sku.into(),
                    price: price.into(),
                    bin: bin.into(),
                    ..VariantDraft::default()
                }],
                ..ProductDraft::default()
            },
        )
        .expect("create the test product");
    let variant = p.variants[0].id.clone();
    let floor = shop.locations(owner).expect("locations")[0].id.clone();
    shop.adjust_stock(
        owner,
        StockAdjustment {
            variant_id: variant.clone(),
            location_id: floor,
            delta: stock,
            note: "opening stock".into(),
        },
    )
    .expect("opening stock");
    variant
}

/// Adds a staff member with one of the shop's roles ("Manager", "Clerk", "Packer", …) and signs
/// them in.
pub fn staff(shop: &Shop, owner: &Session, name: &str, role: &str, pin: &str) -> Session {
    let role_id = shop
        .roles(owner)
        .expect("roles")
        .into_iter()
        .find(|r| r.name == role)
        .unwrap_or_else(|| panic!("no role {role}"))
        .id;
    let member = shop
        .create_staff(
            owner,
            NewStaff {
                name: name.into(),
                role_id,
                pin: pin.into(),
            },
        )
        .expect("create staff");
    shop.sign_in(&member.id, pin).expect("sign in").0
}

/// An order from Zoë Müller (zoe@example.ie) to 1 Grafton Street, Dublin D02 X285: a valid Irish
/// address, so verification passes and the order opens; `lines` are (SKU, quantity).
pub fn dublin_order(lines: &[(&str, i64)]) -> OrderDraft {
    OrderDraft {
        email: "zoe@example.ie".into(),
        shipping: Address {
            name: "Zoë Müller".into(),
            line1: "1 Grafton Street".into(),
            city: "Dublin".into(),
            postal_code: "D02 X285".into(),
            country: "IE".into(),
            ..Address::default()
        },
        lines: lines
            .iter()
            .map(|(sku, quantity)| OrderLineDraft {
                sku: sku.to_string(),
                quantity: *quantity,
                ..OrderLineDraft::default()
            })
            .collect(),
        ..OrderDraft::default()
    }
}
