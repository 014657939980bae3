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

export type Permission = "catalog_view" | "catalog_edit" | "stock_manage" | "sell" | "approve_discount" | "void" | "orders_view" | "orders_manage" | "pack" | "pack_override" | "reports_view" | "staff_manage" | "settings_manage";

export type Product = { id: string, handle: string, title: string, body_html: string, vendor: string, product_type: string, tags: Array<string>, status: ProductStatus, 
/**
 * Option names ("Size", "Colour"), at most three.
 */
options: Array<string>, hs_code: string, origin_country: string, images: Array<string>, variants: Array<Variant>, created_at: Timestamp, updated_at: Timestamp, };

export type ProductDraft = { title: string, body_html: string, vendor: string, product_type: string, 
/**
 * Comma-separated, as people type them.
 */
tags: string, status: ProductStatus, options: Array<string>, hs_code: string, origin_country: string, images: Array<string>, variants: Array<VariantDraft>, };

export type ProductEdit = { id: string, product: ProductDraft, };

export type ProductStatus = "active" | "draft" | "archived";

export type Variant = { id: string, position: number, 
/**
 * One value per product option, in the product's option order.
 */
options: Array<string>, 
/**
 * The option values joined ("M / Sage"), empty for a product without options.
 */
title: string, sku: string, barcode: string, price: Money, compare_at: Money | null, cost: Money | null, weight_grams: number, weight_unit: WeightUnit, 
/**
 * The weight as shown and typed in its unit ("0.25" kg).
 */
weight: string, tax_class: string, inventory_policy: InventoryPolicy, bin: string, image_src: string, 
/**
 * Totals over every location, derived from the stock ledger.
 */
on_hand: number, committed: number, available: number, };

export type VariantDraft = { 
/**
 * Set when editing an existing variant; absent for a new row.
 */
id: string | null, options: Array<string>, sku: string, barcode: string, price: string, compare_at: string, cost: string, weight: string, weight_unit: WeightUnit | null, tax_class: string, inventory_policy: InventoryPolicy | null, bin: string, image_src: string, };

export type WeightUnit = "g" | "kg" | "lb" | "oz";

export type InventoryPolicy = "deny" | "continue";

export type Symbology = "ean13" | "ean8" | "upc_a" | "code128";

export type CatalogFacets = { vendors: Array<string>, product_types: Array<string>, };

export type CatalogPage = { items: Array<VariantRow>, 
/**
 * Matches; for a text search at most `COUNT_CAP`, with `capped` saying there are more.
 */
total: number, capped: boolean, };

export type CatalogQuery = { 
/**
 * Words that must each start a word of the title, SKU, barcode, vendor, tags, type or an
 * option value; an exact SKU or barcode match sorts first.
 */
text: string | null, status: ProductStatus | null, vendor: string | null, product_type: string | null, tag: string | null, 
/**
 * Only variants at or below their reorder point somewhere.
 */
low_stock: boolean, limit: number | null, offset: number | null, };

export type VariantRow = { variant_id: string, product_id: string, title: string, variant_title: string, sku: string, barcode: string, vendor: string, status: ProductStatus, price: Money, on_hand: number, available: number, };

export type Code = { code: string, };

export type CsvText = { text: string, };

export type NewLocation = { name: string, };

export type AtLocation = { 
/**
 * Absent: every location.
 */
location_id: string | null, };

export type PurchaseUpdate = { id: string, draft: PurchaseDraft, };

export type SavedFile = { path: string, };

export type ImportIssue = { 
/**
 * 1-based line of the file where the row starts (the header is line 1).
 */
line: number, 
/**
 * The column's header as written in the file, empty for a problem with the whole row.
 */
column: string, message: string, };

export type ImportPreview = { rows: number, products_new: number, products_updated: number, variants: number, images: number, 
/**
 * Rows left out because of an error (a row can have more than one problem listed).
 */
skipped_rows: number, errors: Array<ImportIssue>, 
/**
 * Columns this importer does not use (they are left out, not an error).
 */
ignored_columns: Array<string>, };

export type ImportResult = { preview: ImportPreview, import_id: string, };

export type Location = { id: string, name: string, position: number, };

export type LowStockLine = { variant_id: string, label: string, sku: string, location_id: string, location: string, available: number, reorder_point: number, reorder_qty: number, };

export type MoveReason = "receive" | "sale" | "commit" | "release" | "ship" | "return" | "adjust" | "count" | "transfer_out" | "transfer_in";

export type ReorderRule = { variant_id: string, location_id: string, 
/**
 * Absent to remove the rule.
 */
reorder_point: number | null, reorder_qty: number | null, };

export type StockAdjustment = { variant_id: string, location_id: string, 
/**
 * Signed change to on hand (+3 found, −2 damaged).
 */
delta: number, note: string, };

export type StockLevel = { location_id: string, location: string, on_hand: number, committed: number, available: number, reorder_point: number | null, reorder_qty: number | null, };

