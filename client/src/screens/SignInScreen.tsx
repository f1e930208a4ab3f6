/**
 * Sign up and sign in. On success the token is stored and the app returns
 * to where it was going (a join link survives the detour).
 */
import { createSignal, Show, type JSX } from "solid-js";
import { setAuth } from "../api/authStore";
import { signIn, signUp } from "../api/taikuApi";
import { checkSignUp, describeSignUpError, SIGN_UP_LIMITS } from "./signUpMessages";

/** The sign-in form; `onDone` runs after a successful sign-in. */
export function SignInScreen(props: { onDone: () => void }): JSX.Element {
  const [name, setName] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  async function submit(mode: "signin" | "signup"): Promise<void> {
    setBusy(true);
    setError(undefined);
    if (mode === "signup") {
      const problem = checkSignUp(name(), password());
      if (problem !== undefined) {
        setBusy(false);
        setError(problem);
        return;
      }
      const created = await signUp(name(), password());
      if (created.error) {
        setBusy(false);
        setError(describeSignUpError(created.error, name(), password()));
        return;
      }
    }
    const result = await signIn(name(), password());
    setBusy(false);
    if (result.error) {
      setError(result.error.message);
      return;
    }
    setAuth({ token: result.value.token, userId: result.value.userId, name: name() });
    props.onDone();
  }

  return (
    <main class="center-screen">
      <form
        class="card auth-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit("signin");
        }}
      >
        <h1>taiku</h1>
        <label>
          Name
          <input name="name" autocomplete="username" value={name()} onInput={(e) => setName(e.currentTarget.value)} required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
          <span class="muted hint">New here? Passwords need at least {SIGN_UP_LIMITS.passwordMin} characters.</span>
        </label>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="row">
          <button type="submit" disabled={busy()}>
            Sign in
          </button>
          <button type="button" class="secondary" disabled={busy()} onClick={() => void submit("signup")}>
            Sign up
          </button>
        </div>
      </form>
    </main>
  );
}
