import { EngineError } from '../errors.js';
import { BENCH_USAGE, benchCommand } from './bench-command.js';
import { CHECKPOINT_USAGE, checkpointCommand } from './checkpoint-command.js';
import { DEMO_USAGE, demoCommand } from './demo-command.js';
import { EXPORT_USAGE, exportCommand } from './export-command.js';
import { FEC_USAGE, fecCommand } from './fec-command.js';
import { HISTORY_USAGE, historyCommand } from './history-command.js';
import { INSPECT_USAGE, inspectCommand } from './inspect-command.js';
import { PAIR_CHECK_USAGE, pairCheckCommand } from './pair-check-command.js';
import { RECOVER_USAGE, recoverCommand } from './recover-command.js';
import { STATS_USAGE, statsCommand } from './stats-command.js';
import { VERIFY_USAGE, verifyCommand } from './verify-command.js';
import type { CliIo } from './output.js';

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<number>>> = {
  inspect: inspectCommand,
  history: historyCommand,
  demo: demoCommand,
  recover: recoverCommand,
  checkpoint: checkpointCommand,
  stats: statsCommand,
  bench: benchCommand,
  fec: fecCommand,
  'pair-check': pairCheckCommand,
  export: exportCommand,
  verify: verifyCommand,
};

const USAGE = [
  'usage:',
  `  ${DEMO_USAGE}`,
  `  ${INSPECT_USAGE}`,
  `  ${HISTORY_USAGE}`,
  `  ${RECOVER_USAGE}`,
  `  ${CHECKPOINT_USAGE}`,
  `  ${STATS_USAGE}`,
  `  ${BENCH_USAGE}`,
  `  ${FEC_USAGE}`,
  `  ${PAIR_CHECK_USAGE}`,
  `  ${EXPORT_USAGE}`,
  `  ${VERIFY_USAGE}`,
].join('\n');

/**
 * Runs the `litewal` command line and returns the exit code: 0 success, 1 a problem found in the
 * data, 2 bad usage or unusable input.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`litewal: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // Every failure becomes a message and exit 2, never a stack trace (set LITEWAL_DEBUG=1 for one).
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`litewal ${name}: ${message}\n`);
    if (error instanceof EngineError && error.hint !== undefined) io.stderr.write(`hint: ${error.hint}\n`);
    if (process.env['LITEWAL_DEBUG'] === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return error instanceof EngineError && error.code === 'ERR_ENGINE_BUSY' ? 1 : 2;
  }
}
