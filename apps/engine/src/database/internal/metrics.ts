import type { Counter, Gauge, Histogram, Telemetry } from '@litewal/telemetry';

/** The metrics a database records besides those of its `GroupCommit` (`litewal_group_commit_*`). */
export class DatabaseMetrics {
  readonly telemetry: Telemetry;
  /** Transactions committed (durable and published). */
  readonly commits: Counter;
  /** Transactions that wrote nothing. */
  readonly readOnly: Counter;
  /** Transactions that failed to commit (`ERR_DATABASE_COMMIT_FAILED` / `_OUTCOME_UNKNOWN`). */
  readonly failed: Counter;
  /** Transactions refused with `ERR_DATABASE_BUSY_SNAPSHOT`. */
  readonly busySnapshot: Counter;
  /** Times the WAL write lock was taken for a pipeline of transactions. */
  readonly lockAcquired: Counter;
  /** Times the writer found another connection's commits or reset and caught up. */
  readonly catchUps: Counter;
  /** Frames appended to the WAL, and their bytes. */
  readonly walFrames: Counter;
  readonly walBytes: Counter;
  /** Groups published to the wal-index. */
  readonly publishes: Counter;
  /** WAL restarts (the next commit went to frame 1). */
  readonly walRestarts: Counter;
  /** Checkpoints run (automatic and explicit), those that reported busy, those that failed. */
  readonly checkpoints: Counter;
  readonly checkpointsBusy: Counter;
  readonly checkpointErrors: Counter;
  /** Snapshots taken with `read()`. */
  readonly snapshots: Counter;
  /** Frames in the log (mxFrame) after the last commit or checkpoint seen. */
  readonly logFrames: Gauge;
  /** Frames copied into the database (nBackfill) after the last checkpoint. */
  readonly checkpointedFrames: Gauge;
  /** Pages staged by transactions not yet durable. */
  readonly pendingPages: Gauge;
  /** Committed pages in the writer's cache. */
  readonly cachedPages: Gauge;
  /** Snapshots not released yet. */
  readonly openSnapshots: Gauge;
  /** What recovery found at open. */
  readonly recoveryFrames: Gauge;
  readonly recoveryCommittedFrames: Gauge;
  readonly recoveryRebuiltIndex: Gauge;
  /** Microseconds: a whole write() call, waiting for the WAL write lock, publishing a group, a checkpoint, opening. */
  readonly writeUs: Histogram;
  readonly lockWaitUs: Histogram;
  readonly publishUs: Histogram;
  readonly checkpointUs: Histogram;
  readonly recoveryUs: Histogram;

  constructor(telemetry: Telemetry) {
    this.telemetry = telemetry;
    const t = telemetry;
    this.commits = t.counter('litewal_database_commits', 'Write transactions committed (durable and published).');
    this.readOnly = t.counter('litewal_database_read_only_transactions', 'Write transactions that wrote no page.');
    this.failed = t.counter('litewal_database_failed_commits', 'Write transactions whose commit failed.');
    this.busySnapshot = t.counter('litewal_database_busy_snapshot', 'Write transactions refused because their snapshot went stale.');
    this.lockAcquired = t.counter('litewal_database_write_lock_acquired', 'Times the WAL write lock was taken for a pipeline of transactions.');
    this.catchUps = t.counter('litewal_database_catch_ups', "Times the writer absorbed another connection's commits or WAL reset.");
    this.walFrames = t.counter('litewal_wal_frames_written', 'Frames appended to the WAL.');
    this.walBytes = t.counter('litewal_wal_bytes_written', 'Bytes of frames appended to the WAL.');
    this.publishes = t.counter('litewal_wal_index_publishes', 'Commit groups published to the wal-index.');
    this.walRestarts = t.counter('litewal_wal_restarts', 'WAL restarts: the next commit was written at frame 1.');
    this.checkpoints = t.counter('litewal_checkpoint_runs', 'Checkpoints run, automatic and explicit.');
    this.checkpointsBusy = t.counter('litewal_checkpoint_busy', 'Checkpoints that reported busy.');
    this.checkpointErrors = t.counter('litewal_checkpoint_errors', 'Checkpoints that failed with an error.');
    this.snapshots = t.counter('litewal_database_snapshots', 'Read snapshots taken.');
    this.logFrames = t.gauge('litewal_wal_log_frames', 'Frames in the log (mxFrame) as last seen.');
    this.checkpointedFrames = t.gauge('litewal_wal_checkpointed_frames', 'Frames copied into the database (nBackfill) after the last checkpoint.');
    this.pendingPages = t.gauge('litewal_database_pending_pages', 'Pages staged by transactions that are not durable yet.');
    this.cachedPages = t.gauge('litewal_database_cached_pages', "Committed pages in the writer's cache.");
    this.openSnapshots = t.gauge('litewal_database_open_snapshots', 'Read snapshots not released yet.');
    this.recoveryFrames = t.gauge('litewal_recovery_frames', 'Valid frames recovery found in the WAL at open.');
    this.recoveryCommittedFrames = t.gauge('litewal_recovery_committed_frames', 'Committed frames recovery found in the WAL at open.');
    this.recoveryRebuiltIndex = t.gauge('litewal_recovery_rebuilt_wal_index', '1 when open rebuilt the wal-index from the WAL, else 0.');
    this.writeUs = t.histogram('litewal_database_write_us', 'Microseconds from write() to its resolution.', { unit: 'us' });
    this.lockWaitUs = t.histogram('litewal_database_lock_wait_us', 'Microseconds spent taking the WAL write lock.', { unit: 'us' });
    this.publishUs = t.histogram('litewal_wal_index_publish_us', 'Microseconds publishing one group to the wal-index.', { unit: 'us' });
    this.checkpointUs = t.histogram('litewal_checkpoint_us', 'Microseconds per checkpoint.', { unit: 'us' });
    this.recoveryUs = t.histogram('litewal_recovery_us', 'Microseconds to open: recovery fence, WAL recovery, wal-index.', { unit: 'us' });
  }
}
