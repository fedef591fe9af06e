import { EngineError } from '../errors.js';

/** A parsed command line: positional arguments and `--flag` / `--flag value` options. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
}

/**
 * Parses `argv` against the options a command accepts: `booleans` take no value, `valued` take
 * one (`--dir D` or `--dir=D`). Anything else starting with `--` is a usage error.
 */
export function parseArgs(argv: readonly string[], booleans: readonly string[], valued: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (booleans.includes(name) && eq === -1) {
      flags.add(name);
    } else if (valued.includes(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') throw new EngineError('ERR_ENGINE_USAGE', `--${name} needs a value`);
      values.set(name, value);
    } else {
      throw new EngineError('ERR_ENGINE_USAGE', `unknown option ${arg}`);
    }
  }
  return { positionals, flags, values };
}