export type StockMove = { id: string, at: Timestamp, location: string, reason: MoveReason, on_hand_delta: number, committed_delta: number, unit_cost: Money | null, 
/**
 * The document it came from ("purchase_order", "transfer", "stocktake", "catalog_import"…).
 */
doc_type: string, doc_id: string, note: string, staff: string, };

export type StockReport = { lines: Array<StockReportLine>, total_on_hand: number, total_value: Money, };

export type StockReportLine = { variant_id: string, sku: string, label: string, location: string, on_hand: number, committed: number, available: number, unit_cost: Money | null, 
/**
 * On hand × moving-average cost; stock below zero is valued at nothing.
 */
value: Money, };

export type Transfer = { id: string, number: number, from: string, to: string, status: TransferStatus, sent_at: Timestamp, received_at: Timestamp | null, lines: Array<TransferLine>, };

export type TransferDraft = { from_id: string, to_id: string, lines: Array<TransferLineDraft>, };

export type TransferLine = { variant_id: string, label: string, qty: number, };

export type TransferLineDraft = { variant_id: string, qty: number, };

export type TransferStatus = "sent" | "received";

export type PurchaseDraft = { supplier_id: string, location_id: string, note: string, lines: Array<PurchaseLineDraft>, };

export type PurchaseLine = { variant_id: string, label: string, sku: string, barcode: string, supplier_sku: string, qty_ordered: number, qty_received: number, unit_cost: Money, line_total: Money, };

export type PurchaseLineDraft = { variant_id: string, qty: number, 
/**
 * Empty: the supplier's cost for the variant, else its current cost.
 */
unit_cost: string, };

export type PurchaseOrder = { id: string, number: number, supplier_id: string, supplier: string, location_id: string, location: string, status: PurchaseStatus, note: string, created_at: Timestamp, sent_at: Timestamp | null, lines: Array<PurchaseLine>, total: Money, };

export type PurchaseReceipt = { po_id: string, lines: Array<ReceiptLine>, };

export type PurchaseStatus = "draft" | "sent" | "partial" | "received" | "closed";

export type ReceiptLine = { variant_id: string, qty: number, };

export type RestockResult = { orders: Array<PurchaseOrder>, 
/**
 * Low-stock variants no supplier sells; they need a supplier before they can be reordered.
 */
without_supplier: Array<string>, };

export type Supplier = { id: string, name: string, contact: string, email: string, phone: string, lead_days: number, notes: string, };

export type SupplierDraft = { 
/**
 * Set to edit an existing supplier.
 */
id: string | null, name: string, contact: string, email: string, phone: string, lead_days: number, notes: string, };

export type SupplierItemDraft = { supplier_id: string, variant_id: string, supplier_sku: string, cost: string, };

export type CountEntry = { stocktake_id: string, variant_id: string, counted: number, };

export type CountLine = { variant_id: string, label: string, sku: string, 
/**
 * On hand at the location now (while open) or when applied.
 */
expected: number, counted: number, variance: number, unit_cost: Money | null, variance_value: Money, };

export type CountScan = { stocktake_id: string, code: string, };

export type Stocktake = { id: string, number: number, location_id: string, location: string, status: StocktakeStatus, started_at: Timestamp, closed_at: Timestamp | null, lines: Array<CountLine>, units_counted: number, net_variance: number, variance_value: Money, };

export type StocktakeStatus = "open" | "applied" | "cancelled";

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

export type SaleEditRequest = { sale_id: string, edit: SaleEdit, approval: Approval | null, };

export type Payment = { sale_id: string, tenders: Array<TenderDraft>, };

export type SalesQuery = { status: SaleStatus | null, limit: number, };

export type ReceiptRequest = { sale_id: string, 
/**
 * 58 mm paper instead of 80 mm.
 */
narrow: boolean, };

export type Text = { text: string, };

export type CashMoveRequest = { amount: string, out: boolean, reason: string, };

export type ShiftClose = { counts: Array<DenominationCount>, };

export type CounterSettings = { region: string, prices_include_tax: boolean, tax_rounding: TaxRounding, 
/**
 * Cash is rounded to this step ("0.05"), or "0" for none.
 */
cash_rounding: string, 
/**
 * Discounts above this percent need a manager ("10").
 */
discount_limit_percent: string, receipt_footer: string, rates: Array<TaxRate>, };

export type DiscountCodeDraft = { code: string, 
/**
 * "percent" or "fixed".
 */
kind: string, value: string, };

export type Customer = { id: string, name: string, email: string | null, phone: string | null, store_credit: Money, };

export type CustomerDraft = { name: string, email: string, phone: string, };

export type Approval = { staff_id: string, pin: string, };

export type Discount = { "kind": "percent", "value": number } | { "kind": "fixed", "value": number };

export type DiscountDraft = { kind: DiscountKind, value: string, };

export type DiscountKind = "percent" | "fixed";

export type LineKind = "item" | "gift_card" | "return";

export type PaymentPreview = { total: Money, 
/**
 * Cash rounding (e.g. to 0.05) when cash settles the sale.
 */
rounding: Money, tenders: Array<Tender>, 
/**
 * Still to pay (or to pay back), 0 when the sale can complete.
 */
remaining: Money, change: Money, };

