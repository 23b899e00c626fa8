import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
}

export interface ProfileLine {
  fn: string;
  where: string;
  selfPercent: number;
}

/** Where a frame lives, shortened: the package for node_modules, the workspace path otherwise. */
function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url === '' ? '(native)' : url.replace(/^file:\/\//, '');
}

/**
 * Self time per function of every .cpuprofile in `dir` (ingest run with
 * --cpu-prof), the top `limit`, and the share per area (the workspace's own
 * code, each dependency, Node internals, GC/idle).
 */
export function summarizeProfiles(
  dir: string,
  limit = 20,
): { top: ProfileLine[]; areas: Record<string, number> } {
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      total += hits;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = shortUrl(url);
      const key = `${functionName || '(anonymous)'}\t${where}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + hits);
      const area = url.includes('node_modules/')
        ? where.startsWith('@')
          ? where.split('/').slice(0, 2).join('/')
          : (where.split('/')[0] ?? where)
        : url.includes('/dist/')
          ? 'sysmanage (dist)'
          : url.startsWith('node:')
            ? 'node internals'
            : `(${functionName || 'native'})`;
      areas.set(area, (areas.get(area) ?? 0) + hits);
    }
  }
  const pct = (hits: number): number => (total === 0 ? 0 : Math.round((hits / total) * 1000) / 10);
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, hits]) => {
      const [fn = '', where = ''] = key.split('\t');
      return { fn, where, selfPercent: pct(hits) };
    });
  const areaShares = Object.fromEntries(
    [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([area, hits]) => [area, pct(hits)]),
  );
  return { top, areas: areaShares };
}
