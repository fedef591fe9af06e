import { exportSnapshot } from '../export/export-snapshot.js';
import { EngineError } from '../errors.js';
import { parseArgs } from './args.js';
import { printJson, printTable, type CliIo } from './output.js';
import { createProgress } from './progress.js';

/** Usage line of `litewal export`. */
export const EXPORT_USAGE = 'litewal export <db> --out <file> [--at-commit N] [--force] [--json]';

function parseCommit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new EngineError('ERR_ENGINE_USAGE', `--at-commit takes a commit number (1, 2, ...), got "${value}"`);
  return Number(value);
}

/** `litewal export`: writes the database at a commit as one self-contained file. Never writes the source. */
export async function exportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json', 'force'], ['out', 'at-commit']);
  const [db, extra] = args.positionals;
  const out = args.values.get('out');
  if (db === undefined || extra !== undefined || out === undefined) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${EXPORT_USAGE}`);
  const atCommit = parseCommit(args.values.get('at-commit'));
  const json = args.flags.has('json');
  const progress = createProgress(io, 'export', !json);
  let report;
  try {
    report = await exportSnapshot(db, out, {
      ...(atCommit === undefined ? {} : { atCommit }),
      overwrite: args.flags.has('force'),
      onProgress: (done, total) => progress.update(done, total),
    });
  } finally {
    progress.done();
  }
  if (json) {
    printJson(io, report);
  } else {
    printTable(io, [
      ['wrote', `${report.out} (${report.bytes} bytes, ${report.pages} pages of ${report.pageSize})`],
      ['commit', report.commit === 0 ? 'none (the database file alone)' : `${report.commit} of ${report.commits} (frame ${report.commitFrame})`],
      ['pages from WAL', report.walPages],
    ]);
  }
  return 0;
}
