const preset = require('../../../jest.preset.cjs');

// Unit specs of the benchmark's helpers only; the benchmark itself is a program (make bench-provisioning), not a test.
module.exports = {
  ...preset,
  displayName: 'bench-provisioning',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
