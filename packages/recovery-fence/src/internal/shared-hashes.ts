import { createHashes, type Hashes } from '@litewal/checksum';

let loading: Promise<Hashes> | undefined;

/**
 * One {@link Hashes} for the whole package, loaded on first use (each `createHashes` compiles new
 * WebAssembly instances). A failed load is forgotten, so the next call tries again.
 */
export function sharedHashes(): Promise<Hashes> {
  loading ??= createHashes().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
