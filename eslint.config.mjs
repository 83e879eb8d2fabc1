import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'lib/**/*.js', 'lib/**/*.d.ts', 'assets/**', 'packages/*/lib/**', 'dist/**', 'cdk.out/**',
      'coverage/**', 'bench/**/node_modules/**', '.bench-tmp/**', '.readme-snippets-*/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
