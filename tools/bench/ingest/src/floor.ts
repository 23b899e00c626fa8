import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FloorConfig } from './floor-server';

export interface FloorProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts floor-server.js (built beside this file) as its own process, as
 * ingest is one, and waits for its port. Its config (tokens, database
 * passwords) goes through a file in `dir`, not the command line.
 */
export async function startFloor(config: FloorConfig, dir: string): Promise<FloorProcess> {
  const configFile = join(dir, 'floor-config.json');
  writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  const child = spawn(process.execPath, [join(__dirname, 'floor-server.js'), configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const port = await Promise.race([
    (async () => {
      for await (const line of lines) {
        const match = /^listening (\d+)$/.exec(line);
        if (match) return Number(match[1]);
      }
      throw new Error('floor-server ended its output before listening');
    })(),
    exited.then(([code]) => {
      throw new Error(`floor-server exited with ${String(code)} before listening`);
    }),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
