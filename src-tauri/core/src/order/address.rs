//! A postal address as orders, invoices and labels use it, and the normalised key that finds
//! several orders going to one address.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Address {
    pub name: String,
    pub company: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub phone: String,
}

impl Address {
    /// Trims every field and upper-cases the country code.
    pub(crate) fn cleaned(&self) -> Address {
        let t = |s: &str| s.trim().to_string();
        Address {
            name: t(&self.name),
            company: t(&self.company),
            line1: t(&self.line1),
            line2: t(&self.line2),
            city: t(&self.city),
            region: t(&self.region),
            postal_code: t(&self.postal_code).to_uppercase(),
            country: t(&self.country).to_uppercase(),
            phone: t(&self.phone),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.line1.is_empty() && self.city.is_empty() && self.postal_code.is_empty()
    }

    /// Lowercase letters and digits of street, postcode and country: "12 High St." and
    /// "12 high st" are one address.
    pub(crate) fn key(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        format!("{}|{}|{}", self.line1, self.postal_code, self.country)
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '|')
            .flat_map(char::to_lowercase)
            .collect()
    }

    /// The lines printed on an invoice or a label, empty ones left out.
    pub fn lines(&self) -> Vec<String> {
        let city = [self.postal_code.as_str(), self.city.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.name.clone(),
            self.company.clone(),
            self.line1.clone(),
            self.line2.clone(),
            city,
            self.region.clone(),
            self.country.clone(),
        ]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_written_two_ways_has_one_key() {
        let a = Address {
            line1: "12 High St.".into(),
            postal_code: "SW1A 1AA".into(),
            country: "GB".into(),
            ..Default::default()
        };
        let b = Address {
            line1: "12 high st".into(),
            postal_code: "sw1a1aa".into(),
            country: "gb".into(),
            ..Default::default()
        };
        assert_eq!(a.key(), b.key());
        assert_eq!(Address::default().key(), "", "no address, no key");
    }
}
