import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Catalog from "../screens/Catalog.svelte";
import type { Product, ProductPage, SessionInfo } from "../lib/ipc";

const session: SessionInfo = {
  staff_id: "s1",
  name: "Nora",
  role_name: "Owner",
  permissions: ["catalog_view", "catalog_edit"],
};

function product(sku: string, title: string, minor: number): Product {
  return {
    id: `id-${sku}`,
    title,
    sku,
    price: { minor, currency: "EUR", exponent: 2 },
    status: "active",
    created_at: 0,
    updated_at: 0,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("Catalog screen", () => {
  let calls: { cmd: string; req: unknown }[];
  let component: ReturnType<typeof mount> | undefined;

  beforeEach(() => {
    calls = [];
    document.body.innerHTML = "";
  });
  afterEach(() => {
    if (component) unmount(component);
    clearMocks();
  });

  it("lists products with formatted prices and searches as the user types", async () => {
    mockIPC((cmd, args) => {
      const req = (args as { req: { text?: string | null } }).req;
      calls.push({ cmd, req });
      if (cmd !== "products_list") throw new Error(`unexpected ${cmd}`);
      const all = [product("MUG-1", "Blue Mug", 1800), product("TEE-1", "Organic Tee", 2450)];
      const items = req.text ? all.filter((p) => p.title.toLowerCase().includes(String(req.text).toLowerCase())) : all;
      return { items, total: items.length } satisfies ProductPage;
    });
    component = mount(Catalog, { target: document.body, props: { session } });
    await settle();
    flushSync();
    const rows = () => [...document.querySelectorAll("tr.product-row")].map((r) => r.textContent ?? "");
    expect(rows()).toHaveLength(2);
    expect(rows()[0]).toContain("Blue Mug");
    expect(rows()[0]).toContain("€18.00");
    expect(document.querySelector("#product-count")?.textContent).toBe("2 products");

    const search = document.querySelector<HTMLInputElement>("#product-search")!;
    search.value = "tee";
    search.dispatchEvent(new Event("input"));
    flushSync();
    await settle();
    flushSync();
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toContain("Organic Tee");
    expect(calls.at(-1)?.req).toMatchObject({ text: "tee", offset: 0, limit: 50 });
  });

  it("shows core's refusal when saving a product and keeps the editor open", async () => {
    mockIPC((cmd) => {
      if (cmd === "products_list") return { items: [], total: 0 };
      if (cmd === "product_create") throw { code: "conflict", message: "SKU 'MUG-1' is already used by 'Blue Mug'" };
      throw new Error(`unexpected ${cmd}`);
    });
    component = mount(Catalog, { target: document.body, props: { session } });
    await settle();
    flushSync();
    document.querySelector<HTMLButtonElement>("#new-product")!.click();
    flushSync();
    const form = document.querySelector<HTMLFormElement>("form.editor")!;
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    flushSync();
    const alert = document.querySelector(".editor .error");
    expect(alert?.getAttribute("data-code")).toBe("conflict");
    expect(alert?.textContent).toContain("already used by 'Blue Mug'");
    expect(document.querySelector("form.editor")).not.toBeNull();
  });

  it("offers no editing to a role without catalog_edit", async () => {
    mockIPC(() => ({ items: [], total: 0 }));
    component = mount(Catalog, {
      target: document.body,
      props: { session: { ...session, permissions: ["catalog_view"] } },
    });
    await settle();
    flushSync();
    expect(document.querySelector("#new-product")).toBeNull();
  });
});
