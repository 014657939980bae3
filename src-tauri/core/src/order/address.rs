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

/// Country names as a carrier's sorting office reads them (English, upper case on labels).
fn country_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "AT" => "Austria",
        "AU" => "Australia",
        "BE" => "Belgium",
        "BG" => "Bulgaria",
        "BR" => "Brazil",
        "CA" => "Canada",
        "CH" => "Switzerland",
        "CN" => "China",
        "CY" => "Cyprus",
        "CZ" => "Czech Republic",
        "DE" => "Germany",
        "DK" => "Denmark",
        "EE" => "Estonia",
        "ES" => "Spain",
        "FI" => "Finland",
        "FR" => "France",
        "GB" => "United Kingdom",
        "GR" => "Greece",
        "HR" => "Croatia",
        "HU" => "Hungary",
        "IE" => "Ireland",
        "IN" => "India",
        "IS" => "Iceland",
        "IT" => "Italy",
        "JP" => "Japan",
        "LT" => "Lithuania",
        "LU" => "Luxembourg",
        "LV" => "Latvia",
        "MT" => "Malta",
        "MX" => "Mexico",
        "NL" => "Netherlands",
        "NO" => "Norway",
        "NZ" => "New Zealand",
        "PL" => "Poland",
        "PT" => "Portugal",
        "RO" => "Romania",
        "SE" => "Sweden",
        "SG" => "Singapore",
        "SI" => "Slovenia",
        "SK" => "Slovakia",
        "US" => "United States",
        "ZA" => "South Africa",
        _ => return None,
    })
}

impl Address {
    /// The lines of a shipping label, in the destination country's order: town, region and
    /// postcode on one line in North America and Australia ("PORTLAND OR 97201"), postcode on its
    /// own line in the UK and Ireland, postcode before the town elsewhere ("10115 Berlin"); the
    /// country in capitals last, only when the parcel crosses a border.
    pub fn label_lines(&self, from_country: &str) -> Vec<String> {
        let join = |parts: &[&str]| {
            parts
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut place: Vec<String> = match self.country.as_str() {
            "US" | "CA" => {
                vec![join(&[&self.city, &self.region, &self.postal_code]).to_uppercase()]
            }
            "AU" => vec![join(&[
                &self.city.to_uppercase(),
                &self.region,
                &self.postal_code,
            ])],
            "GB" => vec![self.city.to_uppercase(), self.postal_code.clone()],
            "IE" => vec![
                self.city.clone(),
                self.region.clone(),
                self.postal_code.clone(),
            ],
            // PostNL: two spaces between postcode and town.
            "NL" => vec![format!(
                "{}  {}",
                self.postal_code,
                self.city.to_uppercase()
            )],
            _ => vec![join(&[&self.postal_code, &self.city]), self.region.clone()],
        };
        let mut lines = vec![
            self.name.clone(),
            self.company.clone(),
            self.line1.clone(),
            self.line2.clone(),
        ];
        lines.append(&mut place);
        if !self.country.is_empty() && !self.country.eq_ignore_ascii_case(from_country) {
            lines.push(
                country_name(&self.country)
                    .unwrap_or(&self.country)
                    .to_uppercase(),
            );
        }
        lines.into_iter().filter(|l| !l.trim().is_empty()).collect()
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

    #[test]
    fn labels_follow_the_destination_countrys_convention() {
        let a = |city: &str, region: &str, postal: &str, country: &str| Address {
            name: "Zoë Müller".into(),
            line1: "1 Main St".into(),
            city: city.into(),
            region: region.into(),
            postal_code: postal.into(),
            country: country.into(),
            ..Default::default()
        };
        assert_eq!(
            a("Portland", "OR", "97201", "US").label_lines("US"),
            ["Zoë Müller", "1 Main St", "PORTLAND OR 97201"]
        );
        assert_eq!(
            a("London", "", "SW1A 1AA", "GB").label_lines("IE"),
            [
                "Zoë Müller",
                "1 Main St",
                "LONDON",
                "SW1A 1AA",
                "UNITED KINGDOM"
            ]
        );
        assert_eq!(
            a("Berlin", "", "10115", "DE").label_lines("DE"),
            ["Zoë Müller", "1 Main St", "10115 Berlin"]
        );
        assert_eq!(
            a("Dublin 2", "Co. Dublin", "D02 X285", "IE")
                .label_lines("GB")
                .last()
                .unwrap(),
            "IRELAND"
        );
    }
}
