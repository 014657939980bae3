//! Commands of marketplace channels: connect, keys in the keychain, health, sync now, quarantined
//! orders and unmatched SKUs (core `channel/`; the HTTP side is the sync crate).
//! Each is a few lines over core; no rule lives here.

use super::as_staff;
use serde::Deserialize;
use shopdesk_core::channel::{Channel, ChannelHealth, NewChannel, QuarantinedOrder, UnmatchedSku};
use shopdesk_core::ErrorBody;
use shopdesk_sync::{keychain, Scheduler};
use tauri::{AppHandle, Manager};
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct ChannelAdd {
    pub channel: NewChannel,
    /// Shopify access token, WooCommerce "ck_…:cs_…" or Vendure "user:password".
    pub key: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct ChannelKey {
    pub name: String,
    pub key: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct SkuLink {
    pub channel: String,
    pub sku: String,
    /// The product's SKU or barcode in Shopdesk.
    pub product: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct ChannelName {
    /// Every channel when empty.
    pub name: String,
}

#[tauri::command]
pub async fn channel_add(app: AppHandle, req: ChannelAdd) -> Result<Channel, ErrorBody> {
    let sync = app.clone();
    let ch = as_staff(app, move |shop, s| {
        keychain::connect(shop, s, &req.channel, &req.key)
    })
    .await?;
    sync.state::<Scheduler>().sync_now(Some(ch.name.clone()));
    Ok(ch)
}

#[tauri::command]
pub async fn channel_key_save(app: AppHandle, req: ChannelKey) -> Result<Channel, ErrorBody> {
    let sync = app.clone();
    let ch = as_staff(app, move |shop, s| {
        keychain::change_key(shop, s, &req.name, &req.key)
    })
    .await?;
    sync.state::<Scheduler>().sync_now(Some(ch.name.clone()));
    Ok(ch)
}

#[tauri::command]
pub async fn channels_health(app: AppHandle) -> Result<Vec<ChannelHealth>, ErrorBody> {
    as_staff(app, |shop, s| shop.sync_health(s)).await
}

#[tauri::command]
pub async fn channel_sync_now(app: AppHandle, req: ChannelName) -> Result<(), ErrorBody> {
    let sync = app.clone();
    let name = as_staff(app, move |shop, s| shop.retry_channel_now(s, &req.name)).await?;
    sync.state::<Scheduler>().sync_now(name);
    Ok(())
}

#[tauri::command]
pub async fn quarantined_orders(app: AppHandle) -> Result<Vec<QuarantinedOrder>, ErrorBody> {
    as_staff(app, |shop, s| shop.quarantined_orders(s)).await
}

#[tauri::command]
pub async fn unmatched_skus(app: AppHandle) -> Result<Vec<UnmatchedSku>, ErrorBody> {
    as_staff(app, |shop, s| shop.unmatched_skus(s)).await
}

#[tauri::command]
pub async fn channel_link(app: AppHandle, req: SkuLink) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.link_channel_sku(s, &req.channel, &req.sku, &req.product)
    })
    .await
}
