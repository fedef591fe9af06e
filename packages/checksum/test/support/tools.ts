import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SQLITE3 = '/usr/bin/sqlite3';
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Fails loudly (never skips) when a tool the test relies on is missing. */
export function requireTool(path: string, hint: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
  return path;
}

export function gccPath(): string {
  let found = '';
  try {
    found = execFileSync('sh', ['-c', 'command -v gcc'], { encoding: 'utf8' }).trim();
  } catch {
    // reported below
  }
  return requireTool(found || '/usr/bin/gcc', 'install gcc (apt-get install -y gcc); this test compiles C references');
}

/** Runs the sqlite3 CLI on `db` with `script` on stdin; returns stdout. */
export function sqlite(db: string, script: string): string {
  requireTool(SQLITE3, 'install the sqlite3 CLI (apt-get install -y sqlite3); these tests need real SQLite');
  return execFileSync(SQLITE3, [db], { input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `litewal-checksum-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
