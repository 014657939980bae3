// Query and mutation hooks: how screens get data. Only the latest request's answer is kept, so
// fast typing in a search box never shows results for an older query.
import { asIpcError, call, type IpcError, type Commands } from "./ipc";

export function query<K extends keyof Commands>(command: K, request: () => Commands[K]["req"]) {
  let data = $state<Commands[K]["res"] | undefined>(undefined);
  let error = $state<IpcError | null>(null);
  let loading = $state(true);
  let seq = 0;
  let version = $state(0);

  $effect(() => {
    const req = request();
    void version;
    const mine = ++seq;
    loading = true;
    call(command, req)
      .then((res) => {
        if (mine === seq) {
          data = res;
          error = null;
        }
      })
      .catch((e: unknown) => {
        if (mine === seq) error = asIpcError(e);
      })
      .finally(() => {
        if (mine === seq) loading = false;
      });
  });

  return {
    get data() {
      return data;
    },
    get error() {
      return error;
    },
    get loading() {
      return loading;
    },
    refresh() {
      version++;
    },
  };
}

export function mutation<K extends keyof Commands>(command: K) {
  let error = $state<IpcError | null>(null);
  let pending = $state(false);
  return {
    get error() {
      return error;
    },
    get pending() {
      return pending;
    },
    reset() {
      error = null;
    },
    async run(req: Commands[K]["req"]): Promise<Commands[K]["res"] | undefined> {
      pending = true;
      error = null;
      try {
        return await call(command, req);
      } catch (e) {
        error = asIpcError(e);
        return undefined;
      } finally {
        pending = false;
      }
    },
  };
}

/**
 * A screen's actions on any command, for screens with many small ones in sequence (the till, the
 * bench, an order's actions): `send` answers, or throws the IpcError for the caller to switch on
 * its code. It keeps no state of its own — screens that show loading or a saved error for one
 * command use `query()` or `mutation()` — so a scan's answer is handled the moment it arrives.
 */
export function actions() {
  return {
    send<K extends keyof Commands>(command: K, req: Commands[K]["req"]): Promise<Commands[K]["res"]> {
      return call(command, req);
    },
  };
}
