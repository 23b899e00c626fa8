/** The stderr line report-process.ts writes at exit and fan-out-run.ts reads (kept apart: importing report-process has side effects). */
export const PROCESS_REPORT_PREFIX = 'bench-process ';
