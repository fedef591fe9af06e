import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How long a child may take to print an expected line. */
const LINE_TIMEOUT_MS = 20_000;

/**
 * A Node child process running one of the scripts of `test/support` (which import the built
 * package), driven line by line through stdin and stdout.
 */
export class Child {
  readonly #process: ChildProcessWithoutNullStreams;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stdout = '';
  #stderr = '';
  #lines: string[] = [];
  #wake: (() => void) | undefined;

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#process = child;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
      const parts = this.#stdout.split('\n');
      this.#stdout = parts.pop() ?? '';
      this.#lines.push(...parts);
      this.#wake?.();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
    child.stdin.on('error', () => undefined); // EPIPE after the child died: the tests look at the exit.
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolve({ code, signal });
        this.#wake?.();
      });
    });
  }

  /** Starts `node test/support/<script> ...args`. */
  static start(script: string, ...args: string[]): Child {
    const path = fileURLToPath(new URL(script, import.meta.url));
    return new Child(spawn(process.execPath, [path, ...args], { cwd: fileURLToPath(new URL('.', import.meta.url)) }));
  }

  /** The child's process id. */
  get pid(): number {
    const { pid } = this.#process;
    if (pid === undefined) throw new Error(`the child did not start: ${this.#stderr}`);
    return pid;
  }

  /** Waits until the child prints `line`; rejects, with its stderr, if it exits or takes too long. */
  async expectLine(line: string): Promise<void> {
    const deadline = Date.now() + LINE_TIMEOUT_MS;
    let exited = false;
    void this.#exited.then(() => (exited = true));
    for (;;) {
      const at = this.#lines.indexOf(line);
      if (at >= 0) {
        this.#lines.splice(0, at + 1);
        return;
      }
      if (exited || Date.now() > deadline) {
        throw new Error(
          `child never printed ${JSON.stringify(line)}; stdout lines ${JSON.stringify(this.#lines)}; stderr: ${this.#stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Writes `line` to the child's stdin. */
  send(line: string): void {
    this.#process.stdin.write(`${line}\n`);
  }

  /** Closes the child's stdin (the scripts exit then) and waits for its exit. */
  async finish(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.#process.stdin.end();
    return this.#exited;
  }

  /** Sends `signal` and waits for the exit (Node reaps the child: its pid is gone afterwards). */
  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.#process.kill(signal);
    return this.#exited;
  }

  /** Kills the child with SIGKILL unless it has exited already, and waits for the exit (for `finally`). */
  async stop(): Promise<void> {
    if (this.#process.exitCode === null && this.#process.signalCode === null) this.#process.kill('SIGKILL');
    await this.#exited;
  }
}