export type Sale = { id: string, number: number | null, receipt_code: string | null, status: SaleStatus, staff_name: string, customer: SaleCustomer | null, note: string, cart_discount: Discount | null, discount_code: string | null, prices_include_tax: boolean, lines: Array<SaleLine>, subtotal: Money, discount: Money, returns: Money, tax: Money, 
/**
 * Per rate, for the receipt.
 */
taxes: Array<TaxPart>, 
/**
 * What the customer pays (negative: is paid back); an open cart's is before cash rounding,
 * a completed sale's after it (see `rounding`).
 */
total: Money, rounding: Money, tenders: Array<Tender>, change: Money, void_reason: string | null, created_at: Timestamp, completed_at: Timestamp | null, };

export type SaleCustomer = { id: string, name: string, store_credit: Money, };

export type SaleEdit = { "type": "scan", code: string, } | { "type": "add_variant", variant_id: string, } | { "type": "quantity", line_id: string, quantity: number, } | { "type": "price", line_id: string, price: string, } | { "type": "line_discount", line_id: string, discount: DiscountDraft | null, } | { "type": "cart_discount", discount: DiscountDraft | null, } | { "type": "discount_code", code: string, } | { "type": "customer", customer_id: string | null, } | { "type": "note", note: string, } | { "type": "gift_card", code: string, amount: string, } | { "type": "void_line", line_id: string, reason: string, } | { "type": "return", line_id: string, quantity: number, restock: boolean, } | { "type": "park" } | { "type": "resume" } | { "type": "void", reason: string, };

export type SaleLine = { id: string, kind: LineKind, variant_id: string | null, title: string, sku: string | null, quantity: number, list_price: Money, unit_price: Money, 
/**
 * Who approved a price other than the list price.
 */
price_approved_by: string | null, discount: Discount | null, 
/**
 * Line and cart discount this line took.
 */
discount_amount: Money, 
/**
 * What the line charges after discounts, in the shop's price convention (negative when
 * returned).
 */
amount: Money, tax: Money, gift_card_code: string | null, return_of: string | null, restock: boolean | null, void_reason: string | null, };

export type SaleStatus = "open" | "parked" | "completed" | "voided";

export type SaleSummary = { id: string, number: number | null, status: SaleStatus, staff_name: string, customer_name: string | null, items: number, total: Money | null, updated_at: Timestamp, };

export type Tender = { kind: TenderKind, label: string, amount: Money, given: Money | null, reference: string | null, };

export type TenderDraft = { kind: TenderKind | null, 
/**
 * What this tender pays (on a refund: pays back). Empty: the rest. Cash: what is handed over.
 */
amount: string, 
/**
 * Card: the terminal's approval code. Gift card: its code. Custom: the tender's name.
 */
reference: string, 
/**
 * Card: the last four digits the terminal prints — never the card number.
 */
last4: string, };

export type TenderKind = "cash" | "card" | "store_credit" | "gift_card" | "custom";

export type CashMove = { amount: Money, reason: string, staff_name: string, at: Timestamp, };

export type DenominationCount = { denomination_minor: number, count: number, };

export type Shift = { id: string, number: number, open: boolean, opened_by: string, opened_at: Timestamp, float: Money, sales: number, expected_cash: Money, cash_moves: Array<CashMove>, denominations: Array<Money>, };

export type TenderTotal = { kind: string, label: string, count: number, amount_minor: number, };

export type ZReport = { shop_name: string, currency: string, shift_number: number, opened_by: string, closed_by: string, opened_at: Timestamp, closed_at: Timestamp, sales_count: number, returns_count: number, 
/**
 * List value sold, before discounts.
 */
gross_minor: number, discounts_minor: number, 
/**
 * Paid back for returns (negative or 0).
 */
returns_minor: number, 
/**
 * Everything taken less everything paid back.
 */
net_minor: number, tax_minor: number, taxes: Array<TaxPart>, tenders: Array<TenderTotal>, rounding_minor: number, voided_lines: number, voided_sales: number, voided_minor: number, float_minor: number, cash_in_minor: number, cash_out_minor: number, expected_cash_minor: number, counted_cash_minor: number, 
/**
 * Counted less expected: positive is over, negative short.
 */
over_short_minor: number, counts: Array<DenominationCount>, };

export type TaxPart = { name: string, rate_bp: number, base_minor: number, tax_minor: number, };

export type TaxRate = { tax_class: string, name: string, 
/**
 * Basis points: 2000 = 20 %.
 */
rate_bp: number, };

export type TaxRounding = "line" | "total";

export type Bench = { station: Station, carriers: Array<Carrier>, presets: Array<PackagePreset>, printers: Array<Printer>, 
/**
 * The order left open on the bench, if any.
 */
packing: Packing | null, };

export type PackComplete = { done: PackDone, 
/**
 * A manager's PIN when the parcel leaves without every item scanned.
 */
approval: Approval | null, };

export type PickRequest = { 
/**
 * Order numbers, slip codes or marketplace ids.
 */
orders: Array<string>, per_order: boolean, };

