/**
 * The host-token routes as the Shells pane uses them: create one (its
 * secret arrives only in that answer), list them, revoke one. See
 * `docs/shells.md` for what a host token allows.
 */
import { apiRequest, type ApiResult } from "../api/apiRequest";

/** A host token as listed (never its secret). */
export interface HostTokenInfo {
  readonly tokenId: string;
  readonly label: string;
  readonly createdBy: { readonly userId: string; readonly name: string };
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly expired: boolean;
  /** Hosts connected with it now (`<user>@<machine>`), with their shells. */
  readonly hosts: readonly { readonly host: string; readonly fs: boolean; readonly shells: readonly string[] }[];
}

/** A freshly created host token, with the secret. */
export interface CreatedHostToken extends Omit<HostTokenInfo, "expired" | "hosts"> {
  readonly token: string;
}

function base(sessionId: string): string {
  return `/api/sessions/${encodeURIComponent(sessionId)}/host-tokens`;
}

/** Creates a host token for the session. */
export function createHostToken(sessionId: string, label?: string): Promise<ApiResult<CreatedHostToken>> {
  return apiRequest(base(sessionId), { method: "POST", body: label === undefined ? {} : { label } });
}

/** Lists the session's host tokens. */
export async function listHostTokens(sessionId: string): Promise<ApiResult<readonly HostTokenInfo[]>> {
  const result = await apiRequest<{ tokens: HostTokenInfo[] }>(base(sessionId));
  return result.error ? result : { value: result.value.tokens };
}

/** Revokes a host token (its host is disconnected). */
export function revokeHostToken(sessionId: string, tokenId: string): Promise<ApiResult<{ revoked: true; disconnected: number }>> {
  return apiRequest(`${base(sessionId)}/${encodeURIComponent(tokenId)}`, { method: "DELETE" });
}

/** The command "Share a shell" hands out: the token in the environment, the server named explicitly. */
export function shareCommand(sessionId: string, token: string, origin: string): string {
  return `TAIKU_HOST_TOKEN=${token} taiku share ${sessionId} --server ${origin}`;
}

/** The host token id a shell id starts with (`<tokenId>.sh-…`), if any. */
export function tokenIdOfShell(shellId: string): string | undefined {
  return /^([0-9a-f]{16})\./.exec(shellId)?.[1];
}
