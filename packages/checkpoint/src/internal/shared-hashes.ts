import { createHashes, type Hashes } from '@litewal/checksum';

let loading: Promise<Hashes> | undefined;

/** One {@link Hashes} for the package, loaded on first use; a failed load is retried next time. */
export function sharedHashes(): Promise<Hashes> {
  loading ??= createHashes().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
