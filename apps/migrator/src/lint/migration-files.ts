import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Where the schema library keeps its chains, relative to the repository root. */
export const SCHEMA_SOURCE_DIR = path.join('libs', 'schema', 'src');

/** The workspace root: the nearest directory at or above `from` holding nx.json (else `from`). */
export function findRepoRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from);
    dir = parent;
  }
}

function isMigrationSource(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name);
}

async function collect(dir: string, insideMigrations: boolean, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__fixtures__') {
        await collect(full, insideMigrations || entry.name === 'migrations', out);
      }
    } else if (insideMigrations && isMigrationSource(entry.name)) {
      out.push(full);
    }
  }
}

/** Every `*.ts` under a `migrations/` directory of libs/schema/src (tests excluded), sorted. */
export async function defaultMigrationFiles(repoRoot: string): Promise<string[]> {
  const root = path.join(repoRoot, SCHEMA_SOURCE_DIR);
  if (!existsSync(root)) return [];
  const files: string[] = [];
  await collect(root, false, files);
  return files.sort();
}
