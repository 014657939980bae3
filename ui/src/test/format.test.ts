import { describe, expect, it } from "vitest";
import { formatMoney, moneyInput } from "../lib/format";

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
