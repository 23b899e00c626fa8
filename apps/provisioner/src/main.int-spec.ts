import { RegistryTenant } from '@sysmanage/schema';
import { describeServiceBasics } from '@sysmanage/testing';
import { bootstrap } from './main';

jest.setTimeout(60_000);

describeServiceBasics('provisioner', bootstrap, {
  registryEntity: RegistryTenant,
  extraTests: ({ rawLines }) => {
    it('does not start the provisioning worker with multitenancy off, and logs why', () => {
      const lines = rawLines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toContainEqual(
        expect.objectContaining({
          context: 'Provisioning',
          level: 'info',
          msg: 'provisioning worker not started: multitenancy.enabled is false (collapsed mode has one implicit tenant and nothing to provision)',
        }),
      );
      expect(lines.some((l) => l['context'] === 'ProvisioningWorker')).toBe(false);
    });
  },
});
