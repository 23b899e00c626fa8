const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'license',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
};
