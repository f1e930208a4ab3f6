import { describe, expect, it } from "vitest";
import { parseShareArgs } from "./runShare";

describe("taiku share arguments", () => {
  it("reads the session, --fs, --server and --token, with the environment as fallback", () => {
    expect(parseShareArgs(["s1", "--fs", "--server", "http://h:1", "--token", "t"], {})).toEqual({ sessionId: "s1", fs: true, server: "http://h:1", token: "t" });
    expect(parseShareArgs(["--fs", "s1"], { TAIKU_TOKEN: "env", PORT: "9" })).toEqual({ sessionId: "s1", fs: true, server: "http://127.0.0.1:9", token: "env" });
    expect(parseShareArgs(["s1", "--server=http://x:2"], { TAIKU_TOKEN: "t" })).toMatchObject({ server: "http://x:2", fs: false });
  });

  it("explains what is missing or wrong instead of starting", () => {
    for (const args of [[], ["bad/id"], ["s1", "s2"], ["s1", "--bogus"], ["s1", "--server", "ftp://x"], ["s1"]]) {
      expect(parseShareArgs(args, {})).toEqual({ error: expect.stringMatching(/usage: taiku share/) });
    }
  });
});
