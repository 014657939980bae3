// Formatting for people. Amounts arrive exact from core; this only turns them into text, in the
// shop's conventions (its locale and time zone, from core's shop profile), not the machine's.
import type { Money, ShopProfile, Timestamp } from "./ipc";

let shop: { locale?: string; timeZone?: string } = {};

/** Every date, time, number and amount on screen from now on follows this shop's conventions. */
export function useShopConventions(profile: Pick<ShopProfile, "locale" | "time_zone">) {
  shop = { locale: profile.locale, timeZone: profile.time_zone };
}

/** The shop moved its clock (Settings): dates from now on are on the new one. */
export function useShopTimeZone(timeZone: string) {
  shop = { ...shop, timeZone };
}

// Making an Intl formatter costs far more than using one, and the cart formats every line on
// every scan: one formatter per locale, currency and zone, kept.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) formatters.set(key, (f = make()));
  return f;
}

export function formatMoney(m: Money, locale = shop.locale): string {
  const f = formatter(`money|${locale}|${m.currency}|${m.exponent}`, () =>
    new Intl.NumberFormat(locale, {
      style: "currency",
      currency: m.currency,
      minimumFractionDigits: m.exponent,
      maximumFractionDigits: m.exponent,
    }),
  );
  return f.format(m.minor / 10 ** m.exponent);
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
  const f = formatter(`time|${locale}|${timeZone}`, () =>
    new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }),
  );
  return f.format(new Date(t));
}

/** The shop's locale (a valid BCP 47 tag, from core). */
export function shopLocale(): string {
  return shop.locale ?? "en";
}

/** Minor units of a currency as money text (reports send amounts with their currency once). */
export function formatMinor(minor: number, currency: string, exponent: number): string {
  return formatMoney({ minor, currency, exponent });
}

/** A count in the shop's locale ("1,234"). */
export function formatCount(n: number, locale = shop.locale): string {
  return formatter(`count|${locale}`, () => new Intl.NumberFormat(locale)).format(n);
}

/** Basis points as a percentage ("12.3 %" in the shop's locale). */
export function formatPercent(bp: number, locale = shop.locale): string {
  const f = formatter(`percent|${locale}`, () =>
    new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  );
  return f.format(bp / 10_000);
}

/** Today's date on the shop's clock, "2026-11-30" (reports count the shop's days). Built from
 *  the parts, not a locale's pattern: WebKitGTK's en-CA writes "12/01/2026". */
export function shopToday(now = new Date(), timeZone = shop.timeZone): string {
  const f = formatter(`isodate|${timeZone}`, () =>
    new Intl.DateTimeFormat("en-US", { year: "numeric", month: "2-digit", day: "2-digit", timeZone }),
  );
  const part = (type: string) => f.formatToParts(now).find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** "12 minutes ago", "3 hours ago": how old something is, in the shop's language. */
export function formatAge(ms: number, locale = shop.locale): string {
  const f = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const minutes = Math.round(Math.max(0, ms) / 60_000);
  if (minutes < 60) return f.format(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 48) return f.format(-hours, "hour");
  return f.format(-Math.round(hours / 24), "day");
}

/** "48.2 MB": a file's size. */
export function formatBytes(bytes: number, locale = shop.locale): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let n = bytes;
  let unit = 0;
  while (n >= 1000 && unit < units.length - 1) {
    n /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(locale, { style: "unit", unit: units[unit], unitDisplay: "short", maximumFractionDigits: 1 }).format(n);
}

/**
 * A picked file's text, read as core reads files: UTF-8 when it is valid UTF-8 (a byte-order mark
 * is dropped), else Windows-1252 — what Excel on Windows writes for "CSV (Comma delimited)" — so
 * accents and "€" survive instead of turning into "�". Says which it used.
 */
export function decodeFile(bytes: ArrayBuffer): { text: string; encoding: "UTF-8" | "Windows-1252" } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "UTF-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "Windows-1252" };
  }
}
