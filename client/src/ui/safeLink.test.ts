/** Plugin-supplied links: only http(s) URLs may render as links. */
import { describe, expect, it } from "vitest";
import { safeHref } from "./safeLink";

describe("safeHref", () => {
  it("keeps absolute http and https URLs", () => {
    expect(safeHref("https://ci.example/build/1")).toBe("https://ci.example/build/1");
    expect(safeHref("http://localhost:8080/")).toBe("http://localhost:8080/");
  });
  it("turns javascript:, data:, relative and garbage links into text", () => {
    for (const href of ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>1</script>", "/relative", "vbscript:x", "not a url", ""]) {
      expect(safeHref(href)).toBeUndefined();
    }
    expect(safeHref(undefined)).toBeUndefined();
  });
});
