// How each permission reads to a shop owner. Record<Permission, …> makes the compiler demand a
// label for every permission core defines.
import type { Permission } from "./ipc";

export const PERMISSION_LABELS: Record<Permission, string> = {
  catalog_view: "See the catalog",
  catalog_edit: "Edit the catalog",
  stock_manage: "Receive, move and count stock",
  sell: "Sell at the counter",
  approve_discount: "Approve price overrides and big discounts",
  void: "Void lines and sales",
  orders_view: "See orders",
  orders_manage: "Enter and manage orders, invoices, returns",
  pack: "Pack and ship",
  pack_override: "Let a parcel leave without every item scanned",
  reports_view: "See reports",
  staff_manage: "Manage staff and roles",
  settings_manage: "Change shop settings",
  customers_export: "Export a customer's data (GDPR)",
  customers_erase: "Erase a customer (GDPR)",
};

export const ALL_PERMISSIONS = Object.keys(PERMISSION_LABELS) as Permission[];
