import { stat } from 'node:fs/promises';

/** What is at `path`: a regular file, a directory, something else, or nothing. */
export async function kindOf(path: string): Promise<'file' | 'directory' | 'other' | 'missing'> {
  try {
    const s = await stat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}
