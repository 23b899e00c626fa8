// Runs one of the workspace's programs from its build: `node tools/run-app.mjs
// <project> [args...]`. Builds the project and the libraries it uses first
// (Nx caches the build, so an unchanged tree costs a second or two), then
// replaces itself with the program, passing arguments, stdio and exit code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const workspace = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const programs = {
  registry: 'apps/registry',
  provisioner: 'apps/provisioner',
  ingest: 'apps/ingest',
  migrator: 'apps/migrator',
  license: 'tools/license',
  'provision-bootstrap': 'tools/provision-bootstrap',
};
const [project, ...args] = process.argv.slice(2);
const root = programs[project];
if (!root) {
  console.error(`usage: node tools/run-app.mjs <${Object.keys(programs).join('|')}> [args...]`);
  process.exit(2);
}
const nxProject = project;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
if (process.env.SYSMANAGE_SKIP_BUILD !== '1') {
  const build = spawnSync(
    path.join(workspace, 'node_modules', '.bin', 'nx'),
    ['run', `${nxProject}:build`, '--output-style=static', '--verbose=false'],
    { cwd: workspace, env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (build.status !== 0) {
    console.error(`run-app: building ${nxProject} failed (run \`npx nx run ${nxProject}:build\` to see why)`);
    process.exit(build.status ?? 1);
  }
}
const main = path.join(workspace, 'dist', root, 'src', 'main.js');
if (!existsSync(main)) {
  console.error(`run-app: ${main} is missing after the build`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--enable-source-maps', main, ...args], {
  stdio: 'inherit',
  env: process.env,
});
if (run.signal) process.kill(process.pid, run.signal);
process.exit(run.status ?? 1);
