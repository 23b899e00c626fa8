const preset = require('../jest.preset.cjs');

// Whole-system tests: the built services as real processes over real
// PostgreSQL (scram), NATS and OpenBAO. One stack per file, built in beforeAll.
module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
};
