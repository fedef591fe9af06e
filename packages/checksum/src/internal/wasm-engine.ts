import type { ChecksumEngine } from './engine.js';
import {
  WASM_DATA_BASE,
  WASM_KERNEL_BYTES,
  WASM_MAX_STAGE_BYTES,
  WASM_RESULT_ADDR,
} from './wasm-kernel-bytes.js';

/** The slice of the WebAssembly JS API used here (lib ES2022 and @types/node 20 do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

interface KernelMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** (p, n, s1, s2): checksum of n bytes at p from (s1, s2), stored at WASM_RESULT_ADDR. */
type Kernel = (p: number, n: number, s1: number, s2: number) => void;

interface KernelExports {
  readonly memory: KernelMemory;
  readonly le: Kernel;
  readonly be: Kernel;
}

const WASM_PAGE_BYTES = 65536;

/**
 * The hand-written kernel (scripts/gen-wasm-kernel.mjs), compiled and instantiated synchronously.
 * Input is copied into its memory once per stage() call; the memory grows on demand up to
 * WASM_DATA_BASE + WASM_MAX_STAGE_BYTES (the module's declared maximum).
 */
class WasmEngine implements ChecksumEngine {
  readonly kind = 'wasm';
  readonly maxStage = WASM_MAX_STAGE_BYTES;
  s1 = 0;
  s2 = 0;
  readonly #memory: KernelMemory;
  readonly #le: Kernel;
  readonly #be: Kernel;
  #bytes: Uint8Array;
  #result: Int32Array;

  constructor(exports: KernelExports) {
    this.#memory = exports.memory;
    this.#le = exports.le;
    this.#be = exports.be;
    this.#bytes = new Uint8Array(this.#memory.buffer);
    this.#result = new Int32Array(this.#memory.buffer, WASM_RESULT_ADDR, 2);
  }

  stage(bytes: Uint8Array, start: number, end: number): number {
    const needed = WASM_DATA_BASE + end - start;
    if (needed > this.#bytes.length) this.#grow(needed);
    this.#bytes.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), WASM_DATA_BASE);
    return WASM_DATA_BASE - start;
  }

  sum(address: number, length: number, bigEndian: boolean, s1: number, s2: number): void {
    if (bigEndian) this.#be(address, length, s1, s2);
    else this.#le(address, length, s1, s2);
    this.s1 = this.#result[0]!;
    this.s2 = this.#result[1]!;
  }

  release(): void {
    // The staged copy is overwritten by the next stage(); nothing refers to the caller's bytes.
  }

  #grow(bytes: number): void {
    this.#memory.grow(Math.ceil(bytes / WASM_PAGE_BYTES) - this.#bytes.length / WASM_PAGE_BYTES);
    this.#bytes = new Uint8Array(this.#memory.buffer);
    this.#result = new Int32Array(this.#memory.buffer, WASM_RESULT_ADDR, 2);
  }
}

/** Compiles and instantiates the kernel; throws where WebAssembly (with SIMD) is unavailable. */
export function loadWasmEngine(): ChecksumEngine {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) throw new Error('WebAssembly is not available in this runtime');
  const instance = new api.Instance(new api.Module(WASM_KERNEL_BYTES), {});
  return new WasmEngine(instance.exports as KernelExports);
}
