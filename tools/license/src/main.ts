import { runLicenseCli } from './cli/run-license-cli';

export { runLicenseCli } from './cli/run-license-cli';
export type { LicenseCliIo } from './cli/cli-io';

// Run when started as a program (`node dist/tools/license/src/main.js ...`);
// stay quiet when imported (tests, tools/run-app.mjs).
if (require.main === module) {
  runLicenseCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
