/**
 * Test support for litewal: Vfs wrappers the packages' tests share. {@link ForwardingFile} passes
 * every call to an inner file; a test overrides the calls it records, delays or fails.
 *
 * @example
 * ```ts
 * import { MemoryVfs } from '@litewal/vfs';
 * import { ForwardingFile } from '@litewal/vfs-fixtures';
 *
 * class CountingFile extends ForwardingFile {
 *   writes = 0;
 *   override write(data: Uint8Array, position: number): Promise<void> {
 *     this.writes++;
 *     return super.write(data, position);
 *   }
 * }
 * const file = new CountingFile(await new MemoryVfs().open('a.db', { create: true }));
 * ```
 * @packageDocumentation
 */
export { ForwardingFile } from './forwarding-file.js';
