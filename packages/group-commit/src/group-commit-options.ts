import type { Telemetry } from '@litewal/telemetry';

/**
 * Default {@link GroupCommitOptions.maxGroupFrames}: 256 frames, 1 MiB of 4 KiB pages in one write.
 * @public
 */
export const DEFAULT_MAX_GROUP_FRAMES = 256;

/**
 * Default {@link GroupCommitOptions.delayCeilingMs}, in milliseconds.
 * @public
 */
export const DEFAULT_DELAY_CEILING_MS = 10;

/**
 * Hard upper limit of {@link GroupCommitOptions.delayCeilingMs}, in milliseconds: no configuration
 * can make a committer wait longer than this for company.
 * @public
 */
export const MAX_DELAY_CEILING_MS = 1000;

/**
 * Options of {@link GroupCommit}.
 * @public
 */
export interface GroupCommitOptions {
  /**
   * Frame limit of a group: a group is sealed when it holds this many frames, and a transaction
   * that would take a non-empty group past it starts the next group. A single larger transaction
   * forms a group of its own. An integer \>= 1.
   * @defaultValue {@link DEFAULT_MAX_GROUP_FRAMES}
   */
  readonly maxGroupFrames?: number;
  /**
   * Longest time in milliseconds the first transaction of a group waits for company when no flush
   * is in progress, measured from its arrival (time spent behind a flush in progress counts).
   * 0 = no wait beyond the flush in progress. Clamped to `delayCeilingMs`. Node timers fire about
   * every millisecond at best, so values under 1 act as about 1.
   * @defaultValue 0
   */
  readonly maxDelayMs?: number;
  /**
   * Ceiling of `maxDelayMs`, in milliseconds, at most {@link MAX_DELAY_CEILING_MS}.
   * @defaultValue {@link DEFAULT_DELAY_CEILING_MS}
   */
  readonly delayCeilingMs?: number;
  /**
   * Where the metrics go (see {@link GroupCommit.telemetry}); several instances may share one,
   * their counts then add up.
   * @defaultValue a new `Telemetry()` of its own
   */
  readonly telemetry?: Telemetry;
}

/**
 * The configuration a {@link GroupCommit} runs with, after defaults and clamping.
 * @public
 */
export interface GroupCommitConfig {
  /** Frame limit of a group. */
  readonly maxGroupFrames: number;
  /** Longest wait for company, in milliseconds (already clamped to the ceiling). */
  readonly maxDelayMs: number;
  /** Ceiling of the wait, in milliseconds. */
  readonly delayCeilingMs: number;
}

/** Applies defaults and limits: the delay is clamped to the ceiling, anything else invalid throws. */
export function resolveGroupCommitConfig(options: GroupCommitOptions): GroupCommitConfig {
  const maxGroupFrames = options.maxGroupFrames ?? DEFAULT_MAX_GROUP_FRAMES;
  if (!Number.isSafeInteger(maxGroupFrames) || maxGroupFrames < 1) {
    throw new RangeError(`maxGroupFrames must be an integer >= 1, got ${String(maxGroupFrames)}`);
  }
  const delayCeilingMs = options.delayCeilingMs ?? DEFAULT_DELAY_CEILING_MS;
  if (!(delayCeilingMs >= 0 && delayCeilingMs <= MAX_DELAY_CEILING_MS)) {
    throw new RangeError(`delayCeilingMs must be within 0..${MAX_DELAY_CEILING_MS}, got ${String(delayCeilingMs)}`);
  }
  const maxDelayMs = options.maxDelayMs ?? 0;
  if (!(maxDelayMs >= 0)) {
    throw new RangeError(`maxDelayMs must be a number >= 0, got ${String(maxDelayMs)}`);
  }
  return { maxGroupFrames, maxDelayMs: Math.min(maxDelayMs, delayCeilingMs), delayCeilingMs };
}
