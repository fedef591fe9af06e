import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { expect } from 'vitest';
import {
  FaultVfs,
  MemoryVfs,
  NodeVfs,
  VfsError,
  type OpenOptions,
  type Vfs,
  type VfsErrorCode,
  type VfsFile,
} from '../../src/index.js';

/** A fresh, empty vfs for one test; `open` remembers handles so `cleanup` can close them. */
export interface VfsFixture {
  readonly vfs: Vfs;
  path(name: string): string;
  open(name: string, options?: OpenOptions): Promise<VfsFile>;
  cleanup(): Promise<void>;
}

/** A vfs implementation under test. */
export interface VfsImplementation {
  readonly name: string;
  create(): Promise<VfsFixture>;
}

function fixture(vfs: Vfs, path: (name: string) => string, remove: () => Promise<void>): VfsFixture {
  const opened: VfsFile[] = [];
  return {
    vfs,
    path,
    async open(name, options) {
      const file = await vfs.open(path(name), options);
      opened.push(file);
      return file;
    },
    async cleanup() {
      await Promise.all(opened.map((file) => file.close()));
      await remove();
    },
  };
}

const memoryPath = (name: string): string => `/mem/${name}`;
const nothing = async (): Promise<void> => {};

/** Every Vfs the shared behavioural suite runs against. */
export const implementations: readonly VfsImplementation[] = [
  {
    name: 'NodeVfs',
    async create() {
      const dir = await makeTempDir('litewal-vfs-');
      return fixture(new NodeVfs(), (name) => join(dir, name), () => removeTempDir(dir));
    },
  },
  { name: 'MemoryVfs', create: async () => fixture(new MemoryVfs(), memoryPath, nothing) },
  {
    name: 'FaultVfs over MemoryVfs',
    create: async () => fixture(new FaultVfs(new MemoryVfs(), { seed: 7 }), memoryPath, nothing),
  },
  {
    name: 'FaultVfs over NodeVfs',
    async create() {
      const dir = await makeTempDir('litewal-vfs-');
      return fixture(new FaultVfs(new NodeVfs(), { seed: 7 }), (name) => join(dir, name), () => removeTempDir(dir));
    },
  },
];

/** Awaits `promise`, expects it to reject with a VfsError of `code`, and returns that error. */
export async function expectVfsError(promise: Promise<unknown>, code: VfsErrorCode): Promise<VfsError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VfsError);
  expect((error as VfsError).code).toBe(code);
  return error as VfsError;
}

/** `length` bytes of `value`. */
export function filled(length: number, value: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(length).fill(value);
}

/** The whole content of `path`, read through a fresh read-only handle. */
export async function readWhole(vfs: Vfs, path: string): Promise<Uint8Array<ArrayBuffer>> {
  const file = await vfs.open(path, { readOnly: true });
  try {
    const bytes = new Uint8Array(await file.size());
    expect(await file.read(bytes, 0)).toBe(bytes.length);
    return bytes;
  } finally {
    await file.close();
  }
}

/** Writes `bytes` as the whole content of a new file at `path`. */
export async function writeWhole(vfs: Vfs, path: string, bytes: Uint8Array): Promise<void> {
  const file = await vfs.open(path, { create: true });
  await file.write(bytes, 0);
  await file.close();
}
