/** Reading `git status --porcelain=v2 --branch -z` into the Git tool's answer. */
import { describe, expect, it } from "vitest";
import { MAX_STATUS_FILES, parseStatus } from "./workspaceGit";

const HASH = "0".repeat(40);

function changed(xy: string, file: string): string {
  return `1 ${xy} N... 100644 100644 100644 ${HASH} ${HASH} ${file}`;
}

describe("parseStatus", () => {
  it("reads the branch, upstream, ahead/behind and every group, paths with spaces, unicode and a leading dash included", () => {
    const output = [
      "# branch.oid " + HASH,
      "# branch.head feature/x",
      "# branch.upstream origin/feature/x",
      "# branch.ab +2 -5",
      changed("M.", "web/app.js"),
      changed(".M", "web/read me.md"),
      changed("AM", "web/-n"),
      `2 R. N... 100644 100644 100644 ${HASH} ${HASH} R100 web/new näme.txt`,
      "web/old name.txt",
      `u UU N... 100644 100644 100644 100644 ${HASH} ${HASH} ${HASH} web/conflict.txt`,
      "? web/untracked file",
      "",
    ].join("\u0000");
    expect(parseStatus(output, "web/")).toEqual({
      branch: "feature/x",
      upstream: "origin/feature/x",
      ahead: 2,
      behind: 5,
      staged: [
        { path: "app.js", status: "M" },
        { path: "-n", status: "A" },
        { path: "new näme.txt", status: "R", from: "old name.txt" },
      ],
      unstaged: [
        { path: "read me.md", status: "M" },
        { path: "-n", status: "M" },
      ],
      untracked: ["untracked file"],
      conflicted: ["conflict.txt"],
      truncated: false,
    });
  });

  it("reads a detached HEAD with no upstream, and says when a group was cut or git's answer was", () => {
    const many = Array.from({ length: MAX_STATUS_FILES + 3 }, (_, i) => `? f${i}`);
    const answer = parseStatus(["# branch.head (detached)", ...many, ""].join("\u0000"), "") as { branch: unknown; upstream: unknown; untracked: string[]; truncated: boolean };
    expect(answer).toMatchObject({ branch: null, upstream: null, truncated: true });
    expect(answer.untracked).toHaveLength(MAX_STATUS_FILES);
    expect((parseStatus("# branch.head main\u0000", "", true) as { truncated: boolean }).truncated).toBe(true);
    expect((parseStatus("# branch.head main\u0000", "") as { truncated: boolean }).truncated).toBe(false);
  });
});
