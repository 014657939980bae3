// Formatting for people. Amounts arrive exact from core; this only turns them into text.
import type { Money, Timestamp } from "./ipc";

export function formatMoney(m: Money, locale?: string): string {
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

export function formatTime(t: Timestamp, locale?: string): string {
  return new Date(t).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}
