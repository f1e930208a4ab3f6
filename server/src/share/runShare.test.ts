import { describe, expect, it } from "vitest";
import { parseShareArgs } from "./runShare";

const HOST_TOKEN = `taiku-host.0123456789abcdef.${"a".repeat(43)}`;

describe("taiku share arguments", () => {
  it("reads the session, --fs, --server and --token, with TAIKU_HOST_TOKEN and TAIKU_SERVER as fallback", () => {
    expect(parseShareArgs(["s1", "--fs", "--server", "http://h:1", "--token", HOST_TOKEN], {})).toEqual({ sessionId: "s1", fs: true, server: "http://h:1", token: HOST_TOKEN });
    expect(parseShareArgs(["--fs", "s1"], { TAIKU_HOST_TOKEN: HOST_TOKEN, PORT: "9" })).toEqual({ sessionId: "s1", fs: true, server: "http://127.0.0.1:9", token: HOST_TOKEN });
    expect(parseShareArgs(["s1", "--server=http://x:2"], { TAIKU_HOST_TOKEN: HOST_TOKEN })).toMatchObject({ server: "http://x:2", fs: false });
    expect(parseShareArgs(["s1"], { TAIKU_HOST_TOKEN: HOST_TOKEN, TAIKU_SERVER: "https://taiku.example" })).toMatchObject({ server: "https://taiku.example" });
  });

  it("explains what is missing or wrong instead of starting", () => {
    for (const args of [[], ["bad/id"], ["s1", "s2"], ["s1", "--bogus"], ["s1", "--server", "ftp://x"], ["s1"]]) {
      expect(parseShareArgs(args, { TAIKU_HOST_TOKEN: args.length === 1 && args[0] === "s1" ? "" : HOST_TOKEN })).toEqual({ error: expect.stringMatching(/usage: taiku share/) });
    }
  });

  it("says where a host token comes from, and refuses a login token", () => {
    expect(parseShareArgs(["s1"], {})).toEqual({ error: expect.stringMatching(/host token is required: create one with "Share a shell"[\s\S]*TAIKU_HOST_TOKEN/) });
    expect(parseShareArgs(["s1"], { TAIKU_HOST_TOKEN: "a-login-token" })).toEqual({ error: expect.stringMatching(/not a host token/) });
  });
});
