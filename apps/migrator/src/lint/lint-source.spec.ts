import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LintRule } from './lint-rules';
import { lintSource } from './lint-source';

const fixture = (name: string): [string, string] => {
  const file = path.join(__dirname, '__fixtures__', name);
  return [name, readFileSync(file, 'utf8')];
};

describe('lintSource', () => {
  it('flags a DROP COLUMN in up() without the annotation, with file, line, rule and statement', () => {
    const findings = lintSource(...fixture('drop-column-unannotated.ts'));
    expect(findings).toEqual([
      {
        file: 'drop-column-unannotated.ts',
        line: 6,
        rule: LintRule.DROP_COLUMN,
        statement: 'ALTER TABLE "hosts" DROP COLUMN "legacy_name"',
      },
    ]);
  });

  it('accepts drops annotated with a reason on the line before or on the same line', () => {
    expect(lintSource(...fixture('drop-column-annotated.ts'))).toEqual([]);
  });

  it('rejects an annotation without a reason, reporting both the statement and the empty annotation', () => {
    const findings = lintSource(...fixture('annotation-without-reason.ts'));
    expect(findings.map((f) => [f.line, f.rule])).toEqual([
      [6, LintRule.DROP_COLUMN],
      [5, LintRule.ANNOTATION_WITHOUT_REASON],
    ]);
  });

  it('passes CREATE TABLE, indexes, ADD ... NOT NULL DEFAULT, comments and quoted text; down() drops are allowed', () => {
    expect(lintSource(...fixture('create-table.ts'))).toEqual([]);
  });

  it('knows every destructive rule and leaves constraint and default changes alone', () => {
    const findings = lintSource(...fixture('every-rule.ts'));
    expect(findings.map((f) => [f.line, f.rule])).toEqual([
      [6, LintRule.DROP_TABLE],
      [7, LintRule.RENAME_COLUMN],
      [8, LintRule.RENAME_TABLE],
      [9, LintRule.ALTER_COLUMN_TYPE],
      [10, LintRule.SET_NOT_NULL],
      [11, LintRule.ADD_COLUMN_NOT_NULL_WITHOUT_DEFAULT],
    ]);
  });

  it('reports the line of the offending clause inside a multi-line template and splits statements on semicolons', () => {
    const source = [
      'export class M1700000000006 {',
      '  async up(q: { query(sql: string): Promise<void> }): Promise<void> {',
      '    await q.query(`',
      "      UPDATE hosts SET note = 'a;b';",
      '      ALTER TABLE "hosts"',
      '        ALTER COLUMN "x" SET DATA TYPE text',
      '    `);',
      '  }',
      '}',
    ].join('\n');
    const findings = lintSource('inline.ts', source);
    expect(findings).toEqual([
      {
        file: 'inline.ts',
        line: 6,
        rule: LintRule.ALTER_COLUMN_TYPE,
        statement: 'ALTER TABLE "hosts" ALTER COLUMN "x" SET DATA TYPE text',
      },
    ]);
  });

  it('ignores strings outside up() and down(), and method calls named up on another object', () => {
    const source = [
      "const NOTE = 'DROP TABLE hosts';",
      'export class M1700000000007 {',
      '  async up(q: { up(s: string): void; query(s: string): Promise<void> }): Promise<void> {',
      "    q.up('fine');",
      "    await q.query('CREATE TABLE t (id int)');",
      '  }',
      '  async down(q: { query(s: string): Promise<void> }): Promise<void> {',
      "    await q.query('DROP TABLE t');",
      '  }',
      '}',
    ].join('\n');
    expect(lintSource('m.ts', source)).toEqual([]);
  });

  it('does not mistake a regular expression containing a quote for a string', () => {
    const source = [
      'export class M1700000000008 {',
      '  async up(q: { query(s: string): Promise<void> }): Promise<void> {',
      "    const quoted = /'[^']*'/g;",
      "    await q.query(`ALTER TABLE t DROP COLUMN c`.replace(quoted, ''));",
      '  }',
      '}',
    ].join('\n');
    expect(lintSource('r.ts', source).map((f) => [f.line, f.rule])).toEqual([[4, LintRule.DROP_COLUMN]]);
  });
});
