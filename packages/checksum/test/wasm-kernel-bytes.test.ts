import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './support/tools.js';

describe('src/internal/wasm-kernel-bytes.ts', () => {
  it('is what scripts/gen-wasm-kernel.mjs generates from its WAT today', () => {
    const run = () =>
      execFileSync(process.execPath, ['scripts/gen-wasm-kernel.mjs', '--check'], { cwd: PACKAGE_DIR, encoding: 'utf8' });
    expect(run).not.toThrow();
  });
});
