// A separate process that starts harness instances and then waits to be
// killed, so tests can check what happens when a test runner dies.
// TypeScript is compiled on the fly with @swc/core (already used by Jest).
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const src = path.join(__dirname, '..');
const { startPostgres } = require(path.join(src, 'postgres', 'pg-server.ts'));
const { startNats } = require(path.join(src, 'nats', 'start-nats.ts'));

(async () => {
  const pg = await startPostgres({ name: 'child' });
  const nats = await startNats();
  process.stdout.write(
    `${JSON.stringify({ pgPid: pg.pid, natsPid: nats.pid, dirs: [path.dirname(pg.dataDir), path.dirname(nats.storeDir)] })}\n`,
  );
  setInterval(() => undefined, 60_000);
})().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
