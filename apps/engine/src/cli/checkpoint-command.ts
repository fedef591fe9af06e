import { checkpointDatabase, type CheckpointMode } from '@litewal/checkpoint';
import { NodeVfs } from '@litewal/vfs';
import { EngineError } from '../errors.js';
import { requireDatabase } from '../recover/database-paths.js';
import { parseArgs } from './args.js';
import { printJson, printTable, type CliIo } from './output.js';
import { createProgress } from './progress.js';

/** Usage line of `litewal checkpoint`. */
export const CHECKPOINT_USAGE = 'litewal checkpoint <db> [--mode passive|full|restart|truncate] [--json]';

const MODES: readonly CheckpointMode[] = ['passive', 'full', 'restart', 'truncate'];

/**
 * `litewal checkpoint`: copies committed WAL frames into the database with SQLite's semantics and
 * prints SQLite's result triple. A busy result (a reader or writer kept it from completing) is
 * reported, not an error: exit 0, as `PRAGMA wal_checkpoint` returns normally.
 */
export async function checkpointCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], ['mode']);
  const [db, extra] = args.positionals;
  if (db === undefined || extra !== undefined) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${CHECKPOINT_USAGE}`);
  const mode = (args.values.get('mode') ?? 'passive') as CheckpointMode;
  if (!MODES.includes(mode)) {
    throw new EngineError('ERR_ENGINE_USAGE', `--mode ${mode} is not one of ${MODES.join(', ')}`);
  }
  await requireDatabase(db);
  const json = args.flags.has('json');
  const progress = createProgress(io, `checkpoint (${mode})`, !json);
  const result = await checkpointDatabase(new NodeVfs(), db, {
    mode,
    onProgress: (p) => progress.update(p.pagesWritten, p.pagesTotal),
  }).finally(() => progress.done());
  if (json) {
    printJson(io, { busy: result.busy, log: result.log, checkpointed: result.checkpointed, mode });
  } else {
    printTable(io, [
      ['mode', mode],
      ['result', `${result.busy}|${result.log}|${result.checkpointed} (busy|log|checkpointed, as PRAGMA wal_checkpoint)`],
      ['outcome', result.busy === 1 ? 'busy: a reader or writer kept it from completing' : 'completed'],
    ]);
  }
  return 0;
}
