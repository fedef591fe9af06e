import { EngineError } from '../errors.js';
import { recoverDatabase } from '../recover/recover-database.js';
import { parseArgs } from './args.js';
import { printJson, printTable, type CliIo } from './output.js';

/** Usage line of `litewal recover`. */
export const RECOVER_USAGE = 'litewal recover <db> [--json]';

/** `litewal recover`: rebuilds `<db>-shm` from the WAL as SQLite's recovery would. */
export async function recoverCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], []);
  const [db, extra] = args.positionals;
  if (db === undefined || extra !== undefined) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${RECOVER_USAGE}`);
  const report = await recoverDatabase(db);
  if (args.flags.has('json')) {
    printJson(io, report);
  } else {
    const r = report.recovered;
    printTable(io, [
      ['recovered', `${r.frames} valid frames, ${r.mxFrame} committed, database ${r.nPage} pages`],
      ['wal-index', `${report.shm.path} (${report.shm.bytes} bytes, ${r.segments} segments)`],
    ]);
  }
  return 0;
}
