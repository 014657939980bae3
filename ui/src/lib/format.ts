// Formatting for people. Amounts arrive exact from core; this only turns them into text, in the
// shop's conventions (its locale and time zone, from core's shop profile), not the machine's.
import type { Money, ShopProfile, Timestamp } from "./ipc";

let shop: { locale?: string; timeZone?: string } = {};

/** Every date, time, number and amount on screen from now on follows this shop's conventions. */
export function useShopConventions(profile: Pick<ShopProfile, "locale" | "time_zone">) {
  shop = { locale: profile.locale, timeZone: profile.time_zone };
}

export function formatMoney(m: Money, locale = shop.locale): string {
  const units = m.minor / 10 ** m.exponent;
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: m.currency,
    minimumFractionDigits: m.exponent,
    maximumFractionDigits: m.exponent,
  }).format(units);
}

/** The amount as a person would type it back into a price field ("12.50"). */
export function moneyInput(m: Money): string {
  if (m.exponent === 0) return String(m.minor);
  const sign = m.minor < 0 ? "-" : "";
  const abs = Math.abs(m.minor);
  const scale = 10 ** m.exponent;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(m.exponent, "0")}`;
}

/** A moment as the shop reads it: its locale's date and time, on its own clock. */
export function formatTime(t: Timestamp, locale = shop.locale, timeZone = shop.timeZone): string {
  return new Date(t).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short", timeZone });
}
