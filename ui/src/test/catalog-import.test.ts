import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import CatalogImport from "../screens/catalog/CatalogImport.svelte";
import type { ImportPreview, ImportResult } from "../lib/ipc";

const settle = () => new Promise((r) => setTimeout(r, 0));

const preview: ImportPreview = {
  rows: 2000,
  products_new: 2000,
  products_updated: 0,
  variants: 2000,
  images: 0,
  skipped_rows: 0,
  errors: [],
  ignored_columns: [],
};

describe("Catalog import", () => {
  let component: ReturnType<typeof mount> | undefined;
  afterEach(() => {
    if (component) unmount(component);
    clearMocks();
  });

  it("moves its progress bar as core writes products, then says what it imported", async () => {
    let finish: (r: ImportResult) => void = () => {};
    mockIPC(
      (cmd) => {
        if (cmd === "catalog_import_preview") return preview;
        if (cmd === "catalog_import") return new Promise<ImportResult>((r) => (finish = r));
        if (cmd === "catalog_stores") return [];
        throw new Error(`unexpected ${cmd}`);
      },
      { shouldMockEvents: true },
    );
    component = mount(CatalogImport, { target: document.body, props: { onclose: () => {}, ondone: () => {} } });
    flushSync();
    const input = document.querySelector<HTMLInputElement>("#import-file")!;
    const file = new File(["Handle,Title\n"], "products.csv", { type: "text/csv" });
    // jsdom's File cannot read itself back; the dialog only needs its bytes.
    Object.defineProperty(file, "arrayBuffer", { value: async () => new TextEncoder().encode("Handle,Title\n").buffer });
    Object.defineProperty(input, "files", { value: [file] });
    input.dispatchEvent(new Event("change", { bubbles: true }));
    for (let i = 0; i < 5; i++) await settle();
    flushSync();
    document.querySelector<HTMLButtonElement>("#import-confirm")!.click();
    await settle();
    flushSync();
    expect(document.querySelector("#import-progress")).toBeNull();

    await emit("import-progress", { done: 500, total: 2000 });
    await settle();
    flushSync();
    const bar = document.querySelector<HTMLProgressElement>("#import-progress")!;
    expect([bar.value, bar.max]).toEqual([500, 2000]);
    expect(document.body.textContent).toContain("500 of 2000 products written");

    await emit("import-progress", { done: 1500, total: 2000 });
    await settle();
    flushSync();
    expect(document.querySelector<HTMLProgressElement>("#import-progress")!.value).toBe(1500);

    finish({ preview, import_id: "i1" });
    await settle();
    flushSync();
    expect(document.querySelector("#import-done")?.textContent).toContain("2000 new");
  });

  it("reads a connected store's products into the same preview, and says why when it cannot", async () => {
    const previewed: string[] = [];
    let answer: () => unknown = () => ({ text: "Handle,Title\nsage-tee,Sage Tee\n" });
    mockIPC((cmd, args) => {
      if (cmd === "catalog_stores") return [{ id: "c1", name: "main-store", kind: "shopify" }];
      if (cmd === "store_catalog") {
        expect((args as { req: { name: string } }).req.name).toBe("main-store");
        return answer();
      }
      if (cmd === "catalog_import_preview") {
        previewed.push((args as { req: { text: string } }).req.text);
        return { ...preview, rows: 1, products_new: 1, variants: 1 };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    component = mount(CatalogImport, { target: document.body, props: { onclose: () => {}, ondone: () => {} } });
    for (let i = 0; i < 3; i++) await settle();
    flushSync();
    const button = document.querySelector<HTMLButtonElement>('button[data-store="main-store"]')!;
    expect(button.textContent).toContain("Read the products of main-store");
    button.click();
    for (let i = 0; i < 5; i++) await settle();
    flushSync();
    expect(previewed).toEqual(["Handle,Title\nsage-tee,Sage Tee\n"]);
    expect(document.querySelector("#import-summary")?.textContent).toContain("1 new");
    expect(document.querySelector("#import-confirm")?.textContent).toContain("Import 1 variants");

    answer = () => {
      throw { code: "conflict", message: "main-store: Shopify's export ended FAILED (INTERNAL_SERVER_ERROR)" };
    };
    button.click();
    for (let i = 0; i < 5; i++) await settle();
    flushSync();
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("export ended FAILED");
    expect(previewed.length).toBe(1);
  });
});
