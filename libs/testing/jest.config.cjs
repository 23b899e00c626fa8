const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'testing',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
  // Suites start real servers; a cold PostgreSQL template or OpenBAO start takes seconds.
  testTimeout: 30_000,
};
