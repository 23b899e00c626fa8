import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Dependency matrix between Nx projects, by tag. Apps never import apps (no
// constraint allows type:app as a target); libraries never import apps; the
// contracts and util layers depend on nothing above them.
const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:data', 'type:contracts', 'type:util', 'type:testing'],
  },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:data', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:data', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:registry', onlyDependOnLibsWithTags: ['scope:registry', 'scope:shared'] },
  { sourceTag: 'scope:provisioner', onlyDependOnLibsWithTags: ['scope:provisioner', 'scope:shared'] },
  { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:ingest', 'scope:shared'] },
  { sourceTag: 'scope:migrator', onlyDependOnLibsWithTags: ['scope:migrator', 'scope:shared'] },
  // Whole-system tests (e2e/) run the services as built processes; they import shared libraries only.
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/coverage', 'data/**', 'tmp/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: true,
          depConstraints,
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@sysmanage/*/*'],
              message: 'Import a library by its alias only (its index.ts barrel).',
            },
            {
              group: ['**/libs/*', '../**/apps/*'],
              message: 'Import other projects by alias, never by a relative path.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Tests of any project may use the real-dependency harness (libs/testing);
    // production code of data/contracts/util libraries still may not.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/__fixtures__/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: true,
          depConstraints: depConstraints.map((c) =>
            c.sourceTag.startsWith('type:') && c.sourceTag !== 'type:testing'
              ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
              : c,
          ),
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
];
