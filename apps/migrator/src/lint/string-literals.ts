/** Which migration method a string literal sits in. */
export type MethodRegion = 'up' | 'down' | 'other';

export interface StringLiteral {
  /**
   * The literal's raw source text between its quotes; template expressions
   * `${...}` become the placeholder `__expr__` followed by the newlines they
   * spanned, so counting newlines still gives the source line.
   */
  text: string;
  /** 1-based source line of the opening quote. */
  line: number;
  region: MethodRegion;
}

const EXPR_PLACEHOLDER = '__expr__';
/** After these, a `/` starts a regular expression rather than a division. */
const REGEX_PRECEDERS = new Set([
  '',
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
]);

interface Region {
  name: 'up' | 'down';
  depth: number;
}

/**
 * A small TypeScript lexer, enough to find every string literal of a migration
 * file and whether it lies inside `up()` or `down()`. It understands comments,
 * the three quote kinds, nested template expressions and regular expression
 * literals; it deliberately does not pull in the TypeScript compiler, which is
 * a development dependency the shipped migrator does not have.
 */
export function scanStringLiterals(source: string): StringLiteral[] {
  const literals: StringLiteral[] = [];
  const regions: Region[] = [];
  let i = 0;
  let line = 1;
  let braceDepth = 0;
  let lastSignificant = '';
  let identifierBeforeParen: 'up' | 'down' | null = null;
  let parenDepth = 0;
  let awaitingBody: 'up' | 'down' | null = null;

  const region = (): MethodRegion => regions.at(-1)?.name ?? 'other';
  const advance = (): string => {
    const ch = source[i] as string;
    if (ch === '\n') line += 1;
    i += 1;
    return ch;
  };

  const readQuoted = (quote: string): void => {
    const startLine = line;
    advance();
    let text = '';
    while (i < source.length && source[i] !== quote && source[i] !== '\n') {
      if (source[i] === '\\') text += advance();
      text += advance();
    }
    advance();
    literals.push({ text, line: startLine, region: region() });
  };

  /** Reads template text from after a backtick or a closing `}` up to the next `${` or closing backtick. */
  const readTemplate = (startLine: number, prefix: string): void => {
    let text = prefix;
    while (i < source.length) {
      const ch = source[i] as string;
      if (ch === '\\') {
        text += advance();
        text += advance();
      } else if (ch === '`') {
        advance();
        literals.push({ text, line: startLine, region: region() });
        return;
      } else if (ch === '$' && source[i + 1] === '{') {
        // Skip the expression, keeping only its newlines, then continue the same literal.
        advance();
        advance();
        text += EXPR_PLACEHOLDER;
        let depth = 1;
        while (i < source.length && depth > 0) {
          const c = source[i] as string;
          if (c === '{') depth += 1;
          else if (c === '}') depth -= 1;
          else if (c === '`' || c === "'" || c === '"') {
            // A string inside the expression: scan it as code so its braces do not count.
            const before = literals.length;
            if (c === '`') {
              const l = line;
              advance();
              readTemplate(l, '');
            } else readQuoted(c);
            literals.length = before;
            continue;
          }
          if (depth > 0 && c === '\n') text += '\n';
          advance();
        }
      } else {
        text += advance();
      }
    }
  };

  const skipRegex = (): void => {
    advance();
    let inClass = false;
    while (i < source.length && source[i] !== '\n') {
      const ch = advance();
      if (ch === '\\') advance();
      else if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      else if (ch === '/' && !inClass) break;
    }
  };

  while (i < source.length) {
    const ch = source[i] as string;
    const next = source[i + 1];
    if (ch === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') advance();
    } else if (ch === '/' && next === '*') {
      advance();
      advance();
      while (i < source.length && !(source[i] === '*' && source[i + 1] === '/')) advance();
      advance();
      advance();
    } else if (ch === "'" || ch === '"') {
      readQuoted(ch);
      lastSignificant = 'str';
    } else if (ch === '`') {
      const startLine = line;
      advance();
      readTemplate(startLine, '');
      lastSignificant = 'str';
    } else if (ch === '/' && REGEX_PRECEDERS.has(lastSignificant)) {
      skipRegex();
      lastSignificant = 'regex';
    } else if (/[A-Za-z_$]/.test(ch)) {
      let word = '';
      while (i < source.length && /[\w$]/.test(source[i] as string)) word += advance();
      const isMember = lastSignificant === '.';
      lastSignificant = 'id';
      identifierBeforeParen = !isMember && (word === 'up' || word === 'down') ? word : null;
    } else if (/\s/.test(ch)) {
      advance();
    } else {
      advance();
      if (ch === '(') {
        if (identifierBeforeParen !== null && parenDepth === 0 && lastSignificant === 'id') {
          awaitingBody = identifierBeforeParen;
        }
        parenDepth += 1;
      } else if (ch === ')') {
        parenDepth = Math.max(0, parenDepth - 1);
      } else if (ch === ';') {
        awaitingBody = null;
      } else if (ch === '{') {
        if (awaitingBody !== null && parenDepth === 0) {
          regions.push({ name: awaitingBody, depth: braceDepth });
          awaitingBody = null;
        }
        braceDepth += 1;
      } else if (ch === '}') {
        braceDepth -= 1;
        if (regions.length > 0 && regions.at(-1)?.depth === braceDepth) regions.pop();
      }
      identifierBeforeParen = null;
      lastSignificant = ch;
    }
  }
  return literals;
}
