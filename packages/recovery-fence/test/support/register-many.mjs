// Child process: registers argv[3] shared locks on the database argv[2] (offsets argv[4] * 1000 + i),
// all at once, prints "registered", and exits when stdin ends, leaving the records behind.
import { createInterface } from 'node:readline';
import { NodeVfs } from '@litewal/vfs';
import { LockRegistry } from '../../dist/index.js';

const [db, count, tag] = process.argv.slice(2);
const registry = await LockRegistry.open(new NodeVfs(), db);
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) =>
    registry.register({ file: 'db', offset: Number(tag) * 1000 + i, length: 1, mode: 'shared' }),
  ),
);
console.log('registered');
for await (const line of createInterface({ input: process.stdin })) void line;
await registry.close();
