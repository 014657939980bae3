//! Marketplace access keys: in the OS keychain (Keychain, Credential Manager, Secret Service),
//! never in SQLite or a log. `SHOPDESK_CHANNEL_KEY_<NAME>` in the environment comes first, for
//! the headless command line and tests on machines with no keychain daemon.

const SERVICE: &str = "shopdesk-channel";

fn env_name(channel: &str) -> String {
    let upper: String = channel
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("SHOPDESK_CHANNEL_KEY_{upper}")
}

/// Stores a channel's key (Shopify access token, WooCommerce "key:secret", Vendure
/// "user:password").
pub fn save_secret(channel: &str, secret: &str) -> Result<(), String> {
    keyring::Entry::new(SERVICE, channel)
        .and_then(|e| e.set_password(secret))
        .map_err(|e| format!("the system keychain refused the key: {e}"))
}

pub fn secret(channel: &str) -> Option<String> {
    std::env::var(env_name(channel))
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            keyring::Entry::new(SERVICE, channel)
                .and_then(|e| e.get_password())
                .ok()
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn environment_names_are_shell_safe() {
        assert_eq!(
            super::env_name("my-woo shop"),
            "SHOPDESK_CHANNEL_KEY_MY_WOO_SHOP"
        );
    }
}
