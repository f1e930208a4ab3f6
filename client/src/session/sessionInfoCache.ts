/**
 * Session info from the server, cached in localStorage
 * (`taiku:session-info:<sid>`) so a session reopens with no network.
 */
import { getSessionInfo, type SessionInfo } from "../api/taikuApi";

const key = (sessionId: string): string => `taiku:session-info:${sessionId}`;

/** The cached info of a session, if any. */
export function cachedSessionInfo(sessionId: string): SessionInfo | undefined {
  const raw = localStorage.getItem(key(sessionId));
  return raw === null ? undefined : (JSON.parse(raw) as SessionInfo);
}

/**
 * Fetches the session's info and caches it. On a network failure returns the
 * cached copy (flagged `offline`); other failures (not a member, no such
 * session) are returned as `error`.
 */
export async function loadSessionInfo(sessionId: string): Promise<{ info?: SessionInfo; offline: boolean; error?: string }> {
  const result = await getSessionInfo(sessionId);
  if (result.error === undefined) {
    localStorage.setItem(key(sessionId), JSON.stringify(result.value));
    return { info: result.value, offline: false };
  }
  if (result.error.status === 0) {
    const cached = cachedSessionInfo(sessionId);
    return cached === undefined ? { offline: true, error: "offline, and this session was never opened here" } : { info: cached, offline: true };
  }
  return { offline: false, error: result.error.message };
}
