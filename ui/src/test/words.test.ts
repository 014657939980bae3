import { describe, expect, it } from "vitest";
import { channelName, messageStatus, plural, templateName, title } from "../lib/words";

describe("the shop's words for codes", () => {
  it("never show a code where a word belongs", () => {
    expect(plural(1, "item")).toBe("1 item");
    expect(plural(3, "item")).toBe("3 items");
    expect(plural(2, "purchase order")).toBe("2 purchase orders");
    expect(templateName("order_confirmation")).toBe("Order confirmation");
    expect(channelName("woocommerce")).toBe("WooCommerce");
    expect(channelName("manual")).toBe("Phone / e-mail");
    expect(messageStatus("queued")).toBe("waiting to send");
    expect(title("partly_shipped")).toBe("Partly shipped");
  });
});
