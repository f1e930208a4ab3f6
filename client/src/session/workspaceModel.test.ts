/** The session's workspaces as the UI sees them: mirrored from the document, sorted, one selected. */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createWorkspaceModel } from "./workspaceModel";

function entry(label: string, status: "online" | "offline", extra: Record<string, unknown> = {}) {
  return { projectId: "p-1", path: `/src/${label}`, label, isMain: true, isGitRepo: true, isGitWorktree: false, host: "ada@laptop", status, ...extra };
}

describe("createWorkspaceModel", () => {
  it("lists workspaces by label, selects the first online one until the user picks, and follows the document", () => {
    const doc = new Y.Doc();
    const map = doc.getMap("workspaces");
    const model = createWorkspaceModel(doc);
    expect(model.selected()).toBeUndefined();
    map.set("w-b", entry("beta", "offline"));
    map.set("w-a", entry("alpha", "offline"));
    expect(model.workspaces().map((workspace) => workspace.label)).toEqual(["alpha", "beta"]);
    expect(model.selected()?.id).toBe("w-a");
    map.set("w-c", entry("gamma", "online", { branch: "main" }));
    expect(model.selected()).toMatchObject({ id: "w-c", branch: "main", status: "online" });
    model.select("w-b");
    expect(model.selected()?.id).toBe("w-b");
    model.select("w-missing");
    expect(model.selected()?.id).toBe("w-b");
    map.delete("w-b");
    expect(model.selected()?.id).toBe("w-c");
    model.dispose();
    map.set("w-d", entry("delta", "online"));
    expect(model.workspaces()).toHaveLength(2);
  });

  it("skips entries without a workspace's shape, and finds a shell's workspace", () => {
    const doc = new Y.Doc();
    doc.getMap("workspaces").set("w-x", { label: 7 });
    doc.getMap("workspaces").set("w-a", entry("alpha", "online"));
    doc.getMap("shells").set("t1.sh-1", { id: "t1.sh-1", workspaceId: "w-a" });
    doc.getMap("shells").set("t1.sh-2", { id: "t1.sh-2" });
    const model = createWorkspaceModel(doc);
    expect(model.workspaces().map((workspace) => workspace.id)).toEqual(["w-a"]);
    expect(model.workspaceOfShell("t1.sh-1")?.label).toBe("alpha");
    expect(model.workspaceOfShell("t1.sh-2")).toBeUndefined();
  });
});
