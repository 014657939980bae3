//! Marketplace access keys: in the OS keychain (Keychain, Credential Manager, Secret Service),
//! never in SQLite or a log. `SHOPDESK_CHANNEL_KEY_<NAME>` in the environment comes first, for
//! the headless command line and tests on machines with no keychain daemon.

use shopdesk_core::channel::{Channel, NewChannel};
use shopdesk_core::{Error, Session, Shop};

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

/// Connects a store with its key: everything is checked first, the key is stored, and only then
/// is the channel added, so a keychain that refuses the key leaves nothing half-made and an
/// existing channel's key is never overwritten by a duplicate name.
pub fn connect(
    shop: &Shop,
    session: &Session,
    new: &NewChannel,
    key: &str,
) -> shopdesk_core::Result<Channel> {
    let key = required(key)?;
    let name = shop.check_new_channel(session, new)?;
    save_secret(&name, key).map_err(Error::Conflict)?;
    shop.add_channel(session, new)
}

/// Replaces a connected channel's key (a token revoked or rotated in the store's admin).
pub fn change_key(
    shop: &Shop,
    session: &Session,
    channel: &str,
    key: &str,
) -> shopdesk_core::Result<Channel> {
    let key = required(key)?;
    let ch = shop.check_channel_key(session, channel)?;
    save_secret(&ch.name, key).map_err(Error::Conflict)?;
    Ok(ch)
}

fn required(key: &str) -> shopdesk_core::Result<&str> {
    Some(key.trim())
        .filter(|k| !k.is_empty())
        .ok_or_else(|| Error::invalid("enter the store's access key"))
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
