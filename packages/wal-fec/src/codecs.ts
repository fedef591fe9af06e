import type { CodecName, ErasureCodec } from './codec.js';
import { createRaptorQCodec } from './raptorq.js';
import { createReedSolomonCodec } from './reed-solomon.js';

const CODECS: Readonly<Record<CodecName, ErasureCodec>> = {
  'reed-solomon': createReedSolomonCodec(),
  raptorq: createRaptorQCodec(),
};

/**
 * The built-in codec of a name.
 *
 * @param name - `'reed-solomon'` or `'raptorq'`
 * @returns the shared, stateless codec
 * @throws RangeError for another name
 * @public
 */
export function codecByName(name: CodecName): ErasureCodec {
  const codec = CODECS[name];
  if (codec === undefined) throw new RangeError(`codec must be 'reed-solomon' or 'raptorq', got ${String(name)}`);
  return codec;
}
