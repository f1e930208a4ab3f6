import { describe, expect, it } from "vitest";
import { ErrorCode } from "../errors";
import { HTTP_STATUS_OF, errorCodeForStatus } from "./httpStatus";

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

describe("HTTP_STATUS_OF", () => {
  it("answers every error code with a status that names the same code back", () => {
    for (const [code, status] of Object.entries(HTTP_STATUS_OF) as Array<[ErrorCode, number]>) {
      const back = errorCodeForStatus(status);
      // 404 is shared by not_found and method_not_found; the status names not_found.
      expect(back, `${code} → ${status}`).toBe(code === ErrorCode.MethodNotFound ? ErrorCode.NotFound : code);
    }
  });
});
