import type { CliIo } from '../cli/cli-io';
import { lineProgress } from './line-progress';
import { silentProgress, type ProgressReporter } from './progress-reporter';
import { ttyProgress } from './tty-progress';

export function createProgress(io: CliIo, json: boolean): ProgressReporter {
  if (json) return silentProgress;
  return io.isTTY ? ttyProgress(io.stdout) : lineProgress(io.stdout);
}
