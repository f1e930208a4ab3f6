/**
 * Typed calls to the server's REST routes (DESIGN.md, "Endpoints") used by
 * the screens. Plugin-facing HTTP (user KV, files) lives in the bridge.
 */
import { apiRequest, type ApiResult } from "./apiRequest";
import { setAuth } from "./authStore";

/** A session as the list and the session view show it. */
export interface SessionInfo {
  readonly sessionId: string;
  readonly title: string;
  readonly ownerId: string;
  /** Members by id, with display names when the server sends them. */
  readonly members: readonly { readonly userId: string; readonly name: string }[];
  /** Ids of the session-managed plugins. */
  readonly plugins: readonly string[];
  readonly ended: boolean;
}

/** Registers a user. */
export function signUp(name: string, password: string): Promise<ApiResult<{ userId: string }>> {
  return apiRequest("/api/users", { method: "POST", body: { name, password } });
}

/** Signs in and returns a token. */
export function signIn(name: string, password: string): Promise<ApiResult<{ token: string; userId: string }>> {
  return apiRequest("/api/login", { method: "POST", body: { name, password } });
}

/**
 * Gives this browser the session cookie for the token it holds, so that plain same-origin `fetch()` calls
 * (a trusted module plugin's) are signed in too. Called once per page load while signed in.
 */
export function ensureSessionCookie(): Promise<ApiResult<{ expiresAt: number }>> {
  return apiRequest("/api/login/cookie", { method: "POST", body: {} });
}

/** Signs out on the server (the token stops working and the cookie goes), then on this client. */
export async function signOut(): Promise<void> {
  const result = await apiRequest<{ loggedOut: true }>("/api/logout", { method: "POST", body: {} });
  // Offline, the server-side token expires on its own; this client forgets it either way.
  if (result.error) console.warn(`taiku: signing out on the server failed: ${result.error.message}`);
  setAuth(undefined);
}

/** Creates a session owned by the caller. */
export function createSession(title: string): Promise<ApiResult<{ sessionId: string }>> {
  return apiRequest("/api/sessions", { method: "POST", body: { title } });
}

/** Lists the sessions the caller belongs to. */
export async function listSessions(): Promise<ApiResult<SessionInfo[]>> {
  const result = await apiRequest<unknown>("/api/sessions");
  if (result.error) return result;
  const raw = result.value;
  const list = Array.isArray(raw) ? raw : Array.isArray((raw as { sessions?: unknown })?.sessions) ? (raw as { sessions: unknown[] }).sessions : [];
  return { value: list.map(toSessionInfo) };
}

/** Reads one session's info (members only). */
export async function getSessionInfo(sessionId: string): Promise<ApiResult<SessionInfo>> {
  const result = await apiRequest<unknown>(`/api/sessions/${encodeURIComponent(sessionId)}`);
  if (result.error) return result;
  const raw = result.value as { session?: unknown } | null;
  return { value: toSessionInfo(raw !== null && typeof raw === "object" && "session" in raw ? raw.session : raw) };
}

/** Creates an invite code (owner only). */
export function createInvite(sessionId: string): Promise<ApiResult<{ code: string }>> {
  return apiRequest(`/api/sessions/${encodeURIComponent(sessionId)}/invites`, { method: "POST", body: {} });
}

/** Joins a session with an invite code. */
export function joinSession(sessionId: string, code: string): Promise<ApiResult<unknown>> {
  return apiRequest(`/api/sessions/${encodeURIComponent(sessionId)}/join`, { method: "POST", body: { code } });
}

/** Ends a session (owner only): its plugins' shared data is deleted for everyone. */
export function endSession(sessionId: string): Promise<ApiResult<unknown>> {
  return apiRequest(`/api/sessions/${encodeURIComponent(sessionId)}/end`, { method: "POST", body: {} });
}

/** Adds (`enabled`) or removes a plugin from the session-managed set (owner only). */
export function setSessionPlugin(sessionId: string, pluginId: string, enabled: boolean): Promise<ApiResult<unknown>> {
  const path = `/api/sessions/${encodeURIComponent(sessionId)}/plugins/${encodeURIComponent(pluginId)}`;
  return apiRequest(path, enabled ? { method: "PUT", body: {} } : { method: "DELETE" });
}

function toSessionInfo(raw: unknown): SessionInfo {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const sessionId = String(r.sessionId ?? r.id ?? "");
  const members = Array.isArray(r.members)
    ? r.members.map((m: unknown) =>
        typeof m === "string"
          ? { userId: m, name: m }
          : { userId: String((m as Record<string, unknown>)?.userId ?? ""), name: String((m as Record<string, unknown>)?.name ?? (m as Record<string, unknown>)?.userId ?? "") },
      )
    : [];
  const plugins = Array.isArray(r.plugins)
    ? r.plugins.map((p: unknown) => (typeof p === "string" ? p : String((p as Record<string, unknown>)?.pluginId ?? (p as Record<string, unknown>)?.id ?? "")))
    : [];
  return {
    sessionId,
    title: typeof r.title === "string" ? r.title : sessionId,
    ownerId: String(r.ownerId ?? r.owner ?? ""),
    members,
    plugins: plugins.filter((p) => p !== ""),
    ended: r.ended === true || typeof r.endedAt === "number",
  };
}
