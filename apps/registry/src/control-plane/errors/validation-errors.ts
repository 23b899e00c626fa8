import type { ValidationError } from 'class-validator';
import { RegistryError, RegistryErrorCode, type FieldProblem } from './registry-error';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * The global ValidationPipe's exceptionFactory: field errors become
 * `validation_failed`, except that a bad tenant slug has its own code
 * (`invalid_slug`), the one operators and scripts check for.
 */
export function toValidationError(errors: ValidationError[]): RegistryError {
  const fields = flatten(errors);
  const slugFailed = fields.some((f) => f.field === 'slug');
  const code = slugFailed ? RegistryErrorCode.INVALID_SLUG : RegistryErrorCode.VALIDATION_FAILED;
  const summary = fields.map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; ');
  return new RegistryError(code, `invalid request: ${summary}`, fields);
}