export type DropshipShipped = { id: string, carrier: string, tracking: string, };

export type SupplierOrder = { id: string, 
/**
 * "DS-00001".
 */
code: string, 
/**
 * sent, shipped or cancelled.
 */
status: string, order_id: string, order_name: string, supplier: string, supplier_email: string, buyer: Party, ship_to: Array<string>, lines: Array<SupplierOrderLine>, date: string, paper: PaperSize, };

export type SupplierOrderLine = { order_line_id: string, supplier_sku: string, sku: string, title: string, quantity: number, };

export type PackDone = { 
/**
 * Carrier code (or name).
 */
carrier: string, service: string, 
/**
 * From the carrier's label: one number for every parcel or one per parcel. Empty for the
 * shop's own delivery, which numbers its parcels itself.
 */
tracking: Array<string>, parcels: Array<ParcelDraft>, 
/**
 * Ship only the units scanned so far; the rest of the order stays open.
 */
partial: boolean, 
/**
 * Why the parcel leaves without every unit scanned (needs `pack_override`).
 */
override_reason: string, 
/**
 * The station whose printers get the label, slip and invoice; none prints nothing.
 */
station_id: string | null, };

export type PackLine = { line_id: string, sku: string, title: string, barcode: string | null, image: string | null, bin: string, 
/**
 * Units of this line that go into this parcel if everything is here.
 */
to_pack: number, scanned: number, unit_grams: number, };

export type Packed = { order: Order, shipment_id: string, 
/**
 * One per parcel.
 */
tracking: Array<string>, 
/**
 * Queued for the station's printers; the caller hands them to the print system.
 */
jobs: Array<PrintJob>, };

export type Packing = { order_id: string, name: string, channel: string, ship_to: Address, shipping_method: string, express: boolean, lines: Array<PackLine>, units: number, scanned: number, 
/**
 * Items' catalog weight, a hint beside the scale's figure.
 */
estimated_grams: number, };

export type ParcelDraft = { 
/**
 * As typed or read from the scale: "1.25" (kg), "850 g", "2 lb", "12 oz".
 */
weight: string, 
/**
 * A box preset id, or empty.
 */
preset: string, };

export type Scan = { outcome: ScanOutcome, line_id: string | null, message: string, packing: Packing, };

export type ScanOutcome = "ticked" | "complete" | "wrong" | "too_many";

export type DocKind = "label" | "slip" | "invoice" | "picklist" | "supplier_order";

export type PrintJob = { id: string, station_id: string | null, kind: DocKind, 
/**
 * The shipment (label, slip), invoice, order (pick list) or dropship it prints.
 */
doc_id: string, title: string, printer: string, 
/**
 * queued, sent or failed.
 */
status: string, attempts: number, last_error: string | null, 
/**
 * The spooler's answer ("request id is label-42").
 */
spooler: string | null, created_at: Timestamp, sent_at: Timestamp | null, };

export type Carrier = { code: string, name: string, 
/**
 * The tracking page, with `{tracking}` where the number goes.
 */
tracking_url: string, 
/**
 * The shop's own delivery: tracking numbers are generated by Shopdesk.
 */
own: boolean, custom: boolean, };

export type LabelSize = "4x6" | "a6" | "a4x2";

export type LateOrder = { order_id: string, name: string, channel: string, placed_at: Timestamp, due_at: Timestamp, units_open: number, };

export type Channel = { id: string, name: string, kind: ChannelKind, base_url: string, interval_secs: number, watermark: Timestamp | null, };

export type ChannelKind = "shopify" | "woocommerce" | "vendure";

export type ChannelHealth = { channel: Channel, last_attempt_at: Timestamp | null, last_success_at: Timestamp | null, 
/**
 * How far behind the marketplace the orders may be: now − the last full pull.
 */
lag_ms: number | null, 
/**
 * Fulfilments waiting to go out.
 */
fulfilments_queued: number, 
/**
 * Fulfilments that failed at least once and are waiting for their retry.
 */
fulfilments_failing: number, 
/**
 * Fulfilments the marketplace has acknowledged.
 */
fulfilments_sent: number, 
/**
 * Listings whose stock changed since it was last pushed.
 */
stock_queued: number, orders_imported: number, quarantined: number, unmatched_skus: number, last_error: string | null, last_error_kind: SyncErrorKind | null, last_error_at: Timestamp | null, 
/**
 * What to do about the last error, in plain words.
 */
advice: string | null, 
/**
 * True when the last attempt failed after the last success.
 */
failing: boolean, };

export type NewChannel = { 
/**
 * Shown on orders; the kind when empty.
 */
name: string, 
/**
 * shopify, woocommerce or vendure.
 */
kind: string, 
/**
 * The store's address: https://my-shop.myshopify.com, https://shop.example, http://127.0.0.1:3000.
 */
base_url: string, 
/**
 * Seconds between automatic syncs; 60 when 0.
 */
interval_secs: number, };

export type QuarantinedOrder = { channel: string, external_id: string, error: string, seen_at: Timestamp, };

