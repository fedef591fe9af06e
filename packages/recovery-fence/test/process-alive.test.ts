import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/index.js';

async function procState(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined;
  }
}

describe('isProcessAlive', () => {
  it('says this process is alive and a pid above any pid_max is not', async () => {
    expect(await isProcessAlive(process.pid)).toBe(true);
    expect(await isProcessAlive(2 ** 22 + 1)).toBe(false);
  });

  it('counts a zombie (exited, not reaped, its locks already dropped) as dead although kill(pid, 0) succeeds', async () => {
    // `sh` starts `sleep 0` in the background, prints its pid and becomes `sleep 30`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve) => parent.stdout.setEncoding('utf8').once('data', resolve));
      const zombie = Number(line.trim());
      for (let i = 0; i < 200 && (await procState(zombie)) !== 'Z'; i++) await sleep(10);
      expect(await procState(zombie)).toBe('Z');
      expect(process.kill(zombie, 0)).toBe(true);
      expect(await isProcessAlive(zombie)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('rejects what is not a process id', async () => {
    for (const pid of [0, -1, 1.5, 2 ** 31]) await expect(isProcessAlive(pid)).rejects.toThrow(RangeError);
  });
});
