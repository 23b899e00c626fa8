export interface SqlStatement {
  /** Statement text with comments and quoted string contents blanked (newlines kept). */
  normalized: string;
  /** The statement as written, for the report. */
  raw: string;
  /** Offset of the statement in the literal's text. */
  offset: number;
}

/**
 * Splits SQL on top-level semicolons. Comments and the contents of '...'
 * strings are blanked (so "-- we never DROP TABLE" or a COMMENT ON text cannot
 * trip a rule) while every newline stays, so an offset still maps to a line.
 * Dollar-quoted bodies (DO $$ ... $$) are kept, as their DDL counts too, but
 * their semicolons do not split.
 */
export function splitSql(text: string): SqlStatement[] {
  let normalized = '';
  let i = 0;
  let dollarTag: string | null = null;
  const cuts: number[] = [];
  const blank = (ch: string): string => (ch === '\n' ? '\n' : ' ');
  while (i < text.length) {
    const ch = text[i] as string;
    if (dollarTag === null && ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') {
        normalized += ' ';
        i += 1;
      }
    } else if (dollarTag === null && ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (; i < stop; i += 1) normalized += blank(text[i] as string);
    } else if (ch === "'") {
      normalized += "'";
      i += 1;
      while (i < text.length) {
        if (text[i] === "'" && text[i + 1] === "'") {
          normalized += '  ';
          i += 2;
        } else if (text[i] === "'") {
          break;
        } else {
          normalized += blank(text[i] as string);
          i += 1;
        }
      }
      if (i < text.length) {
        normalized += "'";
        i += 1;
      }
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag !== undefined && (dollarTag === null || dollarTag === tag))
        dollarTag = dollarTag === null ? tag : null;
      const piece = tag ?? '$';
      normalized += piece;
      i += piece.length;
    } else {
      if (ch === ';' && dollarTag === null) cuts.push(i);
      normalized += ch;
      i += 1;
    }
  }
  const statements: SqlStatement[] = [];
  let start = 0;
  for (const end of [...cuts, text.length]) {
    const piece = normalized.slice(start, end);
    if (piece.trim() !== '')
      statements.push({ normalized: piece, raw: text.slice(start, end), offset: start });
    start = end + 1;
  }
  return statements;
}
