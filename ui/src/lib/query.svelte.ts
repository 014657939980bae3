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
 * A screen's actions on any command, for screens with many small ones (the till, the bench):
 * `send` answers or throws the IpcError (for callers that switch on its code), `run` answers or
 * keeps the error in `error` for the screen to show. `pending` counts what is under way, so a
 * screen can say it is working and a second press of the same key waits its turn.
 */
export function actions() {
  let error = $state<IpcError | null>(null);
  // The count is plain (screens call `send` from effects, and an effect that read the state it
  // writes would rerun itself); only the yes/no is state, written and never read here.
  let underway = 0;
  let busy = $state(false);
  async function send<K extends keyof Commands>(command: K, req: Commands[K]["req"]): Promise<Commands[K]["res"]> {
    busy = ++underway > 0;
    try {
      return await call(command, req);
    } finally {
      busy = --underway > 0;
    }
  }
  return {
    get error() {
      return error;
    },
    get pending() {
      return busy;
    },
    reset() {
      error = null;
    },
    send,
    async run<K extends keyof Commands>(command: K, req: Commands[K]["req"]): Promise<Commands[K]["res"] | undefined> {
      error = null;
      try {
        return await send(command, req);
      } catch (e) {
        error = asIpcError(e);
        return undefined;
      }
    },
  };
}
