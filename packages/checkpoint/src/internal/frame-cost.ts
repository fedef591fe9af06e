/** How much the previous runs weigh against the newest at each update. */
const DECAY = 0.7;
/** Frames the initial estimate counts for, so one tiny run cannot swing it far. */
const PRIOR_FRAMES = 1024;

/**
 * A running estimate of milliseconds per frame copied: a decayed ratio of the time runs took to
 * the frames they copied, so large runs (whose fixed costs, syncs and lock round trips, are
 * spread thin) weigh more than small ones; it starts at a conservative prior.
 */
export class FrameCost {
  #ms: number;
  #frames = PRIOR_FRAMES;

  constructor(initialMsPerFrame: number) {
    this.#ms = initialMsPerFrame * PRIOR_FRAMES;
  }

  /** Current estimate, milliseconds per frame. */
  get msPerFrame(): number {
    return this.#ms / this.#frames;
  }

  /** Estimated milliseconds to copy `frames` frames. */
  estimate(frames: number): number {
    return frames * this.msPerFrame;
  }

  /** Folds in one run that copied `frames` frames (at least one) in `ms` milliseconds. */
  observe(frames: number, ms: number): void {
    this.#ms = this.#ms * DECAY + ms;
    this.#frames = this.#frames * DECAY + frames;
  }
}
