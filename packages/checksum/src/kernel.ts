import { engine, selectEngine } from './internal/engine.js';

/**
 * Implementation of SQLite's checksum loop: the hand-written WebAssembly kernel or plain TypeScript.
 *
 * @public
 */
export type ChecksumKernel = 'wasm' | 'ts';

/**
 * The checksum implementation in use by every function of this package.
 *
 * @returns 'wasm' unless WebAssembly could not load or {@link setChecksumKernel} chose 'ts'
 * @public
 */
export function getChecksumKernel(): ChecksumKernel {
  return engine().kind;
}

/**
 * Chooses the checksum implementation for the whole process.
 *
 * @remarks Both give identical results. 'wasm' (the default) is a hand-written SIMD kernel,
 * faster than SQLite's C loop (gcc -O2) even counting the copy into its memory; 'ts' is SQLite's
 * loop in TypeScript, about half of C's speed on little-endian words and on par with it on
 * big-endian ones, and needs no WebAssembly: where WebAssembly is missing (`node --jitless`) the
 * package falls back to it by itself. Meant for tests, benchmarks and such runtimes.
 * @param kernel - the implementation to use from now on
 * @throws {@link ChecksumError} `ERR_CHECKSUM_WASM_UNAVAILABLE` when 'wasm' cannot load here
 * @public
 */
export function setChecksumKernel(kernel: ChecksumKernel): void {
  if (kernel !== 'wasm' && kernel !== 'ts') throw new TypeError(`kernel must be 'wasm' or 'ts', got ${String(kernel)}`);
  selectEngine(kernel);
}
