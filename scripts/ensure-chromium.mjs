#!/usr/bin/env node
// The browser tests drive Debian's Chromium at /usr/bin/chromium (or
// $CHROMIUM_PATH). If it is missing and we are root on Debian, install it;
// otherwise say exactly what to run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(path)) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !existsSync("/usr/bin/apt-get")) {
    console.error(`taiku: the browser tests need Chromium at ${path}. Install it (Debian: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  console.log("taiku: installing Debian's chromium for the browser tests");
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (result.status !== 0) {
      console.error(`taiku: apt-get ${args.join(" ")} failed (exit ${result.status})`);
      process.exit(1);
    }
  }
}
