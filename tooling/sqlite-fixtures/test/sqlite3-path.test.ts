import { access, constants } from 'node:fs/promises';
import path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { requireSqlite3, SQLITE3_ENV_VAR, Sqlite3NotFoundError, sqlite3Path, sqlite3Version, SqliteFixturesError } from '../src/index.js';

describe('sqlite3Path / requireSqlite3', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('finds an executable sqlite3, /usr/bin/sqlite3 first', async () => {
    const found = await sqlite3Path();
    expect(found).toBeDefined();
    expect(path.isAbsolute(found ?? '')).toBe(true);
    await access(found ?? '', constants.X_OK);
    expect(await requireSqlite3()).toBe(found);
  });

  it('fails loudly, with the install command, when the CLI is missing', async () => {
    vi.stubEnv(SQLITE3_ENV_VAR, '/nonexistent/sqlite3');
    expect(await sqlite3Path()).toBeUndefined();
    const error = await requireSqlite3().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Sqlite3NotFoundError);
    expect(error).toBeInstanceOf(SqliteFixturesError);
    expect((error as Sqlite3NotFoundError).code).toBe('ERR_SQLITE_FIXTURES_NO_SQLITE3');
    expect((error as Error).name).toBe('Sqlite3NotFoundError');
    expect((error as Error).message).toContain('apt-get install -y sqlite3');
    expect((error as Sqlite3NotFoundError).searched).toEqual(['/nonexistent/sqlite3']);
  });

  it('reports the CLI version', async () => {
    expect(await sqlite3Version()).toMatch(/^3\.\d+\.\d+$/);
  });
});
