import type { ByteRange, CrashAction, CrashOutcome, CrashPlan, UnsyncedOperation } from '../fault-plan.js';
import { randomBelow, type Prng } from './prng.js';
import { replay, type PendingOp, type TrackedFile } from './tracked-file.js';

const WRITE_ACTIONS: readonly CrashAction[] = ['drop', 'keep', 'tear'];
const TRUNCATE_ACTIONS: readonly CrashAction[] = ['drop', 'keep'];

/** The surviving image of one file after a crash, and what happened to each of its unsynced operations. */
export interface CrashResult {
  readonly image: Uint8Array;
  readonly outcomes: CrashOutcome[];
}

/**
 * Decides the fate of each pending operation of `file` (from `plan`, or at random from `rng`) and
 * replays the survivors onto the durable image. Torn writes keep each piece between file sector
 * boundaries with probability 1/2.
 * @throws `RangeError` if the plan tears a truncate; `TypeError` for an unknown action.
 */
export function planCrash(
  path: string,
  file: TrackedFile,
  plan: CrashPlan | undefined,
  rng: Prng,
  sectorSize: number,
): CrashResult {
  const outcomes: CrashOutcome[] = [];
  const survivors: PendingOp[] = [];
  for (const op of file.pending) {
    const operation: UnsyncedOperation =
      op.kind === 'write'
        ? { kind: 'write', path, position: op.position, length: op.data.length }
        : { kind: 'truncate', path, size: op.size };
    const action = chooseAction(operation, plan, rng);
    const survived: ByteRange[] = [];
    if (op.kind === 'truncate') {
      if (action === 'keep') survivors.push(op);
    } else if (action === 'keep') {
      survivors.push(op);
      survived.push({ start: op.position, end: op.position + op.data.length });
    } else if (action === 'tear') {
      for (const piece of sectorPieces(op.position, op.data.length, sectorSize)) {
        if (rng() >= 0.5) continue;
        survived.push(piece);
        const data = op.data.subarray(piece.start - op.position, piece.end - op.position);
        survivors.push({ kind: 'write', position: piece.start, data });
      }
    }
    outcomes.push({ operation, action, survived });
  }
  return { image: replay(file.durable, survivors), outcomes };
}

function chooseAction(operation: UnsyncedOperation, plan: CrashPlan | undefined, rng: Prng): CrashAction {
  const allowed = operation.kind === 'write' ? WRITE_ACTIONS : TRUNCATE_ACTIONS;
  if (plan === undefined) return allowed[randomBelow(rng, allowed.length)] as CrashAction;
  const action = typeof plan === 'function' ? plan(operation) : plan;
  if (!WRITE_ACTIONS.includes(action)) {
    throw new TypeError(`crash plan: action must be 'drop', 'keep' or 'tear', got ${String(action)}`);
  }
  if (!allowed.includes(action)) {
    throw new RangeError(`crash plan: a truncate (of ${operation.path}) cannot be torn`);
  }
  return action;
}

/** Splits `[position, position + length)` at multiples of `sectorSize` (file offsets). */
function sectorPieces(position: number, length: number, sectorSize: number): ByteRange[] {
  const pieces: ByteRange[] = [];
  const end = position + length;
  for (let start = position; start < end; ) {
    const next = Math.min(end, (Math.floor(start / sectorSize) + 1) * sectorSize);
    pieces.push({ start, end: next });
    start = next;
  }
  return pieces;
}
