/** The destructive changes expand-contract forbids in one step (DESIGN.md section 7). */
export enum LintRule {
  DROP_TABLE = 'drop-table',
  DROP_COLUMN = 'drop-column',
  RENAME_TABLE = 'rename-table',
  RENAME_COLUMN = 'rename-column',
  ALTER_COLUMN_TYPE = 'alter-column-type',
  SET_NOT_NULL = 'set-not-null',
  ADD_COLUMN_NOT_NULL_WITHOUT_DEFAULT = 'add-column-not-null-without-default',
  /** An `expand-contract-ok:` annotation with nothing after the colon. */
  ANNOTATION_WITHOUT_REASON = 'annotation-without-reason',
}

export interface RuleMatch {
  rule: LintRule;
  /** Offset of the offending clause in the statement. */
  offset: number;
}

const IDENT = String.raw`(?:"[^"]+"|[\w$.]+)`;
const ALTER_TABLE = new RegExp(
  String.raw`\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${IDENT}(?:\.${IDENT})?`,
  'gi',
);

/** ALTER TABLE actions, each classified on its own. */
const CLAUSE_RULES: Array<[RegExp, LintRule]> = [
  [/^DROP\s+(?!CONSTRAINT\b)/i, LintRule.DROP_COLUMN],
  [/^RENAME\s+TO\b/i, LintRule.RENAME_TABLE],
  [
    new RegExp(String.raw`^RENAME\s+(?!CONSTRAINT\b)(?:COLUMN\s+)?${IDENT}\s+TO\b`, 'i'),
    LintRule.RENAME_COLUMN,
  ],
  [
    new RegExp(String.raw`^ALTER\s+(?:COLUMN\s+)?${IDENT}\s+(?:SET\s+DATA\s+)?TYPE\b`, 'i'),
    LintRule.ALTER_COLUMN_TYPE,
  ],
  [new RegExp(String.raw`^ALTER\s+(?:COLUMN\s+)?${IDENT}\s+SET\s+NOT\s+NULL\b`, 'i'), LintRule.SET_NOT_NULL],
];
const ADD_COLUMN = /^ADD\s+(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|FOREIGN\b|CHECK\b|EXCLUDE\b)/i;

/** Splits an ALTER TABLE's action list on commas outside parentheses, keeping each action's offset. */
function clauses(actions: string, base: number): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let depth = 0;
  let start = 0;
  const push = (end: number): void => {
    const piece = actions.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    if (piece.trim() !== '') out.push({ text: piece.trim(), offset: base + start + lead });
  };
  for (let i = 0; i < actions.length; i += 1) {
    const ch = actions[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  push(actions.length);
  return out;
}

function classifyClause(text: string): LintRule | null {
  for (const [pattern, rule] of CLAUSE_RULES) if (pattern.test(text)) return rule;
  if (ADD_COLUMN.test(text) && /\bNOT\s+NULL\b/i.test(text) && !/\b(?:DEFAULT|GENERATED)\b/i.test(text)) {
    // GENERATED (identity or stored expression) fills existing rows just as a DEFAULT does.
    return LintRule.ADD_COLUMN_NOT_NULL_WITHOUT_DEFAULT;
  }
  return null;
}

/** Every destructive change in one normalized statement (comments and string contents already blanked). */
export function matchRules(statement: string): RuleMatch[] {
  const matches: RuleMatch[] = [];
  for (const m of statement.matchAll(/\bDROP\s+TABLE\b/gi))
    matches.push({ rule: LintRule.DROP_TABLE, offset: m.index });
  const heads = [...statement.matchAll(ALTER_TABLE)];
  heads.forEach((head, n) => {
    const actionsStart = head.index + head[0].length;
    const actionsEnd = heads[n + 1]?.index ?? statement.length;
    // In a DO block several statements share one "statement"; stop at the first inner semicolon.
    const semi = statement.indexOf(';', actionsStart);
    const end = semi >= 0 && semi < actionsEnd ? semi : actionsEnd;
    for (const clause of clauses(statement.slice(actionsStart, end), actionsStart)) {
      const rule = classifyClause(clause.text);
      if (rule !== null) matches.push({ rule, offset: clause.offset });
    }
  });
  return matches.sort((a, b) => a.offset - b.offset);
}
