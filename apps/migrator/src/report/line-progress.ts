import type { ProgressReporter } from './progress-reporter';
import { formatResultLine } from './format-result';

/** Not a terminal (CI logs, pipes): one line per database as it finishes, nothing redrawn. */
export function lineProgress(out: NodeJS.WritableStream): ProgressReporter {
  return {
    started: () => undefined,
    chainDone: () => undefined,
    finished: (_target, result) => {
      out.write(`${formatResultLine(result)}\n`);
    },
    note: (line) => {
      out.write(`${line}\n`);
    },
  };
}