export type SyncErrorKind = "auth" | "network" | "rate_limit" | "server" | "rejected";

export type UnmatchedSku = { channel: string, sku: string, title: string, seen_at: Timestamp, };

export type ChannelAdd = { channel: NewChannel, 
/**
 * Shopify access token, WooCommerce "ck_…:cs_…" or Vendure "user:password".
 */
key: string, };

export type ChannelName = { 
/**
 * Every channel when empty.
 */
name: string, };

export type ChannelKey = { name: string, key: string, };

export type SkuLink = { channel: string, sku: string, 
/**
 * The product's SKU or barcode in Shopdesk.
 */
product: string, };

export type IngestTally = { created: number, updated: number, 
/**
 * Seen before with nothing new (the overlap window, a page served twice).
 */
unchanged: number, quarantined: number, 
/**
 * The latest `updated_at` among the orders read (quarantined ones included: they are
 * listed for a person, and re-reading them forever would not fix them).
 */
newest: Timestamp | null, };

export type RunReport = { channel: string, pages: number, orders: IngestTally, listings: number, stock_pushed: number, fulfilments_pushed: number, 
/**
 * Plain-words failures of this run; empty when everything worked.
 */
errors: Array<string>, };

export type PackagePreset = { id: string, name: string, length_mm: number, width_mm: number, height_mm: number, tare_grams: number, };

export type Station = { id: string, name: string, label_printer: string, document_printer: string, receipt_printer: string, label_size: LabelSize, print_label: boolean, print_slip: boolean, print_invoice: boolean, 
/**
 * Carrier code chosen by default at this bench.
 */
carrier: string, service: string, 
/**
 * Box preset chosen by default.
 */
preset: string, };

export type Printer = { name: string, default: boolean, };

export type IdText = { id: string, text: string, };

export type OrderUpdate = { id: string, draft: OrderDraft, };

export type OrderPayment = { id: string, payment: PaymentDraft, };

export type OrderShipment = { id: string, shipment: ShipmentDraft, };

export type Bulk = { ids: Array<string>, action: BulkAction, };

export type SaleInvoice = { sale_id: string, buyer: Party, };

export type OrderEmail = { id: string, 
/**
 * order_confirmation, invoice or shipment.
 */
kind: string, };

export type Reply = { order_id: string, from: string, subject: string, body: string, };

export type ReturnRequest = { order_id: string, draft: ReturnDraft, };

export type ReturnReceive = { return_id: string, receipt: ReturnReceipt, };

export type ClaimOpen = { order_id: string, draft: ClaimDraft, };

export type ClaimResolve = { claim_id: string, resolution: ClaimResolution, };

export type MailReport = { sent: number, failed: number, errors: Array<string>, };

export type CustomerProfile = { customer: Customer, address: Address, note: string, erased: boolean, history: Array<CustomerHistoryRow>, 
/**
 * Orders not cancelled plus counter sales, less refunds.
 */
lifetime_value: Money, messages: Array<Message>, };

export type CustomerHistoryRow = { 
/**
 * "order" or "sale".
 */
kind: string, id: string, name: string, at: Timestamp, total: Money, status: string, };

export type Invoice = { id: string, kind: InvoiceKind, 
/**
 * "INV-2026-00017".
 */
code: string, issued_at: Timestamp, due_at: Timestamp | null, 
/**
 * The invoice a credit note corrects.
 */
credits: string | null, order: string | null, receipt: string | null, seller: Party, buyer: Party, ship_to: Array<string>, currency: string, paper: PaperSize, prices_include_tax: boolean, lines: Array<InvoiceLine>, taxes: Array<TaxPart>, net: Money, discount: Money, tax: Money, total: Money, 
/**
 * Paid when issued (refunded, for a credit note).
 */
paid: Money, balance: Money, payment_terms: string, note: string, };

export type InvoiceKind = "invoice" | "credit_note";

export type InvoiceLine = { description: string, sku: string, quantity: number, unit_price: Money, discount: Money, 
/**
 * Before tax.
 */
net: Money, tax: Money, 
/**
 * Tax included.
 */
total: Money, 
/**
 * The rates that apply ("VAT 23%").
 */
tax_rate: string, };

export type InvoiceRef = { id: string, kind: InvoiceKind, code: string, total: Money, issued_at: Timestamp, };

export type PaperSize = "a4" | "letter";

export type Party = { name: string, lines: Array<string>, tax_id: string, email: string, };

export type Address = { name: string, company: string, line1: string, line2: string, city: string, region: string, postal_code: string, 
/**
 * ISO 3166-1 alpha-2.
 */
country: string, phone: string, };

export type BulkAction = { "type": "hold", reason: string, } | { "type": "release", reason: string, } | { "type": "cancel", reason: string, } | { "type": "mark_paid", method: string, } | { "type": "invoice" };

export type BulkResult = { order_id: string, ok: boolean, message: string, };

export type Check = { code: string, level: CheckLevel, message: string, points: number, };

export type CheckLevel = "block" | "hold" | "warn" | "risk";

