// Child process: takes the recovery fence of the database given as argv[2] (with the lock registry),
// prints "held", releases it on the line "release" (printing "released"), exits when stdin ends.
import { createInterface } from 'node:readline';
import { NodeVfs } from '@litewal/vfs';
import { LockRegistry, RecoveryFence } from '../../dist/index.js';

const db = process.argv[2];
const vfs = new NodeVfs();
const registry = await LockRegistry.open(vfs, db);
const fence = await RecoveryFence.open(vfs, db, { registry, label: 'child' });
const lease = await fence.acquire({ timeoutMs: 10_000 });
console.log('held');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'release') {
    await lease.release();
    console.log('released');
  }
}
await fence.close();
await registry.close();
