import { describe, expect, it } from "vitest";
import { decodeFile, formatAge, formatBytes, formatMoney, formatPercent, formatTime, moneyInput, shopToday, useShopConventions } from "../lib/format";

describe("money formatting", () => {
  it("shows exact minor units with the currency's own decimals", () => {
    expect(formatMoney({ minor: 1250, currency: "EUR", exponent: 2 }, "en-IE")).toBe("€12.50");
    expect(formatMoney({ minor: 1500, currency: "JPY", exponent: 0 }, "en-US")).toBe("¥1,500");
    expect(formatMoney({ minor: 1234, currency: "KWD", exponent: 3 }, "en-US")).toContain("1.234");
  });

  it("gives back what a person would type into a price field", () => {
    expect(moneyInput({ minor: 1250, currency: "EUR", exponent: 2 })).toBe("12.50");
    expect(moneyInput({ minor: 5, currency: "EUR", exponent: 2 })).toBe("0.05");
    expect(moneyInput({ minor: -305, currency: "USD", exponent: 2 })).toBe("-3.05");
    expect(moneyInput({ minor: 1500, currency: "JPY", exponent: 0 })).toBe("1500");
  });
});

describe("the shop's conventions", () => {
  it("show times on the shop's clock and in its locale, whatever the machine's", () => {
    // 2026-12-01 23:30 UTC is already the 2nd in Auckland and still the 1st in Dublin.
    const t = Date.UTC(2026, 11, 1, 23, 30);
    useShopConventions({ locale: "en-IE", time_zone: "Europe/Dublin" });
    expect(formatTime(t)).toBe("1 Dec 2026, 23:30");
    expect(formatMoney({ minor: 123456, currency: "EUR", exponent: 2 })).toBe("€1,234.56");
    useShopConventions({ locale: "en-NZ", time_zone: "Pacific/Auckland" });
    expect(formatTime(t)).toContain("2 Dec 2026");
    useShopConventions({ locale: "en-US", time_zone: "America/Los_Angeles" });
    expect(formatTime(t)).toBe("Dec 1, 2026, 3:30 PM");
  });
});

describe("the shop's today", () => {
  it("is the shop's calendar day, written as an ISO date whatever the locale", () => {
    // 23:30 UTC on 1 December is already the 2nd in Auckland and still the 1st in Dublin.
    const t = new Date(Date.UTC(2026, 11, 1, 23, 30));
    expect(shopToday(t, "Europe/Dublin")).toBe("2026-12-01");
    expect(shopToday(t, "Pacific/Auckland")).toBe("2026-12-02");
    expect(shopToday(t, "America/Los_Angeles")).toBe("2026-12-01");
  });
});

describe("percentages", () => {
  it("are basis points shown with one decimal", () => {
    useShopConventions({ locale: "en-IE", time_zone: "Europe/Dublin" });
    expect(formatPercent(1234)).toBe("12.3%");
    expect(formatPercent(-50)).toBe("-0.5%");
  });
});

describe("ages and sizes", () => {
  it("say how long ago in minutes, hours or days, and sizes in the shop's units", () => {
    useShopConventions({ locale: "en-IE", time_zone: "Europe/Dublin" });
    expect(formatAge(12 * 60_000)).toBe("12 minutes ago");
    expect(formatAge(0)).toBe("this minute");
    expect(formatAge(3 * 3_600_000)).toBe("3 hours ago");
    expect(formatAge(3 * 86_400_000)).toBe("3 days ago");
    expect(formatBytes(48_200_000)).toBe("48.2 MB");
  });
});

describe("picked files", () => {
  it("are UTF-8 when valid, else Windows-1252 as Excel for Windows writes them", () => {
    // (Node's TextDecoder reads windows-1252 as Latin-1, so "€" (0x80) is checked in the real
    // window's WebKit by the catalog journey; accents are the same in both.)
    const excel = new Uint8Array([0x43, 0x72, 0xe8, 0x6d, 0x65, 0x2c, 0x31, 0x32]);
    expect(decodeFile(excel.buffer)).toEqual({ text: "Crème,12", encoding: "Windows-1252" });
    const utf8 = new TextEncoder().encode("Zoë,€12");
    expect(decodeFile(utf8.buffer as ArrayBuffer)).toEqual({ text: "Zoë,€12", encoding: "UTF-8" });
  });
});
