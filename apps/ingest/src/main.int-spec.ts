import { RegistryTenant } from '@sysmanage/schema';
import { describeServiceBasics } from '@sysmanage/testing';
import { bootstrap } from './main';

jest.setTimeout(60_000);

describeServiceBasics('ingest', bootstrap, { registryEntity: RegistryTenant });
