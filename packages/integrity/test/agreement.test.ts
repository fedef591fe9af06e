import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bytesPageSource, checkIntegrity, isIntegrityOk, NotADatabaseError, verifyDatabaseFile, type IntegrityReport } from '../src/index.js';
import { buildCorpus, sqliteSaysOk, type CorpusDatabase } from './support/corpus.js';
import { layoutOf, type Layout, type Target } from './support/layout.js';
import { Prng } from './support/prng.js';

const SEED = 20261125;
/** Corruptions per (database, kind) pair, when the database has such structures. */
const PER_KIND = 30;

type Kind = keyof Pick<Layout, 'pageHeaders' | 'cellPointers' | 'cellContents' | 'freeblocks' | 'unallocated' | 'childPointers' | 'overflowLinks' | 'freelist' | 'ptrmap' | 'schemaRoots' | 'schemaSql'> | 'header' | 'anyByte';
const KINDS: readonly Kind[] = ['header', 'pageHeaders', 'cellPointers', 'cellContents', 'freeblocks', 'unallocated', 'childPointers', 'overflowLinks', 'freelist', 'ptrmap', 'schemaRoots', 'schemaSql', 'anyByte'];

interface Case {
  readonly db: string;
  readonly kind: Kind;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

let dir = '';
let corpus: CorpusDatabase[] = [];

beforeAll(async () => {
  dir = await makeTempDir('litewal-integrity-');
  corpus = await buildCorpus(dir, SEED);
});

afterAll(async () => {
  if (dir !== '') await removeTempDir(dir);
});

/** Our verdict: ok, or the level of the first error (NotADatabaseError counts as level 1). */
async function ourVerdict(bytes: Uint8Array): Promise<{ ok: boolean; firstLevel: number; report: IntegrityReport | null }> {
  try {
    const report = await checkIntegrity(bytesPageSource(bytes));
    const first = report.issues.find((i) => i.severity === 'error');
    return { ok: isIntegrityOk(report), firstLevel: first?.level ?? 0, report };
  } catch (error) {
    if (error instanceof NotADatabaseError) return { ok: false, firstLevel: 1, report: null };
    throw error;
  }
}

function corrupt(db: CorpusDatabase, layout: Layout, kind: Kind, prng: Prng): Case | null {
  let target: Target;
  if (kind === 'header') target = { offset: 0, length: 100 };
  else if (kind === 'anyByte') target = { offset: 0, length: db.bytes.length };
  else if (layout[kind].length === 0) return null;
  else target = prng.pick(layout[kind]);
  const bytes = Uint8Array.from(db.bytes);
  if (kind === 'schemaRoots') {
    // A different root page number of the same width: another object's root, or a random one.
    const others = layout.rootPages;
    const value = prng.int(2) === 0 ? prng.pick(others) : 1 + prng.int(Math.min(layout.pageCount + 3, 2 ** (8 * target.length) - 1));
    for (let k = target.length - 1, v = value; k >= 0; k--, v = Math.floor(v / 256)) bytes[target.offset + k] = v & 0xff;
    return { db: db.name, kind, offset: target.offset, bytes };
  }
  const offset = target.offset + prng.int(target.length);
  const mask = prng.int(2) === 0 ? 1 << prng.int(8) : 1 + prng.int(255);
  bytes[offset] = (bytes[offset] as number) ^ mask;
  return { db: db.name, kind, offset, bytes };
}

describe('agreement with PRAGMA integrity_check', () => {
  test('every healthy corpus database is ok for SQLite and for litewal, read from its file', async () => {
    expect(corpus.length).toBe(8);
    for (const db of corpus) {
      const file = path.join(dir, `${db.name}.db`);
      expect(sqliteSaysOk(file), db.name).toBe(true);
      const report = await verifyDatabaseFile(file);
      expect(report.issues, db.name).toEqual([]);
      expect(report.pages).toBe(db.bytes.length / layoutOf(db.bytes).pageSize);
    }
  });

  test('seeded corruptions: litewal says ok exactly when SQLite does', async () => {
    const prng = new Prng(SEED);
    const rows = new Map<string, { cases: number; agreed: number; disagreed: number }>();
    const tally = (key: string, agreed: boolean): void => {
      const row = rows.get(key) ?? { cases: 0, agreed: 0, disagreed: 0 };
      row.cases++;
      if (agreed) row.agreed++;
      else row.disagreed++;
      rows.set(key, row);
    };
    const disagreements: string[] = [];
    const file = path.join(dir, 'case.db');
    let total = 0;
    for (const db of corpus) {
      const layout = layoutOf(db.bytes);
      for (const kind of KINDS) {
        for (let n = 0; n < PER_KIND; n++) {
          const c = corrupt(db, layout, kind, prng);
          if (c === null) break;
          total++;
          await writeFile(file, c.bytes);
          const sqliteOk = sqliteSaysOk(file);
          await rm(`${file}-wal`, { force: true });
          await rm(`${file}-shm`, { force: true });
          await rm(`${file}-journal`, { force: true });
          const ours = await ourVerdict(c.bytes);
          const agreed = ours.ok === sqliteOk;
          tally(`kind ${c.kind}`, agreed);
          tally(ours.ok ? 'first issue: none (ok)' : `first issue: level ${ours.firstLevel}`, agreed);
          if (!agreed) {
            disagreements.push(`${c.db} ${c.kind} @${c.offset} ${JSON.stringify(Buffer.from(c.bytes.subarray(c.offset - 25, c.offset + 15)).toString('latin1'))} (page ${Math.floor(c.offset / layout.pageSize) + 1}): sqlite ${sqliteOk ? 'ok' : 'not ok'}, litewal ${ours.ok ? 'ok' : JSON.stringify(ours.report?.issues.slice(0, 3) ?? 'not a database')}`);
          }
        }
      }
    }
    console.table(Object.fromEntries([...rows].sort(([a], [b]) => a.localeCompare(b))));
    console.log(`${total} cases, ${disagreements.length} disagreements`);
    if (disagreements.length > 0) console.log(disagreements.slice(0, 40).join('\n'));
    expect(total).toBeGreaterThanOrEqual(2000);
    expect(disagreements).toEqual([]);
  }, 120_000);
});
