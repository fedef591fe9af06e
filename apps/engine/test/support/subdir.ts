import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

let cases = 0;

/**
 * Creates a new directory under `parent` and returns its path: `name`, or `case-<n>` numbered
 * within this test file, so each case gets its own database files.
 */
export async function subdir(parent: string, name = `case-${++cases}`): Promise<string> {
  const path = join(parent, name);
  await mkdir(path);
  return path;
}
