import { describe, expect, it } from 'vitest';
import {
  MAX_PAGE_NUMBER,
  RECOVER_LOCK_OFFSET,
  REGISTRY_COPY_BYTES,
  REGISTRY_FILE_BYTES,
  REGISTRY_HEADER_BYTES,
  REGISTRY_LOCK_OFFSET,
  REGISTRY_MAGIC,
  REGISTRY_MAX_RECORDS,
  REGISTRY_RECORD_BYTES,
  REGISTRY_SUFFIX,
  REGISTRY_VERSION,
  XXH3_128_BYTES,
} from '../src/index.js';

describe('format constants', () => {
  it('equal their documented values', () => {
    expect(RECOVER_LOCK_OFFSET).toBe(120 + 2); // SQLite's WAL_RECOVER_LOCK on the -shm
    expect(MAX_PAGE_NUMBER).toBe(4294967294);
    expect(XXH3_128_BYTES).toBe(16);
    expect(REGISTRY_SUFFIX).toBe('-litewal-locks');
    expect(new TextDecoder().decode(new Uint8Array(new Uint32Array([REGISTRY_MAGIC]).buffer))).toBe('LWLK');
    expect(REGISTRY_VERSION).toBe(1);
    expect(REGISTRY_COPY_BYTES).toBe(REGISTRY_HEADER_BYTES + REGISTRY_MAX_RECORDS * REGISTRY_RECORD_BYTES);
    expect(REGISTRY_FILE_BYTES).toBe(2 * REGISTRY_COPY_BYTES);
    expect(REGISTRY_LOCK_OFFSET).toBe(REGISTRY_FILE_BYTES);
  });
});
