import { readFileSync, statSync } from 'node:fs';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';

export const BOOTSTRAP_ADMIN_KEY_ENV = 'SYSMANAGE_BOOTSTRAP_ADMIN_KEY';
export const BOOTSTRAP_ADMIN_KEY_FILE_ENV = 'SYSMANAGE_BOOTSTRAP_ADMIN_KEY_FILE';
// Short keys are guessable; the generated ones are 47 characters.
const MIN_KEY_LENGTH = 24;

/**
 * The first operator key, from the environment or a 0600 file it names; null
 * when neither is set. Throws when the file is readable by others or the key
 * is too short, so a leaky setup stops the start instead of running.
 */
export function readBootstrapAdminKey(env: NodeJS.ProcessEnv): string | null {
  const inline = env[BOOTSTRAP_ADMIN_KEY_ENV];
  const file = env[BOOTSTRAP_ADMIN_KEY_FILE_ENV];
  let key: string;
  if (inline !== undefined && inline !== '') {
    key = inline.trim();
  } else if (file !== undefined && file !== '') {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new RegistryError(
        RegistryErrorCode.VALIDATION_FAILED,
        `${BOOTSTRAP_ADMIN_KEY_FILE_ENV}=${file} has mode ${mode.toString(8)}; it must be 0600 (chmod 600 ${file})`,
      );
    }
    key = readFileSync(file, 'utf8').trim();
  } else {
    return null;
  }
  if (key.length < MIN_KEY_LENGTH) {
    throw new RegistryError(
      RegistryErrorCode.VALIDATION_FAILED,
      `the bootstrap admin key (${BOOTSTRAP_ADMIN_KEY_ENV} / ${BOOTSTRAP_ADMIN_KEY_FILE_ENV}) must be at least ${MIN_KEY_LENGTH} characters`,
    );
  }
  return key;
}
