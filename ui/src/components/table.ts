// The data table's column model and its two pure rules: which columns fit a width (collapse by
// priority, never clip) and the person's own column choice, remembered per table.
import type { Snippet } from "svelte";

export interface Column<T> {
  id: string;
  header: string;
  /** The cell as text; `cell` renders richer content (badges, buttons). */
  text?: (row: T) => string;
  cell?: Snippet<[T]>;
  /** Sorts in the page by this value; `serverSort` columns ask the caller instead. */
  sortValue?: (row: T) => string | number;
  serverSort?: boolean;
  /** 1 is always shown; larger numbers give way first when the table is narrow. */
  priority?: number;
  /** Room the column needs, in rem. */
  width?: number;
  num?: boolean;
  /** Class on each of the column's cells (journeys find cells by it). */
  class?: string;
}

/** The columns to show in `widthRem` of room: the person's hidden ones never, then the highest
 *  priority numbers dropped first until the rest fit. Priority-1 columns stay whatever the width. */
export function fitColumns<T>(columns: Column<T>[], hidden: string[], widthRem: number): Column<T>[] {
  let shown = columns.filter((c) => !hidden.includes(c.id) || (c.priority ?? 1) === 1);
  const need = (cs: Column<T>[]) => cs.reduce((sum, c) => sum + (c.width ?? 8), 0);
  while (need(shown) > widthRem) {
    const worst = shown.reduce<Column<T> | null>((w, c) => ((c.priority ?? 1) > (w?.priority ?? 1) ? c : w), null);
    if (!worst) break;
    shown = shown.filter((c) => c !== worst);
  }
  return shown;
}

const KEY = (table: string) => `shopdesk-columns:${table}`;

export function hiddenColumns(table: string, storage: Pick<Storage, "getItem"> = localStorage): string[] {
  try {
    const saved: unknown = JSON.parse(storage.getItem(KEY(table)) ?? "[]");
    return Array.isArray(saved) ? saved.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}

export function rememberHidden(table: string, hidden: string[], storage: Pick<Storage, "setItem"> = localStorage) {
  storage.setItem(KEY(table), JSON.stringify(hidden));
}
