const MAX_SHOWN = 80;

/**
 * How a rejected value is quoted in a message: strings in JSON quotes (so
 * `got "abc"` shows blanks and emptiness), secrets only by their kind.
 */
export function describeValue(raw: unknown, secret = false): string {
  const kind =
    raw === null
      ? 'null'
      : Array.isArray(raw)
        ? 'a list'
        : typeof raw === 'object'
          ? 'a mapping'
          : `a ${typeof raw}`;
  if (secret) return `${kind} (value hidden)`;
  if (raw === null || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  const text = JSON.stringify(raw) ?? kind;
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
