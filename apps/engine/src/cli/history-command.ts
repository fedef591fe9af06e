import { EngineError } from '../errors.js';
import { walHistory, type WalFrameRun, type WalHistory } from '../history/wal-history.js';
import { parseArgs } from './args.js';
import { printJson, type CliIo } from './output.js';

/** Usage line of `litewal history`. */
export const HISTORY_USAGE = 'litewal history <db | db-wal> [--json]';

/**
 * `litewal history`: every commit of the WAL's valid prefix, then the frames SQLite ignores
 * (older generations, frames past a break). Never writes.
 */
export async function historyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], []);
  const [path, extra] = args.positionals;
  if (path === undefined || extra !== undefined) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${HISTORY_USAGE}`);
  const history = await walHistory(path);
  if (args.flags.has('json')) printJson(io, history);
  else printHistory(io, history);
  return 0;
}

function pageList(pages: readonly number[]): string {
  return pages.length <= 12 ? pages.join(' ') : `${pages.slice(0, 12).join(' ')} ... (${pages.length} pages)`;
}

function frames(first: number, last: number): string {
  return first === last ? `frame ${first}` : `frames ${first}..${last}`;
}

function printRun(io: CliIo, run: WalFrameRun, label: string): void {
  const commits = run.commitFrames.map((c) => `${c.frame} (${c.dbSizePages} pages)`).join(', ');
  const sequence = run.checkpointSequence === null ? '' : `, checkpoint sequence ${run.checkpointSequence}`;
  const where = `${frames(run.firstFrame, run.lastFrame)}: ${label}, salts ${run.salt1} ${run.salt2}${sequence}`;
  io.stdout.write(`  ${where}; pages ${pageList(run.pages)}; commit frames ${commits === '' ? 'none' : commits}\n`);
}

function printHistory(io: CliIo, h: WalHistory): void {
  const w = h.wal;
  const header = w.headerValid
    ? `page size ${w.pageSize}, checkpoint sequence ${w.checkpointSequence}, salts ${w.salt1} ${w.salt2}`
    : 'INVALID header: SQLite ignores this whole WAL';
  io.stdout.write(`${w.path} (${w.bytes} bytes): ${header}\n`);
  io.stdout.write(`commits in the valid prefix: ${h.commits.length}\n`);
  for (const c of h.commits) {
    io.stdout.write(`  commit ${c.commit}: ${frames(c.firstFrame, c.lastFrame)}, database ${c.dbSizePages} pages; pages changed ${pageList(c.pages)}\n`);
  }
  if (h.uncommitted !== null) {
    io.stdout.write(`uncommitted: ${frames(h.uncommitted.firstFrame, h.uncommitted.lastFrame)}; pages ${pageList(h.uncommitted.pages)}\n`);
  }
  io.stdout.write(h.break === null ? 'break: none, the valid prefix runs to the end of the file\n' : `break: frame ${h.break.frame}, ${h.break.reason}\n`);
  io.stdout.write(`older generations left in the file: ${h.stale.length === 0 ? 'none' : ''}\n`);
  for (const run of h.stale) printRun(io, run, 'stale salts');
  io.stdout.write(`beyond the break: ${h.beyondBreak.length === 0 ? 'nothing' : ''}\n`);
  for (const run of h.beyondBreak) printRun(io, run, run.salt1 === 0 && run.salt2 === 0 ? 'zeroed salts' : 'current salts, unreachable');
  if (h.trailingBytes > 0) io.stdout.write(`torn: ${h.trailingBytes} bytes of a partial frame at the end\n`);
}