export type Claim = { id: string, kind: ClaimKind, 
/**
 * "open" or "resolved".
 */
status: string, evidence: string, 
/**
 * "refund", "reship" or "reject".
 */
resolution: string | null, refund: Money | null, reship_order_id: string | null, created_at: Timestamp, resolved_at: Timestamp | null, };

export type ClaimDraft = { kind: ClaimKind | null, evidence: string, };

export type ClaimKind = "damaged" | "missing" | "wrong_item";

export type ClaimResolution = { "type": "refund", amount: string, method: string, } | { "type": "reship" } | { "type": "reject", reason: string, };

export type Fulfilment = "unfulfilled" | "partial" | "fulfilled";

export type InboxQuery = { view: InboxView, 
/**
 * An order or receipt number, or part of an e-mail, name or marketplace id.
 */
text: string, 
/**
 * Only this channel ("manual", "shopify", "counter"…); empty for all.
 */
channel: string, sort: InboxSort, offset: number, limit: number, };

export type InboxRow = { 
/**
 * "order" or "sale".
 */
kind: string, id: string, 
/**
 * "#1042" or "R00000017".
 */
name: string, channel: string, created_at: Timestamp, customer: string, total: Money, 
/**
 * on_hold, open, cancelled for orders; completed for sales.
 */
status: string, fulfilment: Fulfilment, payment_status: PaymentStatus, risk_score: number, };

export type InboxSort = "newest" | "oldest" | "highest_total";

export type InboxView = "all" | "on_hold" | "to_pack" | "unpaid" | "counter" | "cancelled";

export type Order = { id: string, number: number, 
/**
 * "#1042".
 */
name: string, channel: string, external_id: string | null, status: OrderStatus, fulfilment: Fulfilment, payment_status: PaymentStatus, customer: OrderCustomer | null, email: string | null, phone: string | null, billing: Address, shipping: Address, location_id: string, location: string, shipping_method: string, express: boolean, channel_risk: string | null, prices_include_tax: boolean, lines: Array<OrderLine>, subtotal: Money, discount: Money, shipping_total: Money, tax: Money, total: Money, taxes: Array<TaxPart>, paid: Money, refunded: Money, 
/**
 * Still to pay (never below zero).
 */
balance: Money, risk_score: number, checks: Array<Check>, note: string, created_at: Timestamp, payments: Array<PaymentRecord>, shipments: Array<Shipment>, returns: Array<OrderReturn>, claims: Array<Claim>, invoices: Array<InvoiceRef>, messages: Array<Message>, timeline: Array<OrderEvent>, };

export type OrderCustomer = { id: string, name: string, };

export type OrderDraft = { 
/**
 * "manual" when empty; marketplace connectors give their name.
 */
channel: string, 
/**
 * The marketplace's order id: the same (channel, external id) is one order, however often it
 * is imported.
 */
external_id: string | null, customer_id: string | null, email: string, phone: string, shipping: Address, 
/**
 * `None`: the same as shipping.
 */
billing: Address | null, 
/**
 * Where it ships from; the first location when empty.
 */
location_id: string | null, lines: Array<OrderLineDraft>, shipping_method: string, 
/**
 * Decimal text in the shop's currency ("4.95"); empty is free.
 */
shipping_price: string, express: boolean, 
/**
 * The marketplace's own risk level: "low", "medium" or "high".
 */
channel_risk: string | null, note: string, };

export type OrderEvent = { at: Timestamp, staff: string | null, kind: string, detail: string, };

export type OrderLine = { id: string, 
/**
 * "item" or "shipping".
 */
kind: string, variant_id: string | null, sku: string, title: string, quantity: number, shipped: number, 
/**
 * Units on return authorisations that were not cancelled.
 */
returned: number, 
/**
 * Units already refunded through returns.
 */
refunded_units: number, 
/**
 * What a new return may still take back: shipped goods, or the postage once.
 */
returnable: number, unit_price: Money, 
/**
 * The catalog price when the order was entered, for the price check.
 */
catalog_price: Money | null, discount: Money, 
/**
 * After discount, in the order's price convention (tax included or not).
 */
amount: Money, tax: Money, 
/**
 * What the customer is charged for the line, tax included.
 */
charged: Money, taxes: Array<TaxPart>, };

export type OrderLineDraft = { 
/**
 * SKU or barcode of a catalog variant; empty for a custom line with a title.
 */
sku: string, variant_id: string | null, 
/**
 * For custom lines; catalog lines take the product's title.
 */
title: string, quantity: number, 
/**
 * Decimal text; the catalog price when empty.
 */
unit_price: string, 
/**
 * Decimal text off the line; empty for none.
 */
discount: string, };

export type OrderReturn = { id: string, 
/**
 * "RMA-12".
 */
name: string, status: ReturnStatus, reason: string, lines: Array<ReturnLine>, refund_minor: number | null, credit_note: string | null, created_at: Timestamp, };

export type OrderStatus = "on_hold" | "open" | "cancelled";

export type PaymentRecord = { id: string, 
/**
 * "payment" or "refund".
 */
kind: string, amount: Money, method: string, reference: string, at: Timestamp, };

