import type { CliIo } from './output.js';

/** How long work runs before a progress bar appears, as the CLI rules ask (about a second). */
const SHOW_AFTER_MS = 1000;
const BAR_WIDTH = 30;

/**
 * A progress reporter for long work: draws a bar on stderr once the work has run for a second,
 * and only when stderr is a terminal and the output is not JSON. `done()` clears the line.
 */
export function createProgress(io: CliIo, label: string, enabled: boolean): { update(done: number, total: number): void; done(): void } {
  const tty = enabled && (io.stderr as { isTTY?: boolean }).isTTY === true;
  const started = performance.now();
  let drawn = false;
  return {
    update(done: number, total: number): void {
      if (!tty || total <= 0 || performance.now() - started < SHOW_AFTER_MS) return;
      const filled = Math.round((BAR_WIDTH * Math.min(done, total)) / total);
      io.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`);
      drawn = true;
    },
    done(): void {
      if (drawn) io.stderr.write('\r\x1b[2K');
    },
  };
}
