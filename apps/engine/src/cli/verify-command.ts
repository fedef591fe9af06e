import type { IntegrityLevel } from '@litewal/integrity';
import { EngineError } from '../errors.js';
import { verifyDatabase, type VerifyReport } from '../verify/verify-database.js';
import { parseArgs } from './args.js';
import { printJson, type CliIo } from './output.js';
import { createProgress } from './progress.js';

/** Usage line of `litewal verify`. */
export const VERIFY_USAGE = 'litewal verify <db> [--level 1..5] [--json]';

/** Issues printed in the human summary; `--json` lists them all. */
const MAX_PRINTED_ISSUES = 50;

/** `litewal verify`: the WAL pair check and integrity checks of a database (read-only); exit 0 ok, 1 issues found, a foreign WAL or a damaged log. */
export async function verifyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], ['level']);
  const [db, extra] = args.positionals;
  if (db === undefined || extra !== undefined) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${VERIFY_USAGE}`);
  const json = args.flags.has('json');
  const level = parseLevel(args.values.get('level'));
  const progress = createProgress(io, `verify (level ${level})`, !json);
  const report = await verifyDatabase(db, { level, onProgress: (done, total) => progress.update(done, total) }).finally(() => progress.done());
  if (json) printJson(io, report);
  else printSummary(io, db, report);
  return report.ok ? 0 : 1;
}

function parseLevel(value: string | undefined): IntegrityLevel {
  if (value === undefined) return 5;
  if (!/^[1-5]$/.test(value)) throw new EngineError('ERR_ENGINE_USAGE', `--level must be 1, 2, 3, 4 or 5, got ${JSON.stringify(value)}`);
  return Number(value) as IntegrityLevel;
}

function printSummary(io: CliIo, db: string, report: VerifyReport): void {
  const errors = report.issues.filter((i) => i.severity === 'error').length;
  const warnings = report.issues.length - errors;
  const verdict = errors === 0 ? 'ok' : `${errors} error${errors === 1 ? '' : 's'}`;
  io.stdout.write(`${db}: ${verdict} (${report.pages} pages, levels 1-${report.level}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`);
  for (const issue of report.issues.slice(0, MAX_PRINTED_ISSUES)) {
    io.stdout.write(`  level ${issue.level}  page ${issue.page}  ${issue.severity === 'warning' ? 'warning ' : ''}${issue.code}: ${issue.message}\n`);
  }
  if (report.issues.length > MAX_PRINTED_ISSUES) io.stdout.write(`  ... ${report.issues.length - MAX_PRINTED_ISSUES} more (use --json for all)\n`);
  const { wal } = report;
  io.stdout.write(`wal: ${wal.pairing}${wal.lostCommitsBeyondBreak > 0 ? `, ${wal.lostCommitsBeyondBreak} committed transactions beyond a break that SQLite drops` : ''}\n`);
  for (const reason of wal.reasons.filter((r) => r.verdict !== 'info')) io.stdout.write(`  ${reason.code}: ${reason.message} (${reason.action})\n`);
  for (const brk of wal.breaks) io.stdout.write(`  frame ${brk.frame}  ${brk.code}${brk.normal ? ' (normal)' : ''}: ${brk.message}${brk.normal ? '' : ` (${brk.action})`}\n`);
}
