import type { ChainState } from '../chain/chain-state';

/** Where every chain of one database stands, or why it could not be read. */
export interface DatabaseStatus {
  database: string;
  server: string;
  tenant: string | null;
  /** skipped: not read on purpose (a suspended tenant: CONNECT is revoked). */
  status: 'ok' | 'failed' | 'skipped';
  chains: Array<ChainState & { pendingCount: number }>;
  error: string | null;
  errorCode: string | null;
}

const HEADERS = ['DATABASE', 'TENANT', 'SERVER', 'CHAIN', 'CURRENT', 'HEAD', 'PENDING'];

/** A plain table, one row per database and chain; unreadable databases get one row with the error. */
export function formatStatusTable(statuses: readonly DatabaseStatus[]): string {
  const rows: string[][] = [];
  const tail: string[] = [];
  for (const s of statuses) {
    const base = [s.database, s.tenant ?? '-', s.server];
    if (s.status !== 'ok') {
      rows.push([...base, '-', s.status === 'failed' ? 'ERROR' : 'SKIPPED', '-', '-']);
      tail.push(`${s.database} @${s.server}: ${s.error ?? 'unknown error'}`);
      continue;
    }
    for (const c of s.chains)
      rows.push([...base, c.chain, c.current ?? '(none)', c.head ?? '(none)', String(c.pendingCount)]);
  }
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), ...rows.map(line), ...tail].join('\n');
}
