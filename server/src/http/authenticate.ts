/**
 * Who is calling: resolves a bearer token (header on API routes, `?token=`
 * on the sync URL) to a user.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { TokenStore } from "../auth/tokenStore";
import type { User, UserStore } from "../auth/userStore";

/** The token in an `Authorization: Bearer <token>` header, or `undefined`. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The user a token belongs to, or `undefined` when it is unknown, expired or names a deleted user. */
export async function authenticate(token: string | undefined, tokens: TokenStore, users: UserStore): Promise<User | undefined> {
  if (token === undefined) return undefined;
  const userId = await tokens.resolve(token);
  return userId === undefined ? undefined : users.get(userId);
}
