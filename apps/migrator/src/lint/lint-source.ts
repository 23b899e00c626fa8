import { LintRule, matchRules } from './lint-rules';
import { splitSql } from './sql-statements';
import { scanStringLiterals } from './string-literals';

export interface LintFinding {
  file: string;
  line: number;
  rule: LintRule;
  /** The statement, whitespace collapsed and shortened. */
  statement: string;
}

export const ANNOTATION = 'expand-contract-ok:';
const STATEMENT_PREVIEW = 160;

type Annotation = { kind: 'none' } | { kind: 'reasoned' } | { kind: 'empty'; line: number };

function readAnnotation(lineText: string): Annotation {
  const at = lineText.indexOf(ANNOTATION);
  if (at < 0) return { kind: 'none' };
  // What follows the colon, minus a closing block comment; a reason needs at least one letter or digit.
  const reason = lineText.slice(at + ANNOTATION.length).replace(/\*\/.*$/, '');
  return /[A-Za-z0-9]/.test(reason) ? { kind: 'reasoned' } : { kind: 'empty', line: 0 };
}

/**
 * The annotation covering a statement: on any line from the one just before
 * the statement begins through the line of the offending clause (so a comment
 * above `await queryRunner.query(` counts for the SQL inside it).
 */
function findAnnotation(lines: readonly string[], fromLine: number, toLine: number): Annotation {
  let empty: Annotation = { kind: 'none' };
  for (let n = Math.max(1, fromLine); n <= toLine; n += 1) {
    const found = readAnnotation(lines[n - 1] ?? '');
    if (found.kind === 'reasoned') return found;
    if (found.kind === 'empty') empty = { kind: 'empty', line: n };
  }
  return empty;
}

function preview(raw: string): string {
  const flat = raw.replace(/\s+/g, ' ').trim();
  return flat.length > STATEMENT_PREVIEW ? `${flat.slice(0, STATEMENT_PREVIEW - 3)}...` : flat;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i += 1) if (text.charCodeAt(i) === 10) count += 1;
  return count;
}

/**
 * Destructive SQL in the `up()` of one migration source. `down()` is exempt on
 * purpose: it reverses an expand step, so dropping what `up()` added is its
 * job; and strings outside both methods are not statements that run.
 */
export function lintSource(file: string, source: string): LintFinding[] {
  const lines = source.split('\n');
  const findings: LintFinding[] = [];
  for (const literal of scanStringLiterals(source)) {
    if (literal.region !== 'up') continue;
    splitSql(literal.text).forEach((statement, index) => {
      const leading = statement.raw.length - statement.raw.trimStart().length;
      const statementLine = literal.line + countNewlines(literal.text, statement.offset + leading);
      // The first statement of a literal also owns the line above the literal's opening quote.
      const windowStart = (index === 0 ? Math.min(literal.line, statementLine) : statementLine) - 1;
      for (const match of matchRules(statement.normalized)) {
        const line = literal.line + countNewlines(literal.text, statement.offset + match.offset);
        const annotation = findAnnotation(lines, windowStart, line);
        if (annotation.kind === 'reasoned') continue;
        const text = preview(statement.raw);
        findings.push({ file, line, rule: match.rule, statement: text });
        if (annotation.kind === 'empty') {
          findings.push({
            file,
            line: annotation.line,
            rule: LintRule.ANNOTATION_WITHOUT_REASON,
            statement: text,
          });
        }
      }
    });
  }
  return findings;
}
