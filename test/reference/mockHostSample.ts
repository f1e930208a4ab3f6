/** The reference's "SDK testing helpers" sample, as written (Node only: it imports `@taiku/plugin-sdk/testing`). */
import { MockHost } from "@taiku/plugin-sdk/testing";

/** Creates the MockHost the reference shows. */
export function mockHostSample(): MockHost {
  const mock = new MockHost({
    pluginId: "my-org.my-plugin",
    sessionId: "test-session-abc",
  });
  // The mock responds to getSession, getShells, etc. with default data.
  // Your plugin code running in a test environment will receive these responses.
  return mock;
}
