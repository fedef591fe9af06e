// vitest bench: pnpm exec vitest bench --run --project @litewal/recovery-fence
// Throughput = ops/s x the bytes in each name. "read only" is the floor: the same reads without hashing.
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { createHashes } from '@litewal/checksum';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { MemoryVfs, NodeVfs, type VfsFile } from '@litewal/vfs';
import { verifyCheckpointedPrefix } from '../src/index.js';

const PAGE = 4096;
const PAGES = 1024;
const hashes = await createHashes();
const images = new Map(
  Array.from(
    { length: PAGES },
    (_, p) => [p + 1, Uint8Array.from({ length: PAGE }, (_, i) => (i * 31 + p * 17) & 0xff)] as const,
  ),
);
const digests = new Map([...images].map(([n, image]) => [n, hashes.xxh3_128(image)]));

async function fill(file: VfsFile): Promise<VfsFile> {
  for (const [n, image] of images) await file.write(image, (n - 1) * PAGE);
  await file.sync();
  return file;
}

const dir = await makeTempDir('litewal-verify-bench-');
const memory = await fill(await new MemoryVfs().open('db', { create: true }));
const disk = await fill(await new NodeVfs().open(join(dir, 'bench.db'), { create: true }));
afterAll(async () => {
  await disk.close();
  await removeTempDir(dir);
});

for (const [where, dbFile] of [
  ['MemoryVfs', memory],
  ['NodeVfs (page cache)', disk],
] as const) {
  describe(`verify ${PAGES} pages of ${PAGE} B = ${PAGES * PAGE} B, ${where}`, () => {
    bench('expected as digests', async () => {
      if (!(await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages: digests, hashes })).ok) throw new Error('mismatch');
    });
    bench('expected as page images', async () => {
      if (!(await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages: images, hashes })).ok) throw new Error('mismatch');
    });
    const buffer = new Uint8Array(64 * PAGE);
    bench('read only (64-page reads, no hashing)', async () => {
      for (let at = 0; at < PAGES * PAGE; at += buffer.length) await dbFile.read(buffer, at);
    });
  });
}
