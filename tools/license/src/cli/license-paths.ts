import path from 'node:path';

/** The tool's defaults, matching the defaults of multitenancy.license_file / license_public_key_file. */
export const DEFAULT_DATA_DIR = 'data';
export const PRIVATE_KEY_FILE = 'license-private.pem';
export const PUBLIC_KEY_FILE = 'license-public.pem';
export const LICENSE_FILE = 'license.json';

export function resolveFrom(cwd: string, given: string | undefined, fallback: string): string {
  return path.resolve(cwd, given ?? fallback);
}
