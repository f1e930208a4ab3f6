import { describe, expect, it } from "vitest";
import { ErrorCode, errorCodeForStatus } from "./errors";

describe("errorCodeForStatus", () => {
  it("names each HTTP status the way both the server and the client report it", () => {
    const cases: Array<[number, ErrorCode]> = [
      [400, ErrorCode.InvalidParams],
      [401, ErrorCode.PermissionDenied],
      [403, ErrorCode.PermissionDenied],
      [404, ErrorCode.NotFound],
      [405, ErrorCode.MethodNotFound],
      [408, ErrorCode.Timeout],
      [413, ErrorCode.QuotaExceeded],
      [422, ErrorCode.InvalidParams],
      [429, ErrorCode.Unavailable],
      [500, ErrorCode.Internal],
      [501, ErrorCode.MethodNotFound],
      [503, ErrorCode.Unavailable],
    ];
    expect(cases.map(([status]) => [status, errorCodeForStatus(status)])).toEqual(cases);
  });
});
