/**
 * Names of the erasure codes a sidecar can use.
 *
 * @remarks `'reed-solomon'` (record codec id 1) is a systematic Cauchy Reed–Solomon code over
 * GF(2^8): MDS, so R repair symbols always rebuild up to R lost pages. `'raptorq'` (codec id 2) is
 * RFC 6330 RaptorQ: not MDS, so with exactly R losses a few decodes in a thousand fail.
 * @public
 */
export type CodecName = 'reed-solomon' | 'raptorq';

/**
 * What {@link ErasureCodec.encode} returns.
 * @public
 */
export interface RepairSymbols {
  /** The R repair symbols, each as long as a source symbol. */
  readonly symbols: readonly Uint8Array[];
  /**
   * A codec-specific number stored in the record and given back to {@link ErasureCodec.decode}:
   * RaptorQ's internal index of the first repair symbol (K′, see the package notes); 0 for Reed–Solomon.
   */
  readonly parameter: number;
}

/**
 * An erasure code over equal-sized symbols, one symbol per WAL page.
 *
 * @remarks Systematic: the K source symbols are the pages themselves, so only the R repair symbols
 * are stored. Implementations: {@link createReedSolomonCodec}, {@link createRaptorQCodec}.
 * @public
 */
export interface ErasureCodec {
  /** The code's name. */
  readonly name: CodecName;
  /** The id stored in a group record (1 Reed–Solomon, 2 RaptorQ). */
  readonly id: number;
  /**
   * Largest number of source symbols one protection group may have with `repairSymbols` repair
   * symbols; a larger commit group is split into several protection groups.
   *
   * @param repairSymbols - R, 1..255
   */
  maxSourceSymbols(repairSymbols: number): number;
  /**
   * Computes `repairSymbols` repair symbols for `sources`.
   *
   * @param sources - K symbols of one length, a multiple of 8
   * @param repairSymbols - R, 1..255
   * @throws RangeError when K, R or the symbol lengths are outside the codec's limits
   */
  encode(sources: readonly Uint8Array[], repairSymbols: number): RepairSymbols;
  /**
   * Rebuilds every source symbol from the ones that survived and the repair symbols that are intact.
   *
   * @param sources - K entries: the symbol, or `null` when it is lost
   * @param repairs - R entries: the repair symbol, or `null` when it is lost or damaged
   * @param symbolBytes - the symbol length
   * @param parameter - {@link RepairSymbols.parameter} from the encode
   * @returns the K source symbols, or `null` when this set of survivors cannot be decoded.
   * The caller must still verify every rebuilt symbol against its hash.
   */
  decode(
    sources: readonly (Uint8Array | null)[],
    repairs: readonly (Uint8Array | null)[],
    symbolBytes: number,
    parameter: number,
  ): Uint8Array[] | null;
}
