import { runProvisionBootstrapCli } from './cli/run-provision-bootstrap';

export { runProvisionBootstrapCli } from './cli/run-provision-bootstrap';
export { ProvisionBootstrapExit, type ProvisionBootstrapIo } from './cli/cli-io';

// Run when started as a program (`node dist/tools/provision-bootstrap/src/main.js ...`);
// stay quiet when imported (tests, tools/run-app.mjs).
if (require.main === module) {
  runProvisionBootstrapCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
