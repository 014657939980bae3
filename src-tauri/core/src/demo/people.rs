//! Who buys from the demo shop: its customers' names and e-mails, and addresses in the shop's
//! own country with the carrier that country's orders ship by.

use crate::order::Address;

/// Names and e-mails of the demo's customers.
pub(super) const CUSTOMERS: &[(&str, &str)] = &[
    ("Aoife Byrne", "aoife.byrne@example.com"),
    ("Liam O'Connor", "liam.oconnor@example.com"),
    ("Sofia Rossi", "sofia.rossi@example.com"),
    ("Noah Schmidt", "noah.schmidt@example.com"),
    ("Emma Walsh", "emma.walsh@example.com"),
    ("Oisín Kelly", "oisin.kelly@example.com"),
    ("Chloé Martin", "chloe.martin@example.com"),
    ("Jack Murphy", "jack.murphy@example.com"),
    ("Mia Doyle", "mia.doyle@example.com"),
    ("Lucas Silva", "lucas.silva@example.com"),
    ("Grace Kennedy", "grace.kennedy@example.com"),
    ("Ethan Brennan", "ethan.brennan@example.com"),
    ("Hannah Lynch", "hannah.lynch@example.com"),
    ("Daniel Quinn", "daniel.quinn@example.com"),
    ("Ava Fitzgerald", "ava.fitzgerald@example.com"),
    ("Tomás Ryan", "tomas.ryan@example.com"),
];

/// Street addresses in the shop's country for the demo's orders, and the carrier they ship by.
pub(super) fn addresses(country: &str) -> (Vec<Address>, &'static str) {
    let (streets, city, region, postal, carrier): (&[&str], &str, &str, &str, &str) = match country
    {
        "GB" => (
            &[
                "Park Street",
                "Gloucester Road",
                "Whiteladies Road",
                "North Street",
            ],
            "Bristol",
            "",
            "BS1 5TX",
            "Royal Mail",
        ),
        "US" => (
            &[
                "NW 23rd Ave",
                "SE Hawthorne Blvd",
                "N Mississippi Ave",
                "SW Alder St",
            ],
            "Portland",
            "OR",
            "97209",
            "USPS",
        ),
        _ => (
            &[
                "Shop Street",
                "Dominick Street",
                "College Road",
                "Father Griffin Road",
            ],
            "Galway",
            "",
            "H91 X2Y3",
            "An Post",
        ),
    };
    let mut out = Vec::new();
    for (i, street) in streets.iter().enumerate() {
        for n in 1..=6 {
            out.push(Address {
                line1: format!("{} {street}", n * 3 + i),
                city: city.into(),
                region: region.into(),
                postal_code: postal.into(),
                country: country.into(),
                ..Address::default()
            });
        }
    }
    (out, carrier)
}
