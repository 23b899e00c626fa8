/** "1.2 s": the precision an operator reads at a glance. */
export function formatDuration(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
