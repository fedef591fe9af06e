import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

import { requireSqlite3 } from '../sqlite3-path.js';

/**
 * Arguments every sqlite3 process gets: no prompts, stop at the first error, and never read the
 * developer's `~/.sqliterc` (it could change output modes or settings and break determinism).
 */
export const BASE_ARGS: readonly string[] = ['-batch', '-bail', '-init', '/dev/null'];

/** What a finished sqlite3 process left behind. */
export interface ExecResult {
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
}

/**
 * Spawns sqlite3 in its own process group (`detached`), so that {@link killProcessGroup} also
 * ends the children of `.shell` commands, which would otherwise hold the pipes open.
 */
export function spawnSqlite3(binary: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(binary, [...BASE_ARGS, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

/** SIGKILLs a process spawned by {@link spawnSqlite3} and everything in its process group. */
export function killProcessGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** A database argument the CLI cannot mistake for an option. */
export function dbArgument(dbPath: string): string {
  return dbPath.startsWith('-') ? `./${dbPath}` : dbPath;
}

/**
 * Runs `sqlite3 BASE_ARGS... args...` with `input` on stdin and resolves when it ends, whatever
 * the outcome: the caller decides what counts as failure. Rejects only when it cannot start.
 */
export async function execSqlite3(args: readonly string[], input: string, timeoutMs: number): Promise<ExecResult> {
  const binary = await requireSqlite3();
  const command = `${binary} ${args.join(' ')}`;
  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawnSqlite3(binary, args);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killProcessGroup(child);
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // With -bail the CLI may exit before reading all of its input: EPIPE here is expected.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ command, stdout, stderr, exitCode, signal, timedOut });
    });
    child.stdin.end(input);
  });
}
