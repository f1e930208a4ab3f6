/**
 * Sign-up problems in plain words. The server's limits (DESIGN.md
 * "Endpoints", `POST /api/users`): a name of 1–64 characters, unique
 * ignoring case, and a password of 8–1024 characters. The form checks them
 * before it asks the server, and turns the server's own validation text
 * into the same sentences, so a newcomer never reads validator output.
 */

/** The name and password limits of `POST /api/users`. */
export const SIGN_UP_LIMITS = { nameMax: 64, passwordMin: 8, passwordMax: 1024 } as const;

/** What is wrong with a sign-up, in words for the person typing; `undefined` when nothing is. */
export function checkSignUp(name: string, password: string): string | undefined {
  const problems: string[] = [];
  if (name.trim() === "") problems.push("Choose a name to sign up with.");
  else if (name.length > SIGN_UP_LIMITS.nameMax) problems.push(`A name can be at most ${SIGN_UP_LIMITS.nameMax} characters.`);
  if (password.length < SIGN_UP_LIMITS.passwordMin) problems.push(`Choose a password of at least ${SIGN_UP_LIMITS.passwordMin} characters.`);
  else if (password.length > SIGN_UP_LIMITS.passwordMax) problems.push(`A password can be at most ${SIGN_UP_LIMITS.passwordMax.toLocaleString("en")} characters.`);
  return problems.length === 0 ? undefined : problems.join(" ");
}

/** The server's answer to a failed sign-up (`{ code, message }`), in the same plain words. */
export function describeSignUpError(error: { code: string; message: string }, name: string, password: string): string {
  if (/\bis taken\b/.test(error.message)) return `The name “${name}” is already taken. Pick another one, or sign in if it is yours.`;
  if (error.code === "invalid_params") return checkSignUp(name, password) ?? "The server did not accept this name or password. Try another name.";
  return error.message;
}
