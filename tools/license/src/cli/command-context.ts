import type { LicenseCliIo } from './cli-io';
import type { ParsedFlags } from './parse-flags';

/** What every command gets: its parsed options, the directory defaults resolve against, output and clock. */
export interface CommandContext {
  flags: ParsedFlags;
  cwd: string;
  now: Date;
  io: LicenseCliIo;
}
