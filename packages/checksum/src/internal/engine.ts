import { ChecksumError } from '../errors.js';
import { TsEngine } from './ts-engine.js';
import { loadWasmEngine } from './wasm-engine.js';

/**
 * One implementation of SQLite's checksum loop. Data is first staged (copied into WebAssembly
 * memory, or just viewed in place), then summed at addresses inside the staged range.
 */
export interface ChecksumEngine {
  readonly kind: 'wasm' | 'ts';
  /** Most bytes one stage() call accepts; a multiple of 8, at least 256 KiB (3 frames of 64 KiB). */
  readonly maxStage: number;
  /** Makes bytes[start, end) readable by sum(); returns the bias: bytes[i] is at address bias + i. */
  stage(bytes: Uint8Array, start: number, end: number): number;
  /** Checksum of `length` staged bytes (a multiple of 8) at `address` from int32 (s1, s2) (never doubles:
   * they would deoptimise the TypeScript loop), into s1/s2 as int32. */
  sum(address: number, length: number, bigEndian: boolean, s1: number, s2: number): void;
  /** Drops any reference to the staged bytes (so that a caller's big buffer is not kept alive). */
  release(): void;
  s1: number;
  s2: number;
}

const tsEngine = new TsEngine();
let wasm: { engine: ChecksumEngine } | { error: unknown } | undefined;
let current: ChecksumEngine | undefined;

function tryWasm(): { engine: ChecksumEngine } | { error: unknown } {
  if (wasm === undefined) {
    try {
      wasm = { engine: loadWasmEngine() };
    } catch (error) {
      wasm = { error };
    }
  }
  return wasm;
}

/** The engine in use: WebAssembly when it loads, else the TypeScript loop. */
export function engine(): ChecksumEngine {
  if (current === undefined) {
    const loaded = tryWasm();
    current = 'engine' in loaded ? loaded.engine : tsEngine;
  }
  return current;
}

/** Switches engines; 'wasm' throws ERR_CHECKSUM_WASM_UNAVAILABLE when WebAssembly cannot load. */
export function selectEngine(kind: 'wasm' | 'ts'): void {
  if (kind === 'ts') {
    current = tsEngine;
    return;
  }
  const loaded = tryWasm();
  if ('error' in loaded) {
    throw new ChecksumError(
      'ERR_CHECKSUM_WASM_UNAVAILABLE',
      `the WebAssembly checksum kernel cannot load here: ${String(loaded.error)}`,
      { cause: loaded.error },
    );
  }
  current = loaded.engine;
}

/** Sums bytes[start, end) (a multiple of 8 long) from int32 (s1, s2), staging in chunks; result in e.s1/e.s2. */
export function sumRange(
  e: ChecksumEngine,
  bytes: Uint8Array,
  start: number,
  end: number,
  bigEndian: boolean,
  s1: number,
  s2: number,
): void {
  e.s1 = s1;
  e.s2 = s2;
  for (let at = start; at < end; at += e.maxStage) {
    const stop = Math.min(end, at + e.maxStage);
    const bias = e.stage(bytes, at, stop);
    e.sum(bias + at, stop - at, bigEndian, e.s1, e.s2);
  }
  e.release();
}
