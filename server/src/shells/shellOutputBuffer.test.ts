import { describe, expect, it } from "vitest";
import { ShellOutputBuffer } from "./shellOutputBuffer";

describe("shell output buffer", () => {
  it("keeps the most recent output within its bound, oldest dropped first", () => {
    const buffer = new ShellOutputBuffer(10);
    buffer.append("abcdef");
    buffer.append("ghij");
    expect(buffer.contents()).toBe("abcdefghij");
    buffer.append("klm");
    expect(buffer.contents()).toBe("defghijklm");
    expect(buffer.size).toBe(10);
  });

  it("a single chunk larger than the bound keeps its tail", () => {
    const buffer = new ShellOutputBuffer(4);
    buffer.append("0123456789");
    expect(buffer.contents()).toBe("6789");
  });

  it("a flood of small chunks stays bounded and in order", () => {
    const buffer = new ShellOutputBuffer(1000);
    let all = "";
    for (let i = 0; i < 5000; i++) {
      const chunk = `${i},`;
      buffer.append(chunk);
      all += chunk;
    }
    expect(buffer.size).toBe(1000);
    expect(buffer.contents()).toBe(all.slice(-1000));
  });
});
