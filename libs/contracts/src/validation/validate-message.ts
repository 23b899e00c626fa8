import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ContractError, ContractErrorCode, type FieldError } from './contract.error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: FieldError[] = error.constraints
      ? [{ field, constraints: Object.values(error.constraints) }]
      : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function parse(data: unknown, className: string): unknown {
  if (!(data instanceof Uint8Array) && typeof data !== 'string') return data;
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContractError(ContractErrorCode.INVALID_JSON, `${className} is not valid JSON: ${reason}`);
  }
}

/**
 * Checks an incoming message against its contract class and returns a typed
 * instance. `data` may be the raw bytes of a NATS message, a JSON string, or an
 * already-parsed value. Properties the class does not declare are dropped (a
 * newer sender may add fields; this reader ignores them), every declared one is
 * validated. Throws ContractError(INVALID_JSON | INVALID_MESSAGE) with the
 * failed fields.
 */
export function validateMessage<T extends object>(cls: ClassConstructor<T>, data: unknown): T {
  const value = parse(data, cls.name);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new ContractError(
      ContractErrorCode.INVALID_MESSAGE,
      `${cls.name} must be a JSON object, got ${found}`,
      [{ field: '', constraints: ['must be an object'] }],
    );
  }
  const instance = plainToInstance(cls, value);
  const fieldErrors = flatten(validateSync(instance, { whitelist: true, forbidUnknownValues: true }));
  if (fieldErrors.length > 0) {
    const summary = fieldErrors.map((e) => e.constraints.join(', ')).join('; ');
    throw new ContractError(
      ContractErrorCode.INVALID_MESSAGE,
      `${cls.name} is invalid: ${summary}`,
      fieldErrors,
    );
  }
  return instance;
}

/** The wire form of a message: UTF-8 JSON. */
export function encodeMessage(message: object): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message));
}
