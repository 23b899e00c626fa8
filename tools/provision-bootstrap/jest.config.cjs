const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'provision-bootstrap',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
};
