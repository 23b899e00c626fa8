// Transpiles one Nx project's sources (src/**/*.ts, tests excluded) into
// dist/<projectRoot>/ with swc (decorator metadata included; type checking is
// the separate `typecheck` target). Library aliases resolve at run time through
// dist/node_modules/@sysmanage/<lib>, a one-line re-export of the built barrel,
// so built code needs no path rewriting and no runtime resolver hook.
import { transformFile } from '@swc/core';
import { mkdir, readdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const workspace = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const projectRoot = process.argv[2];
if (!projectRoot) {
  console.error('usage: node tools/build.mjs <projectRoot>');
  process.exit(2);
}
const srcDir = path.join(workspace, projectRoot, 'src');
const outDir = path.join(workspace, 'dist', projectRoot);
const isTest = (name) => /\.(spec|int-spec|e2e-spec)\.ts$/.test(name);

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__') yield* sources(full);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isTest(entry.name)) {
      yield full;
    }
  }
}

await rm(outDir, { recursive: true, force: true });
let count = 0;
for await (const file of sources(srcDir)) {
  const rel = path.relative(path.join(workspace, projectRoot), file);
  const target = path.join(outDir, rel.replace(/\.ts$/, '.js'));
  const { code, map } = await transformFile(file, {
    sourceMaps: true,
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  });
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
  await writeFile(`${target}.map`, map);
  count += 1;
}

// Every build (re)writes the alias shims of all built libraries, so a library
// output restored from a cache without its shim still resolves.
const builtLibs = path.join(workspace, 'dist', 'libs');
for (const name of await readdir(builtLibs).catch(() => [])) {
  const shim = path.join(workspace, 'dist', 'node_modules', '@sysmanage', name);
  await mkdir(shim, { recursive: true });
  const barrel = path.relative(shim, path.join(builtLibs, name, 'src', 'index.js'));
  await writeFile(
    path.join(shim, 'index.js'),
    `module.exports = require('${barrel.split(path.sep).join('/')}');\n`,
  );
}
console.log(`built ${projectRoot}: ${count} files -> ${path.relative(workspace, outDir)}`);
