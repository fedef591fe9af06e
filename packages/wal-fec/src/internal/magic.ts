import { SIDECAR_MAGIC } from '../format.js';

/** {@link SIDECAR_MAGIC} as bytes. */
export const MAGIC_BYTES: Uint8Array = new TextEncoder().encode(SIDECAR_MAGIC);
