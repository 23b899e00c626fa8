import { CHAINS } from '@sysmanage/schema';
import { BenchAddHostNote4102444800000 } from './bench-migration';

/**
 * Preloaded into `sysmanage-migrate` (`node -r <this file> main.js ...`): the
 * migrator's own fan-out, credential provider and chain runner then see one
 * more tenant migration at the end of the chain. The migrator reads the chain
 * from the one `@sysmanage/schema` module instance this file also loads
 * (dist/node_modules/@sysmanage/schema), so nothing else changes.
 */
const migrations = CHAINS.tenant.migrations;
if (Object.isFrozen(migrations)) {
  throw new Error('CHAINS.tenant.migrations is frozen: the bench cannot append its migration any more');
}
if (!migrations.includes(BenchAddHostNote4102444800000)) migrations.push(BenchAddHostNote4102444800000);
