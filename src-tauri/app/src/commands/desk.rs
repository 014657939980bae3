//! Commands of the service desk: tickets (list, one, log a call, change, note, reply), saved
//! replies, claims made from a ticket with their evidence, attachments saved to disk, and the
//! shop's mailbox (settings, password in the keychain, fetch now) (core `customer/ticket.rs`,
//! `customer/mailbox.rs`, `order/claim_file.rs`; the fetch in shopdesk-mail).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, export_dir, write_file, ById, IdText, SavedFile, Text};
use serde::Deserialize;
use shopdesk_core::customer::mailbox::{MailboxSettings, MailboxStatus};
use shopdesk_core::customer::reply::SavedReply;
use shopdesk_core::customer::ticket::{NewInquiry, Ticket, TicketChange, TicketPage, TicketQuery};
use shopdesk_core::order::claim_file::{ClaimFile, EvidenceFile};
use shopdesk_core::order::ClaimDraft;
use shopdesk_core::ErrorBody;
use shopdesk_mail::inbox::FetchReport;
use tauri::AppHandle;
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct TicketUpdate {
    pub id: String,
    pub change: TicketChange,
}

#[derive(Debug, Deserialize, TS)]
pub struct SavedReplyFill {
    pub ticket_id: String,
    pub reply_id: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct TicketClaim {
    pub ticket_id: String,
    pub draft: ClaimDraft,
}

#[derive(Debug, Deserialize, TS)]
pub struct ClaimAttach {
    pub claim_id: String,
    pub file: EvidenceFile,
}

#[tauri::command]
pub async fn tickets_list(app: AppHandle, req: TicketQuery) -> Result<TicketPage, ErrorBody> {
    as_staff(app, move |shop, s| shop.tickets(s, &req)).await
}

#[tauri::command]
pub async fn ticket_get(app: AppHandle, req: ById) -> Result<Ticket, ErrorBody> {
    as_staff(app, move |shop, s| shop.ticket(s, &req.id)).await
}

#[tauri::command]
pub async fn ticket_log(app: AppHandle, req: NewInquiry) -> Result<Ticket, ErrorBody> {
    as_staff(app, move |shop, s| shop.log_inquiry(s, &req)).await
}

#[tauri::command]
pub async fn ticket_change(app: AppHandle, req: TicketUpdate) -> Result<Ticket, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.change_ticket(s, &req.id, &req.change)
    })
    .await
}

#[tauri::command]
pub async fn ticket_note(app: AppHandle, req: IdText) -> Result<Ticket, ErrorBody> {
    as_staff(app, move |shop, s| shop.note_ticket(s, &req.id, &req.text)).await
}

#[tauri::command]
pub async fn ticket_reply(app: AppHandle, req: IdText) -> Result<Ticket, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.reply_to_ticket(s, &req.id, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn ticket_claim(app: AppHandle, req: TicketClaim) -> Result<ClaimFile, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.claim_from_ticket(s, &req.ticket_id, &req.draft)
    })
    .await
}

#[tauri::command]
pub async fn saved_replies(app: AppHandle, req: ()) -> Result<Vec<SavedReply>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.saved_replies(s)).await
}

#[tauri::command]
pub async fn saved_reply_save(app: AppHandle, req: SavedReply) -> Result<SavedReply, ErrorBody> {
    as_staff(app, move |shop, s| shop.save_saved_reply(s, &req)).await
}

#[tauri::command]
pub async fn saved_reply_delete(app: AppHandle, req: ById) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| shop.delete_saved_reply(s, &req.id)).await
}

#[tauri::command]
pub async fn saved_reply_fill(app: AppHandle, req: SavedReplyFill) -> Result<String, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.fill_saved_reply(s, &req.ticket_id, &req.reply_id)
    })
    .await
}

#[tauri::command]
pub async fn claim_file(app: AppHandle, req: ById) -> Result<ClaimFile, ErrorBody> {
    as_staff(app, move |shop, s| shop.claim_file(s, &req.id)).await
}

#[tauri::command]
pub async fn claim_attach(app: AppHandle, req: ClaimAttach) -> Result<ClaimFile, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.attach_claim_evidence(s, &req.claim_id, &req.file)
    })
    .await
}

/// Saves an attachment into the Downloads folder under its own name.
#[tauri::command]
pub async fn attachment_save(app: AppHandle, req: ById) -> Result<SavedFile, ErrorBody> {
    let dir = export_dir(&app)?;
    as_staff(app, move |shop, s| {
        let (info, bytes) = shop.attachment(s, &req.id)?;
        // Only the file name's own characters: a name from a stranger's e-mail never picks
        // the folder.
        let name: String = info
            .name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || ".-_ ".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        write_file(
            dir.join(format!(
                "shopdesk-{}-{name}",
                &info.id[..8.min(info.id.len())]
            )),
            &bytes,
        )
    })
    .await
}

#[tauri::command]
pub async fn mailbox_settings_get(app: AppHandle, req: ()) -> Result<MailboxSettings, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.mailbox_settings(s)).await
}

#[tauri::command]
pub async fn mailbox_settings_save(
    app: AppHandle,
    req: MailboxSettings,
) -> Result<MailboxSettings, ErrorBody> {
    as_staff(app, move |shop, s| shop.save_mailbox_settings(s, &req)).await
}

#[tauri::command]
pub async fn mailbox_status(app: AppHandle, req: ()) -> Result<MailboxStatus, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.mailbox_status(s)).await
}

#[tauri::command]
pub async fn imap_password_save(app: AppHandle, req: Text) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| {
        shopdesk_mail::inbox::change_password(shop, s, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn mail_fetch_now(app: AppHandle, req: ()) -> Result<FetchReport, ErrorBody> {
    let () = req;
    as_staff(app, shopdesk_mail::inbox::fetch_now).await
}
