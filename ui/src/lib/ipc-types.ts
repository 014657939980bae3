// Generated from Rust by `make types` (src-tauri/app/src/ipc.rs). Do not edit by hand:
// the test command fails when this file is stale.

export type AppStatus = { "state": "db_failed", error: ErrorBody, db_path: string, } | { "state": "first_run", countries: Array<Country>, 
/**
 * Every currency core can keep books in (ISO 4217 codes).
 */
currencies: Array<string>, db_path: string, } | { "state": "signed_out", shop: ShopProfile, staff: Array<StaffMember>, demo_pins: Array<DemoPin>, } | { "state": "signed_in", shop: ShopProfile, session: SessionInfo, };

export type AuditEvent = { id: string, at: Timestamp, staff_id: string | null, action: string, entity: string, entity_id: string | null, detail: unknown, };

export type ById = { id: string, };

export type Country = { code: string, name: string, currency: string, };

export type DemoPin = { name: string, role: string, pin: string, };

export type DemoRequest = { 
/**
 * Where the demo shop trades: "IE" (EUR), "GB" (GBP) or "US" (USD).
 */
country: string, };

export type ErrorBody = { code: string, message: string, };

export type Money = { 
/**
 * Amount in minor units (cents); exact.
 */
minor: number, currency: string, exponent: number, };

export type NewShop = { name: string, currency: string, country: string, owner_name: string, owner_pin: string, };

export type Permission = "catalog_view" | "catalog_edit" | "sell" | "orders_view" | "pack" | "reports_view" | "staff_manage" | "settings_manage";

export type Product = { id: string, title: string, sku: string, price: Money, status: ProductStatus, created_at: Timestamp, updated_at: Timestamp, };

export type ProductDraft = { title: string, sku: string, price: string, status: ProductStatus, };

export type ProductEdit = { id: string, product: ProductDraft, };

export type ProductPage = { items: Array<Product>, total: number, };

export type ProductQuery = { 
/**
 * Words that must each appear in the title or SKU; an exact SKU match sorts first.
 */
text: string | null, status: ProductStatus | null, limit: number | null, offset: number | null, };

export type ProductStatus = "active" | "draft" | "archived";

export type SessionInfo = { staff_id: string, name: string, role_name: string, permissions: Array<Permission>, };

export type ShopProfile = { name: string, currency: string, country: string, };

export type NewRole = { name: string, permissions: Array<Permission>, };

export type NewStaff = { name: string, role_id: string, pin: string, };

export type Role = { id: string, name: string, permissions: Array<Permission>, };

export type RoleUpdate = { id: string, name: string, permissions: Array<Permission>, };

export type StaffUpdate = { id: string, name: string, role_id: string, active: boolean, 
/**
 * A new PIN, or None to keep the current one.
 */
new_pin: string | null, };

export type SignIn = { staff_id: string, pin: string, };

export type StaffMember = { id: string, name: string, role_id: string, role_name: string, active: boolean, };

export type Timestamp = number;

export interface Commands {
  app_status: { req: null; res: AppStatus };
  retry_open: { req: null; res: AppStatus };
  create_shop: { req: NewShop; res: AppStatus };
  load_demo: { req: DemoRequest; res: AppStatus };
  sign_in: { req: SignIn; res: AppStatus };
  sign_out: { req: null; res: AppStatus };
  products_list: { req: ProductQuery; res: ProductPage };
  product_get: { req: ById; res: Product };
  product_create: { req: ProductDraft; res: Product };
  product_update: { req: ProductEdit; res: Product };
  product_history: { req: ById; res: Array<AuditEvent> };
  staff_all: { req: null; res: Array<StaffMember> };
  staff_create: { req: NewStaff; res: StaffMember };
  staff_update: { req: StaffUpdate; res: StaffMember };
  roles_list: { req: null; res: Array<Role> };
  role_create: { req: NewRole; res: Role };
  role_update: { req: RoleUpdate; res: Role };
  ui_rendered: { req: null; res: null };
}
