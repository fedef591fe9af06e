import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Decoder, Encoder, initSync } from 'raptorq/raptorq.js';
import type { ErasureCodec, RepairSymbols } from './codec.js';
import { MAX_REPAIR_SYMBOLS } from './format.js';

/**
 * Most source symbols in one RaptorQ protection group (one source block, one sub-block).
 * @public
 */
export const MAX_RAPTORQ_SOURCE_SYMBOLS = 1024;

/**
 * Largest RaptorQ symbol, so the largest page size it protects: RFC 6330 symbols are at most
 * 65535 bytes and a multiple of the alignment (8), so 32768 is the largest SQLite page size;
 * 65536-byte pages need Reed–Solomon.
 * @public
 */
export const MAX_RAPTORQ_SYMBOL_BYTES = 65528;

/** Packet header of the npm build: `[u8 source block number][u24 BE encoding symbol id]`. */
const PACKET_HEADER_BYTES = 4;
/** Largest gap K′ − K for K ≤ 1024 in RFC 6330's table is far below this; more is a bad record. */
const MAX_PADDING_SYMBOLS = 64;

let loaded = false;
function load(): void {
  if (loaded) return;
  const require = createRequire(import.meta.url);
  initSync(readFileSync(require.resolve('raptorq/raptorq_bg.wasm')));
  loaded = true;
}

function checkShape(k: number, r: number, symbolBytes: number): void {
  if (!Number.isInteger(r) || r < 1 || r > MAX_REPAIR_SYMBOLS) {
    throw new RangeError(`repair symbols must be an integer from 1 to ${MAX_REPAIR_SYMBOLS}, got ${r}`);
  }
  if (k < 1 || k > MAX_RAPTORQ_SOURCE_SYMBOLS) {
    throw new RangeError(`RaptorQ needs 1 <= K <= ${MAX_RAPTORQ_SOURCE_SYMBOLS}, got ${k}`);
  }
  if (symbolBytes < 8 || symbolBytes % 8 !== 0 || symbolBytes > MAX_RAPTORQ_SYMBOL_BYTES) {
    throw new RangeError(
      `RaptorQ symbols must be a multiple of 8 from 8 to ${MAX_RAPTORQ_SYMBOL_BYTES} bytes, got ${symbolBytes} (use Reed–Solomon for 64 KiB pages)`,
    );
  }
}

function packet(esi: number, symbol: Uint8Array): Uint8Array {
  const p = new Uint8Array(PACKET_HEADER_BYTES + symbol.length);
  p[1] = (esi >>> 16) & 255;
  p[2] = (esi >>> 8) & 255;
  p[3] = esi & 255;
  p.set(symbol, PACKET_HEADER_BYTES);
  return p;
}

/**
 * RFC 6330 RaptorQ through the npm package `raptorq` (WebAssembly), one source block per group.
 *
 * @remarks The symbol size T is the page size (alignment 8) and the transfer length K·T, so the
 * object is a single source block without sub-blocks for K ≤ {@link MAX_RAPTORQ_SOURCE_SYMBOLS}.
 * The npm build numbers repair symbols from its internal K′ (the RFC's padded source count)
 * instead of K; the sidecar stores repair symbols in order (RFC ESI K + i) and keeps K′ as the
 * record's codec parameter to translate back at decode. RaptorQ is not MDS: with exactly R lost
 * pages and R repair symbols about 0.2–0.6 % of decodes fail (one extra symbol makes it ~0.002 %).
 * The WebAssembly module is loaded on the first call (about 3 ms) and every wasm object is freed.
 * @returns a codec backed by the npm `raptorq` package
 * @public
 */
export function createRaptorQCodec(): ErasureCodec {
  return Object.freeze({
    name: 'raptorq' as const,
    id: 2,
    maxSourceSymbols(): number {
      return MAX_RAPTORQ_SOURCE_SYMBOLS;
    },
    encode(sources: readonly Uint8Array[], repairSymbols: number): RepairSymbols {
      const k = sources.length;
      const t = k === 0 ? 0 : (sources[0] as Uint8Array).length;
      checkShape(k, repairSymbols, t);
      load();
      const data = new Uint8Array(k * t);
      sources.forEach((s, i) => {
        if (s.length !== t) throw new RangeError(`every symbol must be ${t} bytes, got ${s.length}`);
        data.set(s, i * t);
      });
      const encoder = Encoder.with_defaults(data, t);
      let packets: Uint8Array[];
      try {
        packets = encoder.encode(repairSymbols);
      } finally {
        encoder.free();
      }
      const repair = packets.slice(k);
      const first = repair[0];
      if (packets.length !== k + repairSymbols || first === undefined || first[0] !== 0) {
        throw new RangeError(`RaptorQ split K=${k} T=${t} into several blocks; expected one`);
      }
      const parameter = (first[1]! << 16) | (first[2]! << 8) | first[3]!;
      return { symbols: repair.map((p) => p.slice(PACKET_HEADER_BYTES)), parameter };
    },
    decode(
      sources: readonly (Uint8Array | null)[],
      repairs: readonly (Uint8Array | null)[],
      symbolBytes: number,
      parameter: number,
    ): Uint8Array[] | null {
      const k = sources.length;
      checkShape(k, repairs.length, symbolBytes);
      if (sources.every((s) => s !== null)) return sources.map((s) => s as Uint8Array);
      if (!Number.isInteger(parameter) || parameter < k || parameter > k + MAX_PADDING_SYMBOLS) return null;
      load();
      const decoder = Decoder.with_defaults(BigInt(k * symbolBytes), symbolBytes);
      let data: Uint8Array | undefined;
      try {
        const feed = (esi: number, s: Uint8Array | null): boolean => {
          if (s === null || data !== undefined) return data !== undefined;
          if (s.length !== symbolBytes) throw new RangeError(`every symbol must be ${symbolBytes} bytes, got ${s.length}`);
          data = decoder.decode(packet(esi, s));
          return data !== undefined;
        };
        sources.forEach((s, i) => feed(i, s));
        repairs.forEach((s, j) => feed(parameter + j, s));
      } finally {
        decoder.free();
      }
      if (data === undefined || data.length !== k * symbolBytes) return null;
      const whole = data;
      return Array.from({ length: k }, (_, i) => whole.slice(i * symbolBytes, (i + 1) * symbolBytes));
    },
  });
}
