/**
 * The longest line {@link queryLocks} accepts in a lock table, in bytes. The kernel's lines are
 * under 100 bytes; a longer one means the file is not a lock table.
 * @public
 */
export const MAX_LOCK_LINE_BYTES = 512;

/**
 * The most locks {@link queryLocks} returns for one file (after its `range` filter); more is a
 * {@link LockTableError} with code `ERR_VFS_LOCK_TABLE_LIMIT` rather than an unbounded array.
 * @remarks SQLite takes at most 9 lock bytes of a `-shm` and 4 ranges of a database file per
 * connection, so this is thousands of connections.
 * @public
 */
export const MAX_LOCK_RECORDS = 65_536;
