import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Catalog from "../screens/catalog/Catalog.svelte";
import type { CatalogPage, SessionInfo, VariantRow } from "../lib/ipc";

const session: SessionInfo = {
  staff_id: "s1",
  name: "Nora",
  role_name: "Owner",
  permissions: ["catalog_view", "catalog_edit"],
  home: "catalog",
};

function variant(sku: string, title: string, minor: number): VariantRow {
  return {
    variant_id: `v-${sku}`,
    product_id: `p-${sku}`,
    title,
    variant_title: "M / Sage",
    sku,
    barcode: "",
    vendor: "",
    status: "active",
    price: { minor, currency: "EUR", exponent: 2 },
    on_hand: 3,
    available: 3,
  };
}

const noFacets = { vendors: [], product_types: [] };

// jsdom has no layout, so no ResizeObserver; the list only needs it to learn its height.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

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
      if (cmd === "catalog_facets") return noFacets;
      if (cmd !== "catalog_list") throw new Error(`unexpected ${cmd}`);
      const all = [variant("MUG-1", "Blue Mug", 1800), variant("TEE-1", "Organic Tee", 2450)];
      const items = req.text ? all.filter((p) => p.title.toLowerCase().includes(String(req.text).toLowerCase())) : all;
      return { items, total: items.length, capped: false } satisfies CatalogPage;
    });
    component = mount(Catalog, { target: document.body, props: { session } });
    await settle();
    flushSync();
    const rows = () => [...document.querySelectorAll("div.variant-row")].map((r) => r.textContent ?? "");
    expect(rows()).toHaveLength(2);
    expect(rows()[0]).toContain("Blue Mug");
    expect(rows()[0]).toContain("€18.00");
    expect(document.querySelector("#product-count")?.textContent).toBe("2 variants");

    const search = document.querySelector<HTMLInputElement>("#product-search")!;
    search.value = "tee";
    search.dispatchEvent(new Event("input"));
    flushSync();
    await settle();
    flushSync();
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toContain("Organic Tee");
    expect(calls.filter((c) => c.cmd === "catalog_list").at(-1)?.req).toMatchObject({ text: "tee", offset: 0, limit: 100 });
  });

  it("shows core's refusal when saving a product and keeps the editor open", async () => {
    mockIPC((cmd) => {
      if (cmd === "catalog_facets") return noFacets;
      if (cmd === "catalog_list") return { items: [], total: 0, capped: false };
      if (cmd === "product_create") throw { code: "conflict", message: "SKU 'MUG-1' is already used by 'Blue Mug'" };
      throw new Error(`unexpected ${cmd}`);
    });
    component = mount(Catalog, { target: document.body, props: { session } });
    await settle();
    flushSync();
    document.querySelector<HTMLButtonElement>("#new-product")!.click();
    flushSync();
    // The editor is a real dialog: role, title, and it scrolls inside the window.
    expect(document.querySelector('[role="dialog"]#product-editor h2')?.textContent).toBe("New product");
    const form = document.querySelector<HTMLFormElement>("form#product-form")!;
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    flushSync();
    const alert = document.querySelector("#product-editor .error");
    expect(alert?.getAttribute("data-code")).toBe("conflict");
    expect(alert?.textContent).toContain("already used by 'Blue Mug'");
    expect(document.querySelector("form#product-form")).not.toBeNull();
  });

  it("offers no editing to a role without catalog_edit", async () => {
    mockIPC((cmd) => (cmd === "catalog_facets" ? noFacets : { items: [], total: 0, capped: false }));
    component = mount(Catalog, {
      target: document.body,
      props: { session: { ...session, permissions: ["catalog_view"] } },
    });
    await settle();
    flushSync();
    expect(document.querySelector("#new-product")).toBeNull();
  });
});
