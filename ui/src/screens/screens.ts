// The screens of the app frame, their function keys, and what each will hold.
export type ScreenId = "home" | "sell" | "orders" | "pack" | "catalog" | "stock" | "customers" | "reports" | "settings";

export interface ScreenInfo {
  id: ScreenId;
  title: string;
  key: string;
  coming: string;
}

export const CATALOG: ScreenInfo = { id: "catalog", title: "Catalog", key: "F4", coming: "" };

export const SCREENS: ScreenInfo[] = [
  { id: "home", title: "Home", key: "F11", coming: "Your role does not see the shop's figures." },
  { id: "sell", title: "Sell", key: "F1", coming: "Your role does not sell at the counter." },
  { id: "orders", title: "Orders", key: "F2", coming: "One inbox for counter, phone and marketplace orders, with holds, invoices and e-mails." },
  { id: "pack", title: "Pack", key: "F3", coming: "Your role does not pack orders." },
  CATALOG,
  { id: "stock", title: "Stock", key: "F5", coming: "" },
  { id: "customers", title: "Customers", key: "F6", coming: "Your role does not see customers." },
  { id: "reports", title: "Reports", key: "F7", coming: "Your role does not see reports." },
  { id: "settings", title: "Settings", key: "F8", coming: "Shop details, taxes, printers, marketplaces and e-mail. Staff and roles are managed here by whoever may manage staff." },
];
