import { createHashes, type Hashes } from './hashes.js';

let loading: Promise<Hashes> | undefined;

/**
 * One {@link Hashes} for the whole process, loaded on first use: every litewal package that hashes
 * uses it, instead of compiling its own WebAssembly instances with {@link createHashes}. The
 * functions run synchronously, so sharing them is safe. A failed load is forgotten, so the next
 * call tries again.
 * @public
 */
export function sharedHashes(): Promise<Hashes> {
  loading ??= createHashes().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
