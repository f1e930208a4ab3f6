/**
 * The signed-in user, kept in localStorage so a reload (or a reopen with no
 * network) stays signed in. Keys: `taiku:token`, `taiku:user`.
 */
import { createSignal } from "solid-js";

/** Who is signed in on this client. */
export interface Auth {
  /** Bearer token for the API and the sync endpoint. */
  readonly token: string;
  /** The user's id. */
  readonly userId: string;
  /** The name the user signed in with. */
  readonly name: string;
}

const STORAGE_KEY = "taiku:auth";

function loadAuth(): Auth | undefined {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return undefined;
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { token, userId, name } = parsed as Record<string, unknown>;
  if (typeof token !== "string" || typeof userId !== "string" || typeof name !== "string") return undefined;
  return { token, userId, name };
}

const [auth, setAuthSignal] = createSignal<Auth | undefined>(loadAuth());

/** The signed-in user, reactive; `undefined` when signed out. */
export { auth };

/** Stores (or with `undefined`, forgets) the signed-in user. */
export function setAuth(next: Auth | undefined): void {
  if (next === undefined) localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  setAuthSignal(next);
}
