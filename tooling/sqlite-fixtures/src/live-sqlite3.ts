import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { Sqlite3ProcessError } from './errors.js';
import { BASE_ARGS, dbArgument, killProcessGroup, spawnSqlite3 } from './internal/exec-sqlite3.js';
import { script } from './internal/sql-script.js';
import { requireSqlite3 } from './sqlite3-path.js';

/**
 * Options of {@link LiveSqlite3.open}.
 * @public
 */
export interface LiveSqlite3Options {
  /**
   * Run `.dbconfig no_ckpt_on_close on` first, so that closing the session never checkpoints or
   * deletes the WAL of the database it shares with the test.
   * @defaultValue true
   */
  readonly keepWal?: boolean;
  /**
   * Time limit of each {@link LiveSqlite3.query} and of {@link LiveSqlite3.close}, in
   * milliseconds; past it the process is killed.
   * @defaultValue 10000
   */
  readonly timeoutMs?: number;
  /**
   * Extra CLI options placed before the database argument.
   * @defaultValue []
   */
  readonly args?: readonly string[];
}

interface Pending {
  readonly marker: string;
  readonly resolve: (output: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Exit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A long-running sqlite3 CLI process fed through its stdin (recipe G): a second SQLite connection
 * that a test drives step by step, e.g. to pin a read snapshot while litewal checkpoints.
 *
 * @remarks
 * The process runs with `-batch -bail -init /dev/null`: the first failing statement ends it, and
 * every pending or later call rejects with its stderr. Always {@link LiveSqlite3.close} or
 * {@link LiveSqlite3.kill} it (in `finally` or `afterEach`): it holds locks on the database.
 * @public
 */
export class LiveSqlite3 {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #command: string;
  readonly #timeoutMs: number;
  readonly #pending: Pending[] = [];
  readonly #exited: Promise<Exit>;
  #exit: Exit | undefined;
  #stdout = '';
  #stderr = '';
  #timedOut = false;
  #sequence = 0;

  private constructor(child: ChildProcessWithoutNullStreams, command: string, timeoutMs: number) {
    this.#child = child;
    this.#command = command;
    this.#timeoutMs = timeoutMs;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      this.#settleMarkers();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
    child.stdin.on('error', () => undefined); // EPIPE once the process is gone: reported on exit.
    this.#exited = new Promise<Exit>((resolve) => {
      const settle = (exit: Exit): void => {
        if (this.#exit !== undefined) return;
        this.#exit = exit;
        for (const pending of this.#pending.splice(0)) {
          clearTimeout(pending.timer);
          pending.reject(this.#error());
        }
        resolve(exit);
      };
      child.on('error', (error) => {
        // Only a failure to spawn ends the session here; a failed kill() changes nothing.
        if (child.pid !== undefined) return;
        this.#stderr += error.message;
        settle({ exitCode: null, signal: null });
      });
      child.on('close', (exitCode, signal) => settle({ exitCode, signal }));
    });
  }

  /**
   * Starts a sqlite3 process on `dbPath` (a path or a `file:` URI) and waits until it answers.
   *
   * @throws {@link Sqlite3NotFoundError} when the CLI is not installed;
   * {@link Sqlite3ProcessError} when it does not start or answer.
   */
  static async open(dbPath: string, options: LiveSqlite3Options = {}): Promise<LiveSqlite3> {
    const binary = await requireSqlite3();
    const args = [...(options.args ?? []), dbArgument(dbPath)];
    const child = spawnSqlite3(binary, args);
    const live = new LiveSqlite3(child, `${binary} ${[...BASE_ARGS, ...args].join(' ')}`, options.timeoutMs ?? 10_000);
    try {
      await live.query(options.keepWal === false ? '' : '.dbconfig no_ckpt_on_close on');
    } catch (error) {
      await live.kill();
      throw error;
    }
    return live;
  }

  /** The process id of the sqlite3 process. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.#exit === undefined;
  }

  /**
   * Writes SQL or dot-commands to the process without waiting for them to run. Anything they
   * print is returned by the next {@link LiveSqlite3.query}.
   *
   * @throws {@link Sqlite3ProcessError} when the process has exited.
   */
  send(sql: string): void {
    if (this.#exit !== undefined) throw this.#error();
    this.#child.stdin.write(script([sql]));
  }

  /**
   * Runs SQL or dot-commands and resolves with what they printed (list mode, one row per line),
   * once the CLI has printed an end marker after them.
   *
   * @throws {@link Sqlite3ProcessError} when a statement fails (the process then exits), the
   * process has exited, or the time limit passes (the process is then killed).
   */
  async query(sql: string): Promise<string> {
    if (this.#exit !== undefined) throw this.#error();
    const marker = `@@litewal-live-${++this.#sequence}-${randomUUID()}@@`;
    const output = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#timedOut = true;
        killProcessGroup(this.#child);
      }, this.#timeoutMs);
      this.#pending.push({ marker, resolve, reject, timer });
    });
    this.#child.stdin.write(`${sql === '' ? '' : script([sql])}.print ${marker}\n`);
    return output;
  }

  /**
   * Ends the session normally: closes stdin, so the CLI closes its connection (an open
   * transaction rolls back) and exits; waits for the exit.
   *
   * @throws {@link Sqlite3ProcessError} when the process exits with an error, or does not exit in
   * time (it is then killed). Closing an exited session does nothing.
   */
  async close(): Promise<void> {
    if (this.#exit !== undefined) return;
    this.#child.stdin.end();
    const timer = setTimeout(() => {
      this.#timedOut = true;
      killProcessGroup(this.#child);
    }, this.#timeoutMs);
    const exit = await this.#exited;
    clearTimeout(timer);
    if (exit.exitCode !== 0) throw this.#error();
  }

  /** Kills the process with SIGKILL, like a crash, and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.#exit === undefined) killProcessGroup(this.#child);
    await this.#exited;
  }

  #settleMarkers(): void {
    for (;;) {
      const head = this.#pending[0];
      if (head === undefined) return;
      const at = this.#stdout.indexOf(`${head.marker}\n`);
      if (at < 0) return;
      this.#pending.shift();
      clearTimeout(head.timer);
      head.resolve(this.#stdout.slice(0, at));
      this.#stdout = this.#stdout.slice(at + head.marker.length + 1);
    }
  }

  #error(): Sqlite3ProcessError {
    const exit = this.#exit ?? { exitCode: null, signal: null };
    return new Sqlite3ProcessError(this.#command, exit.exitCode, exit.signal, this.#stderr, this.#stdout, this.#timedOut);
  }
}
