const preset = require('../../../jest.preset.cjs');

// Unit specs of the benchmark's helpers only; the benchmark itself is a program (make bench-ingest), not a test.
module.exports = {
  ...preset,
  displayName: 'bench-ingest',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
