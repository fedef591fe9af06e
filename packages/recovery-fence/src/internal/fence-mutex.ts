/** The holder of a database's in-process fence. */
export interface MutexHolder {
  /** The label its fence was given. */
  readonly label: string | undefined;
  /** When it was granted (`Date.now()`). */
  readonly sinceMs: number;
}

interface Waiter {
  readonly label: string | undefined;
  readonly grant: () => void;
}

/** One database's fence in this process: its holder and a FIFO queue of waiters. */
interface MutexState {
  holder: MutexHolder | undefined;
  readonly waiters: Waiter[];
}

/** What {@link lockMutex} gives: the fence, or who kept it, or an abort. */
export type MutexResult =
  | { readonly kind: 'granted'; readonly release: () => void }
  | { readonly kind: 'busy'; readonly holder: MutexHolder }
  | { readonly kind: 'aborted'; readonly reason: unknown };

/**
 * The table lives on `globalThis` under a registered symbol, so that two copies of this package in
 * one process (a duplicated dependency) still share it. The `@1` names the shape of `MutexState`.
 */
const TABLE_KEY = Symbol.for('@litewal/recovery-fence/in-process-fences@1');

function table(): Map<string, MutexState> {
  const global = globalThis as { [TABLE_KEY]?: Map<string, MutexState> };
  global[TABLE_KEY] ??= new Map();
  return global[TABLE_KEY];
}

/**
 * Takes the in-process fence of `key`, waiting in FIFO order up to `timeoutMs` (0 = no wait).
 * The holder hands it straight to the first waiter on release, without polling.
 */
export function lockMutex(
  key: string,
  label: string | undefined,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<MutexResult> {
  if (signal?.aborted === true) return Promise.resolve({ kind: 'aborted', reason: signal.reason });
  const states = table();
  let state = states.get(key);
  if (state === undefined) {
    state = { holder: undefined, waiters: [] };
    states.set(key, state);
  }
  const current = state;
  if (current.holder === undefined) {
    current.holder = { label, sinceMs: Date.now() };
    return Promise.resolve({ kind: 'granted', release: releaser(key, current) });
  }
  if (timeoutMs === 0) return Promise.resolve({ kind: 'busy', holder: current.holder });
  return new Promise<MutexResult>((resolve) => {
    const leave = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const at = current.waiters.indexOf(waiter);
      if (at >= 0) current.waiters.splice(at, 1);
    };
    const waiter: Waiter = {
      label,
      grant: () => {
        leave();
        resolve({ kind: 'granted', release: releaser(key, current) });
      },
    };
    const onAbort = (): void => {
      leave();
      resolve({ kind: 'aborted', reason: signal?.reason });
    };
    const timer = setTimeout(() => {
      leave();
      // A queued waiter implies a holder: release hands the fence to the first waiter.
      resolve({ kind: 'busy', holder: current.holder as MutexHolder });
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    current.waiters.push(waiter);
  });
}

function releaser(key: string, state: MutexState): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = state.waiters.shift();
    if (next === undefined) {
      state.holder = undefined;
      table().delete(key);
      return;
    }
    state.holder = { label: next.label, sinceMs: Date.now() };
    next.grant();
  };
}
