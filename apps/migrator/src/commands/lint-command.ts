import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrateCliArgs } from '../cli/cli-args';
import type { CliIo } from '../cli/cli-io';
import { MigratorError, MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import { defaultMigrationFiles, findRepoRoot } from '../lint/migration-files';
import { lintSource, type LintFinding } from '../lint/lint-source';

async function readSource(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new MigratorError(
      MigratorErrorCode.LINT_FILE_UNREADABLE,
      `cannot read ${file}: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
}

/** `lint [files...]`: exit 1 when any finding, 0 when clean; needs no configuration or database. */
export async function runLintCommand(args: MigrateCliArgs, io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const files =
    args.files.length > 0
      ? args.files.map((f) => path.resolve(cwd, f))
      : await defaultMigrationFiles(findRepoRoot(cwd));
  if (files.length === 0) {
    throw new MigratorError(
      MigratorErrorCode.LINT_NO_FILES,
      'no migration files found under libs/schema/src/**/migrations/ (run from the repository, or name the files)',
    );
  }
  const findings: LintFinding[] = [];
  for (const file of files) {
    findings.push(...lintSource(path.relative(cwd, file) || file, await readSource(file)));
  }
  const exitCode = findings.length > 0 ? 1 : 0;
  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({ command: 'lint', files: files.length, findings, exitCode }, null, 2)}\n`,
    );
    return exitCode;
  }
  for (const f of findings) io.stdout.write(`${f.file}:${f.line} ${f.rule} ${f.statement}\n`);
  const noun = files.length === 1 ? 'file' : 'files';
  const verdict =
    findings.length === 0
      ? 'no destructive statements'
      : `${findings.length} finding(s); annotate intended ones with "expand-contract-ok: <reason>"`;
  io.stdout.write(`lint: ${files.length} migration ${noun}, ${verdict}\n`);
  return exitCode;
}
