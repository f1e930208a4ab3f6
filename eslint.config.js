// The linter: ESLint's and typescript-eslint's recommended rules (without type
// information, so a run stays quick) over every part of the tree; `npm run
// lint` fails on any warning. Each rule turned off or narrowed says why.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/", "**/dist/", "bench/results/", "docs/api/", "test-results/", ".taiku/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { ...globals.node, ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Its flow analysis misses closures that overwrite a value before it is read (keyHistory's per-transaction capture).
      "no-useless-assignment": "off",
      // prom-client calls `collect()` with the metric as `this`, and a test relay's getters do the same: the owner is named instead.
      "@typescript-eslint/no-this-alias": ["error", { allowedNames: ["metrics", "relay"] }],
      // A variable closures read before its single assignment cannot be const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-unused-expressions": ["error", { allowTernary: true, allowShortCircuit: true }],
    },
  },
  {
    // These validators of untrusted names, paths and messages match control characters on purpose
    // (elsewhere each such pattern carries its own disable comment).
    files: ["engine/src/kv/jsonBytes.ts", "engine/src/manifest/*.ts", "engine/src/protocol/*.ts", "server/src/plugins/resolveAssetPath.ts", "server/src/plugins/checkModulePath.ts", "server/src/http/routes/workspaceRoutes.ts"],
    rules: { "no-control-regex": "off" },
  },
  {
    // Solid's `ref={el}` assigns the variable in compiled JSX, which the rule cannot see.
    files: ["**/*.tsx"],
    rules: { "no-unassigned-vars": "off" },
  },
  {
    // Tests and benchmarks read loosely typed JSON answers.
    files: ["**/*.test.ts", "**/*.test.tsx", "test/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
