import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{engine,server,sdk,client,plugins/*}/src/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
