/**
 * The app shell: picks the screen for the current route, sending signed-out
 * users to sign in (and back afterwards), and renders the toasts and, outside
 * a session (whose header has its own), the theme switch.
 */
import { createMemo, Match, Show, Switch, type JSX } from "solid-js";
import { auth } from "../api/authStore";
import { JoinScreen } from "../screens/JoinScreen";
import { SessionListScreen } from "../screens/SessionListScreen";
import { SignInScreen } from "../screens/SignInScreen";
import { SessionView } from "../session/SessionView";
import { Toasts } from "../ui/Toasts";
import { ThemeToggle } from "./ThemeToggle";
import { navigate, route, routeHash } from "./route";

const RETURN_KEY = "taiku:return-to";

/** The root component. */
export function App(): JSX.Element {
  const signedIn = () => auth() !== undefined;
  const joinRoute = () => {
    const current = route();
    return current.name === "join" ? current : undefined;
  };
  const sessionRoute = createMemo(() => {
    const current = route();
    const user = auth();
    return current.name === "session" && user !== undefined ? { sessionId: current.sessionId, auth: user } : undefined;
  });
  const onSignedIn = (): void => {
    const back = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    if (back !== null && back !== "#/signin") location.hash = back;
    else navigate({ name: "sessions" });
  };
  return (
    <>
      <Switch>
        <Match when={!signedIn()}>
          {(() => {
            if (route().name !== "signin") sessionStorage.setItem(RETURN_KEY, routeHash(route()));
            return <SignInScreen onDone={onSignedIn} />;
          })()}
        </Match>
        <Match when={route().name === "signin"}>{(() => (onSignedIn(), null))()}</Match>
        <Match when={joinRoute()} keyed>
          {(current) => <JoinScreen sessionId={current.sessionId} code={current.code} />}
        </Match>
        <Match when={sessionRoute()} keyed>
          {(current) => <SessionView sessionId={current.sessionId} auth={current.auth} />}
        </Match>
        <Match when={true}>
          <SessionListScreen />
        </Match>
      </Switch>
      <Show when={!sessionRoute()}>
        <div class="app-corner">
          <ThemeToggle />
        </div>
      </Show>
      <Toasts />
    </>
  );
}
