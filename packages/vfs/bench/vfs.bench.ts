import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { NodeVfs } from '../src/index.js';

// One 4 KiB page rewritten at offset 0 and made durable with fdatasync, as a WAL commit would.
// Throughput in bytes/s = ops/s x 4096. The gap between the two is NodeVfs' own overhead.
const PAGE = new Uint8Array(4096).fill(0x5a);
const dir = mkdtempSync(join(tmpdir(), 'litewal-vfs-bench-'));
const vfsFile = await new NodeVfs().open(join(dir, 'vfs.db'), { create: true });
const rawFile = await open(join(dir, 'raw.db'), 'w+');

afterAll(async () => {
  await vfsFile.close();
  await rawFile.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('write 4 KiB + fdatasync', () => {
  bench('NodeVfs write + sync(data)', async () => {
    await vfsFile.write(PAGE, 0);
    await vfsFile.sync('data');
  });

  bench('node:fs FileHandle write + datasync', async () => {
    await rawFile.write(PAGE, 0, PAGE.length, 0);
    await rawFile.datasync();
  });
});
