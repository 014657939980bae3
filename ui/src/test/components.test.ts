import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { fitColumns, hiddenColumns, rememberHidden, type Column } from "../components/table";
import ConfirmHarness from "./ConfirmHarness.svelte";

type Row = { name: string };
const col = (id: string, priority: number, width: number): Column<Row> => ({ id, header: id, priority, width });
const columns = [col("order", 1, 6), col("date", 2, 10), col("customer", 1, 10), col("channel", 4, 7), col("risk", 5, 4)];

describe("the data table's columns", () => {
  it("collapse by priority when the room is narrow, never dropping priority-1 columns", () => {
    expect(fitColumns(columns, [], 40).map((c) => c.id)).toEqual(["order", "date", "customer", "channel", "risk"]);
    expect(fitColumns(columns, [], 30).map((c) => c.id)).toEqual(["order", "date", "customer"]);
    expect(fitColumns(columns, [], 10).map((c) => c.id)).toEqual(["order", "customer"]);
  });

  it("leave out what the person hid, and remember it per table", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    rememberHidden("inbox", ["channel", "order"], storage);
    const hidden = hiddenColumns("inbox", storage);
    expect(hidden).toEqual(["channel", "order"]);
    // A priority-1 column cannot be hidden: the list would lose what it is a list of.
    expect(fitColumns(columns, hidden, 80).map((c) => c.id)).toEqual(["order", "date", "customer", "risk"]);
    expect(hiddenColumns("stock-levels", storage)).toEqual([]);
    store.set("shopdesk-columns:broken", "{not json");
    expect(hiddenColumns("broken", storage)).toEqual([]);
  });
});

describe("dialogs", () => {
  let component: ReturnType<typeof mount> | null = null;
  afterEach(() => {
    if (component) unmount(component);
    component = null;
    document.body.innerHTML = "";
  });

  it("ask before the irreversible step: a labelled dialog, Esc backs out, only confirm acts", async () => {
    const onconfirm = vi.fn();
    const oncancel = vi.fn();
    component = mount(ConfirmHarness, { target: document.body, props: { onconfirm, oncancel } });
    flushSync();
    await new Promise((r) => setTimeout(r, 0));
    const dialog = document.querySelector('[role="dialog"]');
    expect(dialog?.getAttribute("aria-labelledby")).toBeTruthy();
    expect(dialog?.querySelector("h2")?.textContent).toBe("Open a claim?");
    dialog?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    flushSync();
    expect(oncancel).toHaveBeenCalled();
    expect(onconfirm).not.toHaveBeenCalled();
    document.querySelector<HTMLButtonElement>("#confirm-yes")?.click();
    expect(onconfirm).toHaveBeenCalledTimes(1);
  });
});
