import { checkWalPairing, type WalPairing } from '../doctor/pair-check.js';
import { EngineError } from '../errors.js';
import { parseArgs } from './args.js';
import { printJson, printTable, type CliIo } from './output.js';
import { createProgress } from './progress.js';

/** Usage line of `litewal pair-check`. */
export const PAIR_CHECK_USAGE = 'litewal pair-check <db> [--json]';

/**
 * `litewal pair-check`: does the WAL belong to the database beside it, and where does its log
 * break? Exit 0 when the pairing is ok and every break is normal, 1 otherwise. Never writes.
 */
export async function pairCheckCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], []);
  const [db, extra] = args.positionals;
  if (db === undefined || extra !== undefined) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${PAIR_CHECK_USAGE}`);
  const json = args.flags.has('json');
  const progress = createProgress(io, 'pair-check', !json);
  let report: WalPairing;
  try {
    report = await checkWalPairing(db, { onProgress: (done, total) => progress.update(done, total) });
  } finally {
    progress.done();
  }
  if (json) printJson(io, report);
  else printSummary(io, report);
  return report.pairing === 'ok' && report.breaks.every((b) => b.normal) ? 0 : 1;
}

function printSummary(io: CliIo, r: WalPairing): void {
  const w = r.wal;
  printTable(io, [
    ['pairing', r.pairing],
    ['database', r.db === null ? 'missing' : `${r.db.path} (${r.db.bytes} bytes, change counter ${r.db.changeCounter ?? '-'})`],
    ['WAL', w === null ? 'none' : `${w.path} (${w.bytes} bytes, ${w.committedFrames} committed frames in ${w.commits} commits)`],
    ['lost commits', r.lostCommitsBeyondBreak],
  ]);
  for (const reason of r.reasons) io.stdout.write(`${reason.verdict} ${reason.code}: ${reason.message}\n  -> ${reason.action}\n`);
  for (const b of r.breaks) io.stdout.write(`${b.normal ? 'normal' : 'DAMAGE'} ${b.code} at frame ${b.frame}: ${b.message}\n  -> ${b.action}\n`);
}
