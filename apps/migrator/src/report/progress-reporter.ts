import type { ChainName } from '@sysmanage/schema';
import type { DatabaseTarget } from '../plan/database-target';
import type { TargetResult } from '../fanout/target-result';

/** Receives the life of every database as it is migrated. */
export interface ProgressReporter {
  started(target: DatabaseTarget): void;
  chainDone(target: DatabaseTarget, chain: ChainName): void;
  finished(target: DatabaseTarget, result: TargetResult): void;
  /** A line that is not about one database (e.g. why the fan-out did not run). */
  note(line: string): void;
}

/** `--json`: nothing until the final document. */
export const silentProgress: ProgressReporter = {
  started: () => undefined,
  chainDone: () => undefined,
  finished: () => undefined,
  note: () => undefined,
};
