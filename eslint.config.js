// ESLint for every .js file of the project: the report's and the playground's ES modules
// (run in a browser), their unit tests and this file (run by Node).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", ".venv/", "build/", "dist/", "docs/_build/", "docs/auto_examples/"] },
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "no-implicit-globals": "error",
      "no-restricted-globals": ["error", "event", "name", "length", "status"],
      "no-restricted-properties": [
        "error",
        { object: "window", message: "a module exports what it shares; no window globals" },
      ],
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    files: ["src/**/web/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { globals: { ...globals.node } },
  },
];
