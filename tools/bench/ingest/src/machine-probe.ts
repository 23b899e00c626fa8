import { fstatSync } from 'node:fs';

/**
 * What this machine charges for the two things the agent path does most
 * besides computing: system calls (every socket read and write between
 * ingest, NATS and PostgreSQL) and first touches of fresh memory (new
 * PostgreSQL sessions, heap growth). Under some hypervisors both cost many
 * times what they cost on bare metal, and not the same on every machine of
 * one kind, so runs of different machines are compared with these beside
 * them. Measured once, before the stack starts, while the machine is quiet.
 */
export interface MachineProbe {
  /** One `fs.fstatSync(0)`: Node's own overhead plus a system call that does almost nothing. */
  fstatUs: number;
  /** Writing one byte into each 4 KiB page of freshly allocated memory: one page fault each. */
  pageTouchUs: number;
}

const FSTAT_CALLS = 200_000;
const TOUCHED_BYTES = 256 * 1024 * 1024;
const PAGE_BYTES = 4096;

function elapsedUs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e3;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function probeMachine(): MachineProbe {
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < FSTAT_CALLS; i += 1) fstatSync(0);
  const fstatUs = elapsedUs(t0) / FSTAT_CALLS;
  t0 = process.hrtime.bigint();
  const memory = Buffer.allocUnsafeSlow(TOUCHED_BYTES);
  for (let at = 0; at < TOUCHED_BYTES; at += PAGE_BYTES) memory[at] = 1;
  const pageTouchUs = elapsedUs(t0) / (TOUCHED_BYTES / PAGE_BYTES);
  return { fstatUs: round2(fstatUs), pageTouchUs: round2(pageTouchUs) };
}
