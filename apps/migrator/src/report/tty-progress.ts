import type { DatabaseTarget } from '../plan/database-target';
import type { ProgressReporter } from './progress-reporter';
import { describeTarget, formatResultLine } from './format-result';

const BAR_WIDTH = 20;
const CURSOR_UP = (n: number): string => `\x1b[${n}A`;
const CLEAR_TO_END = '\x1b[J';

interface LiveTarget {
  target: DatabaseTarget;
  chainsDone: number;
}

export function progressBar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * A terminal: one live bar line per database in flight (bounded by the
 * concurrency), redrawn in place with plain ANSI cursor movement. A finished
 * database's line is printed once above the live block and stays.
 */
export function ttyProgress(out: NodeJS.WritableStream): ProgressReporter {
  const live = new Map<string, LiveTarget>();
  let drawnLines = 0;
  // A wrapped live line would throw off the cursor-up count, so live lines are cut to the terminal width.
  // A pseudo-terminal may report 0 columns: then assume a usual width.
  const width = (): number => {
    const columns = (out as { columns?: number }).columns ?? 0;
    return (columns >= 20 ? columns : 120) - 1;
  };

  const liveLine = ({ target, chainsDone }: LiveTarget): string => {
    const chain = target.chains[chainsDone] ?? target.chains.at(-1) ?? '';
    return `  ${progressBar(chainsDone, target.chains.length)} ${describeTarget(target)} ${chain} ${chainsDone}/${target.chains.length}`;
  };

  const redraw = (permanent: string[]): void => {
    let text = drawnLines > 0 ? `${CURSOR_UP(drawnLines)}\r${CLEAR_TO_END}` : '';
    for (const line of permanent) text += `${line}\n`;
    const lines = [...live.values()].map((entry) => liveLine(entry).slice(0, width()));
    for (const line of lines) text += `${line}\n`;
    drawnLines = lines.length;
    out.write(text);
  };

  return {
    started: (target) => {
      live.set(target.key, { target, chainsDone: 0 });
      redraw([]);
    },
    chainDone: (target) => {
      const entry = live.get(target.key);
      if (entry) entry.chainsDone += 1;
      redraw([]);
    },
    finished: (target, result) => {
      live.delete(target.key);
      redraw([formatResultLine(result)]);
    },
    note: (line) => redraw([line]),
  };
}
