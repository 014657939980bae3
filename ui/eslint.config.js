import js from "@eslint/js";
import ts from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import globals from "globals";

export default ts.config(
  { ignores: ["dist/", "node_modules/"] },
  js.configs.recommended,
  ...ts.configs.strict,
  ...svelte.configs["flat/recommended"],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    files: ["src/**/*.test.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
  {
    // Only the IPC module may talk to Tauri; screens go through its typed calls.
    files: ["src/**/*.ts", "src/**/*.svelte"],
    ignores: ["src/lib/ipc.ts", "src/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["@tauri-apps/*"] }],
    },
  },
  {
    // Screens and components act through the query/mutation/actions hooks (lib/query.svelte.ts),
    // which own loading, pending and error state; raw call() stays in lib/ and App.
    files: ["src/screens/**", "src/components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@tauri-apps/*"], message: "Only lib/ipc.ts talks to Tauri." },
            {
              group: ["**/lib/ipc"],
              importNames: ["call"],
              message: "Screens act through query(), mutation() or actions() from lib/query.svelte.",
            },
          ],
        },
      ],
    },
  },
  {
    // lib/ holds pure helpers (formatting, the scanner, permissions) and the one IPC module: only
    // screens (and App, which picks the screen) reach the app, through call() or the
    // query()/mutation() hooks. Types may be imported anywhere.
    files: ["src/lib/**/*.ts"],
    ignores: ["src/lib/ipc.ts", "src/lib/query.svelte.ts", "src/lib/ipc-types.ts", "src/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["./ipc", "./query.svelte", "../screens/*"],
              allowTypeImports: true,
              message: "lib/ stays pure: call the app from a screen (call(), query(), mutation()).",
            },
          ],
        },
      ],
    },
  },
);
