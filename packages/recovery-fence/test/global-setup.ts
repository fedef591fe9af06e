import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Builds this package and the packages it depends on (`tsc -b`, incremental: nothing to do when
 * `dist/` is current), because the cross-process tests run child Node processes, which import `dist/`.
 */
export default async function setup(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-b', fileURLToPath(new URL('..', import.meta.url))]);
}
