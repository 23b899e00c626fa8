const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'provisioner',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
};