export type PaymentDraft = { 
/**
 * Decimal text; the balance when empty.
 */
amount: string, 
/**
 * "card", "bank transfer", "cash", "marketplace"…
 */
method: string, reference: string, };

export type PaymentStatus = "unpaid" | "partially_paid" | "paid" | "partially_refunded" | "refunded";

export type ReturnDraft = { reason: string, lines: Array<ReturnLineDraft>, };

export type ReturnLine = { order_line_id: string, title: string, quantity: number, 
/**
 * "restock" or "write_off" once received.
 */
disposition: string | null, location: string | null, };

export type ReturnLineDraft = { order_line_id: string, quantity: number, };

export type ReturnReceipt = { 
/**
 * Order lines written off; every other returned line is restocked.
 */
write_off: Array<string>, 
/**
 * Where restocked units go; the order's location when empty.
 */
location_id: string | null, };

export type ReturnStatus = "authorised" | "received" | "refunded" | "cancelled";

export type RiskSettings = { 
/**
 * A score at or above this holds the order for review.
 */
hold_score: number, 
/**
 * An order worth more than this many times the shop's usual order is unusual.
 */
value_multiple: number, 
/**
 * This many orders or more from one e-mail, address or phone within `velocity_hours`…
 */
velocity_count: number, velocity_hours: number, };

export type Shipment = { id: string, carrier: string, tracking: string, at: Timestamp, 
/**
 * (order line id, quantity).
 */
lines: Array<[string, number]>, };

export type ShipmentDraft = { carrier: string, tracking: string, 
/**
 * (order line id, quantity); empty ships everything not yet shipped.
 */
lines: Array<[string, number]>, };

export type Legal = { 
/**
 * The registered name; the shop's name when left empty.
 */
legal_name: string, 
/**
 * Lines of the registered address.
 */
legal_address: string, 
/**
 * VAT / tax id.
 */
tax_id: string, shop_email: string, invoice_prefix: string, credit_note_prefix: string, payment_terms_days: number, 
/**
 * Read only: decides paper size and address formats.
 */
country: string, };

export type MailSettings = { smtp_host: string, smtp_port: number, smtp_security: SmtpSecurity, smtp_username: string, 
/**
 * The sender, "Shop <shop@example.com>" or a bare address.
 */
mail_from: string, };

export type OrderSettings = { legal: Legal, risk: RiskSettings, mail: MailSettings, };

export type SmtpSecurity = "starttls" | "tls" | "none";

export type EmailTemplate = { kind: string, subject: string, body: string, };

export type Message = { id: string, 
/**
 * "out" or "in".
 */
direction: string, kind: string, order_id: string | null, address: string, subject: string, body: string, attachment: string | null, 
/**
 * queued, sent, failed (out) or received (in).
 */
status: string, attempts: number, next_attempt_at: Timestamp | null, last_error: string | null, created_at: Timestamp, sent_at: Timestamp | null, };

