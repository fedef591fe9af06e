import { Telemetry } from '@litewal/telemetry';
import { NodeVfs } from '@litewal/vfs';
import { MAX_REPAIR_SYMBOLS, protectWal, repairWal, scanWal, sidecarPath, WalFecError, type CodecName, type LostGroup } from '@litewal/wal-fec';
import { EngineError } from '../errors.js';
import { claimSoleUse } from '../internal/sole-use.js';
import { databaseWithWal, requireDatabase } from '../recover/database-paths.js';
import { parseArgs } from './args.js';
import { printJson, printTable, type CliIo } from './output.js';

/** Usage lines of `litewal fec`. */
export const FEC_USAGE = [
  'litewal fec protect <db> [--repair-symbols R] [--codec raptorq|rs] [--json]',
  'litewal fec scan <db> [--json]',
  'litewal fec repair <db> [--json]',
].join('\n  ');

const CODECS: Readonly<Record<string, CodecName>> = { raptorq: 'raptorq', rs: 'reed-solomon', 'reed-solomon': 'reed-solomon' };

function usage(): EngineError {
  return new EngineError('ERR_ENGINE_USAGE', `usage: ${FEC_USAGE}`);
}

/** Runs `work`, turning a damaged sidecar or WAL into an input error with a hint. */
async function fecInput<T>(db: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof WalFecError)) throw error;
    const hint =
      error.code === 'ERR_WAL_FEC_NOT_A_WAL'
        ? undefined
        : `${sidecarPath(db)} is damaged: move it away and run "litewal fec protect ${db}" to write a new one`;
    throw new EngineError('ERR_ENGINE_INPUT', error.message, hint);
  }
}

function describeLost(g: LostGroup): string {
  return `frames ${g.firstFrame}..${g.lastFrame}: damaged ${g.damagedFrames.join(', ')}, ${g.intactRepairSymbols} intact repair symbols (${g.reason})`;
}

function parseRepairSymbols(value: string | undefined): number {
  if (value === undefined) return 2;
  const r = Number(value);
  if (!/^\d+$/.test(value) || r < 1 || r > MAX_REPAIR_SYMBOLS) {
    throw new EngineError('ERR_ENGINE_USAGE', `--repair-symbols must be an integer from 1 to ${MAX_REPAIR_SYMBOLS}, got ${value}`);
  }
  return r;
}

async function protect(db: string, argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], ['repair-symbols', 'codec']);
  if (args.positionals.length !== 0) throw usage();
  const repairSymbols = parseRepairSymbols(args.values.get('repair-symbols'));
  const codecArg = args.values.get('codec') ?? 'raptorq';
  const codec = CODECS[codecArg];
  if (codec === undefined) throw new EngineError('ERR_ENGINE_USAGE', `--codec ${codecArg} is not one of raptorq, rs`);
  await databaseWithWal(db);
  const result = await fecInput(db, () => protectWal(new NodeVfs(), db, { repairSymbols, codec }));
  if (args.flags.has('json')) {
    printJson(io, { groups: result.groups, repairSymbols: result.repairSymbols, bytes: result.bytes, codec: result.codec });
  } else {
    printTable(io, [
      ['sidecar', sidecarPath(db)],
      ['protected', `${result.groups} new groups, ${result.bytes} bytes appended (${result.committedFrames} committed frames in the WAL)`],
      ['code', `${result.codec}, ${result.repairSymbols} repair symbols per group`],
    ]);
  }
  return 0;
}

async function scan(db: string, argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], []);
  if (args.positionals.length !== 0) throw usage();
  await requireDatabase(db);
  const result = await fecInput(db, () => scanWal(new NodeVfs(), db));
  if (args.flags.has('json')) {
    printJson(io, {
      groups: result.groups,
      damagedFrames: result.damagedFrames,
      repairable: result.repairable,
      unrepairableGroups: result.unrepairableGroups,
      staleGroups: result.staleGroups,
      tornTail: result.tornTail,
    });
  } else {
    printTable(io, [
      ['groups', `${result.groups} matching the WAL${result.staleGroups > 0 ? `, ${result.staleGroups} of older WAL generations ignored` : ''}${result.tornTail ? ', torn sidecar tail ignored' : ''}`],
      ['damaged', result.damagedFrames.length === 0 ? 'no damaged frames' : `frames ${result.damagedFrames.join(', ')}`],
      ['repairable', result.repairable ? 'yes' : 'no'],
      ...result.unrepairableGroups.map((g) => ['lost', describeLost(g)] as const),
    ]);
  }
  return result.damagedFrames.length === 0 ? 0 : 1;
}

async function repair(db: string, argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], []);
  if (args.positionals.length !== 0) throw usage();
  await databaseWithWal(db);
  const telemetry = new Telemetry();
  const vfs = new NodeVfs();
  // Frames are rewritten only while no other connection has the database open (the file is closed
  // at the end, which ends the claim).
  const dbFile = await vfs.open(db);
  let result;
  try {
    const other = await claimSoleUse(vfs, dbFile, db);
    if (other !== null) {
      throw new EngineError(
        'ERR_ENGINE_BUSY',
        `another process has ${db} open (${other}); rewriting WAL frames under it could corrupt what it sees`,
        'close the other connections and run "litewal fec repair" again',
      );
    }
    result = await fecInput(db, () => repairWal(vfs, db, { telemetry }));
  } finally {
    await dbFile.close();
  }
  if (args.flags.has('json')) {
    printJson(io, { repairedFrames: result.repairedFrames, unrepairableGroups: result.unrepairableGroups });
  } else {
    printTable(io, [
      ['repaired', result.repairedFrames.length === 0 ? 'no frames rewritten' : `frames ${result.repairedFrames.join(', ')}`],
      ...result.unrepairableGroups.map((g) => ['lost', describeLost(g)] as const),
      ...telemetry
        .events()
        .filter((e) => e.kind === 'wal-fec.repair')
        .map((e) => ['evidence', `frames ${String(e.fields['frames'])} of group ${String(e.fields['firstFrame'])}..${String(e.fields['lastFrame'])}: ${String(e.fields['evidence'])}`] as const),
    ]);
    if (result.unrepairableGroups.length > 0) io.stdout.write('nothing was written: the damage is beyond the repair capacity\n');
  }
  return result.unrepairableGroups.length === 0 ? 0 : 1;
}

/**
 * `litewal fec protect|scan|repair`: writes the `<db>-wal-fec` sidecar, checks the WAL against it,
 * and rebuilds damaged frames in place. scan exits 1 when frames are damaged; repair exits 1 when
 * some damage is beyond repair (then nothing is written) or another process has the database open.
 */
export async function fecCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, db, ...rest] = argv;
  if (db === undefined || db.startsWith('--')) throw usage();
  if (sub === 'protect') return protect(db, rest, io);
  if (sub === 'scan') return scan(db, rest, io);
  if (sub === 'repair') return repair(db, rest, io);
  throw usage();
}
