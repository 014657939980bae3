// The one module that talks to Rust. Screens call `call(command, request)`; command names and
// types come from ipc-types.ts, generated from the Rust command table.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Commands, ErrorBody, ErrorCode, Events } from "./ipc-types";

export type * from "./ipc-types";

/** A failed call, with the stable code the UI switches on (a union generated from Rust, so a
 *  `switch (err.code)` on a code that does not exist fails the type check). */
export class IpcError extends Error {
  readonly code: ErrorCode;
  constructor(body: ErrorBody) {
    super(body.message);
    this.code = body.code;
  }
}

/** Any failure as an IpcError: a `{code, message}` from Rust as it is, anything else as `internal`. */
export function asIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (typeof e === "object" && e !== null && "code" in e && "message" in e) {
    return new IpcError({ code: e.code as ErrorCode, message: String(e.message) });
  }
  return new IpcError({ code: "internal", message: String(e) });
}

export async function call<K extends keyof Commands>(
  command: K,
  req: Commands[K]["req"],
): Promise<Commands[K]["res"]> {
  try {
    return await invoke<Commands[K]["res"]>(command, { req });
  } catch (e) {
    throw asIpcError(e);
  }
}

/** Listens to a catalog import's progress; returns the function that stops listening. */
export function onImportProgress(handler: (p: Events["import-progress"]) => void): () => void {
  const stop = listen<Events["import-progress"]>("import-progress", (e) => handler(e.payload));
  return () => void stop.then((s) => s());
}

/** Listens to the sync's progress and results; returns the function that stops listening. */
export function onSync(
  handler: (kind: "progress" | "finished", run: Events["sync-progress"]) => void,
): () => void {
  const stops = [
    listen<Events["sync-progress"]>("sync-progress", (e) => handler("progress", e.payload)),
    listen<Events["sync-finished"]>("sync-finished", (e) => handler("finished", e.payload)),
  ];
  return () => stops.forEach((s) => void s.then((stop) => stop()));
}