export interface Commands {
  app_status: { req: null; res: AppStatus };
  retry_open: { req: null; res: AppStatus };
  create_shop: { req: NewShop; res: AppStatus };
  load_demo: { req: DemoRequest; res: AppStatus };
  sign_in: { req: SignIn; res: AppStatus };
  sign_out: { req: null; res: AppStatus };
  catalog_list: { req: CatalogQuery; res: CatalogPage };
  catalog_lookup: { req: Code; res: VariantRow | null };
  catalog_facets: { req: null; res: CatalogFacets };
  barcode_in_store: { req: null; res: string };
  catalog_import_preview: { req: CsvText; res: ImportPreview };
  catalog_import: { req: CsvText; res: ImportResult };
  catalog_export: { req: null; res: SavedFile };
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
  locations_list: { req: null; res: Array<Location> };
  location_create: { req: NewLocation; res: Location };
  stock_levels: { req: ById; res: Array<StockLevel> };
  stock_moves: { req: ById; res: Array<StockMove> };
  stock_adjust: { req: StockAdjustment; res: Array<StockLevel> };
  reorder_set: { req: ReorderRule; res: Array<StockLevel> };
  low_stock: { req: null; res: Array<LowStockLine> };
  stock_report: { req: AtLocation; res: StockReport };
  stock_report_export: { req: AtLocation; res: SavedFile };
  transfers_list: { req: null; res: Array<Transfer> };
  transfer_send: { req: TransferDraft; res: Transfer };
  transfer_receive: { req: ById; res: Transfer };
  suppliers_list: { req: null; res: Array<Supplier> };
  supplier_save: { req: SupplierDraft; res: Supplier };
  supplier_item_set: { req: SupplierItemDraft; res: null };
  purchase_orders_list: { req: null; res: Array<PurchaseOrder> };
  purchase_order_get: { req: ById; res: PurchaseOrder };
  purchase_order_create: { req: PurchaseDraft; res: PurchaseOrder };
  purchase_order_update: { req: PurchaseUpdate; res: PurchaseOrder };
  purchase_order_send: { req: ById; res: PurchaseOrder };
  purchase_receive: { req: PurchaseReceipt; res: PurchaseOrder };
  purchase_order_close: { req: ById; res: PurchaseOrder };
  restock: { req: null; res: RestockResult };
  stocktakes_list: { req: null; res: Array<Stocktake> };
  stocktake_start: { req: ById; res: Stocktake };
  stocktake_get: { req: ById; res: Stocktake };
  stocktake_scan: { req: CountScan; res: Stocktake };
  stocktake_set: { req: CountEntry; res: Stocktake };
  stocktake_apply: { req: ById; res: Stocktake };
  stocktake_cancel: { req: ById; res: Stocktake };
  sale_new: { req: null; res: Sale };
  sale_current: { req: null; res: Sale | null };
  sale_get: { req: ById; res: Sale };
  sale_edit: { req: SaleEditRequest; res: Sale };
  sale_by_receipt: { req: Code; res: Sale };
  sales_list: { req: SalesQuery; res: Array<SaleSummary> };
  payment_preview: { req: Payment; res: PaymentPreview };
  sale_complete: { req: Payment; res: Sale };
  receipt_save: { req: ReceiptRequest; res: SavedFile };
  receipt_print: { req: ReceiptRequest; res: string };
  gift_card_balance: { req: Code; res: Money };
  customers_search: { req: Text; res: Array<Customer> };
  customer_create: { req: CustomerDraft; res: Customer };
  shift_current: { req: null; res: Shift | null };
  shift_open: { req: Text; res: Shift };
  shift_cash: { req: CashMoveRequest; res: Shift };
  shift_close: { req: ShiftClose; res: ZReport };
  z_report_save: { req: ById; res: SavedFile };
  counter_settings_get: { req: null; res: CounterSettings };
  counter_settings_save: { req: CounterSettings; res: CounterSettings };
  discount_code_save: { req: DiscountCodeDraft; res: null };
  staff_active: { req: null; res: Array<StaffMember> };
  inbox: { req: InboxQuery; res: Array<InboxRow> };
  order_get: { req: ById; res: Order };
  order_create: { req: OrderDraft; res: Order };
  order_update: { req: OrderUpdate; res: Order };
  order_hold: { req: IdText; res: Order };
  order_release: { req: IdText; res: Order };
  order_cancel: { req: IdText; res: Order };
  order_note: { req: IdText; res: Order };
  order_pay: { req: OrderPayment; res: Order };
  order_ship: { req: OrderShipment; res: Order };
  orders_bulk: { req: Bulk; res: Array<BulkResult> };
  invoice_issue: { req: ById; res: Invoice };
  sale_invoice: { req: SaleInvoice; res: Invoice };
  invoice_save: { req: ById; res: SavedFile };
  invoice_print: { req: ById; res: string };
  order_email: { req: OrderEmail; res: Message };
  order_reply: { req: Reply; res: Message };
  outbox_list: { req: null; res: Array<Message> };
  outbox_retry: { req: ById; res: null };
  mail_send_now: { req: null; res: MailReport };
  return_authorise: { req: ReturnRequest; res: Order };
  return_receive: { req: ReturnReceive; res: Order };
  return_refund: { req: IdText; res: Order };
  return_cancel: { req: ById; res: Order };
  claim_open: { req: ClaimOpen; res: Order };
  claim_evidence: { req: IdText; res: Order };
  claim_resolve: { req: ClaimResolve; res: Order };
  customer_profile: { req: ById; res: CustomerProfile };
  customer_note: { req: IdText; res: CustomerProfile };
  customer_export: { req: ById; res: SavedFile };
  customer_erase: { req: ById; res: CustomerProfile };
  order_settings_get: { req: null; res: OrderSettings };
  order_settings_save: { req: OrderSettings; res: OrderSettings };
  smtp_password_save: { req: Text; res: null };
  email_templates: { req: null; res: Array<EmailTemplate> };
  email_template_save: { req: EmailTemplate; res: null };
  pack_bench: { req: null; res: Bench };
  station_save: { req: Station; res: Station };
  pack_open: { req: Code; res: Packing };
  pack_scan: { req: Code; res: Scan };
  pack_close: { req: null; res: null };
  pack_complete: { req: PackComplete; res: Packed };
  print_queue: { req: null; res: Array<PrintJob> };
  print_again: { req: ById; res: PrintJob };
  pick_list_save: { req: PickRequest; res: SavedFile };
  late_orders: { req: null; res: Array<LateOrder> };
  dropship_forward: { req: ById; res: Array<SupplierOrder> };
  dropship_list: { req: ById; res: Array<SupplierOrder> };
  dropship_shipped: { req: DropshipShipped; res: Order };
  channel_add: { req: ChannelAdd; res: Channel };
  channel_key_save: { req: ChannelKey; res: Channel };
  channels_health: { req: null; res: Array<ChannelHealth> };
  channel_sync_now: { req: ChannelName; res: null };
  quarantined_orders: { req: null; res: Array<QuarantinedOrder> };
  unmatched_skus: { req: null; res: Array<UnmatchedSku> };
  channel_link: { req: SkuLink; res: null };
  ui_rendered: { req: null; res: null };
}
