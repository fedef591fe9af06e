import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every entry of `dir` with its size, modification time and SHA-256: equal before and after a
 * command shows that it created, changed and touched nothing there.
 */
export async function directoryState(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const s = await stat(path);
    const digest = s.isFile() ? createHash('sha256').update(await readFile(path)).digest('hex') : 'dir';
    result[name] = `${s.size}:${s.mtimeMs}:${digest}`;
  }
  return result;
}
