/**
 * The browser's session cookie (docs/security.md, "Session cookie"): a
 * login from one of the server's own pages sets it (HttpOnly,
 * SameSite=Strict, Path=/, expiring with its token, new with each login);
 * with it alone a same-origin request is signed in, while a cross-site
 * request, a foreign or opaque (`null`, a sandboxed frame) origin, and a
 * state-changing request without an Origin are refused and change nothing;
 * logout revokes the token and clears the cookie; bearer tokens keep
 * working.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/src/testing/startTestServer";

let t: TestServer;
let origin: string;

async function request(method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: any; setCookie: string[] }> {
  const response = await fetch(t.url + route, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json(), setCookie: response.headers.getSetCookie() };
}

/** Logs in as a page of the server would, and returns the cookie it set. */
async function browserLogin(name: string): Promise<{ cookie: string; token: string; setCookie: string }> {
  const login = await request("POST", "/api/login", { origin, "sec-fetch-site": "same-origin" }, { name, password: "long password" });
  expect(login.status).toBe(200);
  const setCookie = login.setCookie.find((value) => value.startsWith("taiku_session="))!;
  return { cookie: setCookie.split(";")[0]!, token: login.json.token, setCookie };
}

async function sessionCount(token: string): Promise<number> {
  return (await request("GET", "/api/sessions", { authorization: `Bearer ${token}` })).json.sessions.length;
}

beforeAll(async () => {
  t = await startTestServer();
  origin = new URL(t.url).origin;
  await t.signUp("ada", "long password");
});

afterAll(async () => {
  await t?.stop();
});

describe("the session cookie", () => {
  it("is set by a login from the server's own page, HttpOnly and SameSite=Strict, new each time; a script's login gets none", async () => {
    const first = await browserLogin("ada");
    expect(first.setCookie).toMatch(/^taiku_session=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect(Number(/Max-Age=(\d+)/.exec(first.setCookie)![1])).toBeGreaterThan(3600);
    expect(first.cookie).toBe(`taiku_session=${first.token}`);
    const second = await browserLogin("ada");
    expect(second.cookie).not.toBe(first.cookie);
    const script = await request("POST", "/api/login", {}, { name: "ada", password: "long password" });
    expect(script.status).toBe(200);
    expect(script.setCookie).toEqual([]);
    const foreign = await request("POST", "/api/login", { origin: "https://evil.example" }, { name: "ada", password: "long password" });
    expect(foreign.setCookie).toEqual([]);
  });

  it("signs in a same-origin request by itself, and refuses cross-site, foreign and opaque origins", async () => {
    const { cookie } = await browserLogin("ada");
    expect((await request("GET", "/api/sessions", { cookie })).status).toBe(200);
    expect((await request("GET", "/api/sessions", { cookie, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await request("GET", "/api/sessions", { cookie, origin })).status).toBe(200);
    const refusedHeaders: Record<string, string>[] = [{ "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { origin: "null" }, { origin: "https://evil.example" }];
    for (const headers of refusedHeaders) {
      const refused = await request("GET", "/api/sessions", { cookie, ...headers });
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.json.error.code).toBe("permission_denied");
    }
    expect((await request("GET", "/api/sessions", {})).status).toBe(401);
  });

  it("changes state only for a request that names the server's own origin", async () => {
    const { cookie, token } = await browserLogin("ada");
    const before = await sessionCount(token);
    const made = await request("POST", "/api/sessions", { cookie, origin, "sec-fetch-site": "same-origin" }, { title: "from the page" });
    expect(made.status).toBe(201);
    // A cross-site form post (the browser names the other site) and a request that hides its origin.
    const forged: Record<string, string>[] = [{ origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { origin: "null" }, {}];
    for (const headers of forged) {
      const refused = await request("POST", "/api/sessions", { cookie, ...headers }, { title: "forged" });
      expect(refused.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await sessionCount(token)).toBe(before + 1);
  });

  it("is given for a token the page holds only to the server's own page, and logout revokes the token and clears it", async () => {
    const token = (await request("POST", "/api/login", {}, { name: "ada", password: "long password" })).json.token as string;
    const given = await request("POST", "/api/login/cookie", { authorization: `Bearer ${token}`, origin });
    expect(given.status).toBe(200);
    expect(given.setCookie[0]).toMatch(new RegExp(`^taiku_session=${token}; HttpOnly; SameSite=Strict`));
    expect((await request("POST", "/api/login/cookie", { authorization: `Bearer ${token}`, origin: "https://evil.example" })).status).toBe(403);
    expect((await request("POST", "/api/login/cookie", { authorization: `Bearer ${token}` })).status).toBe(403);
    expect((await request("POST", "/api/login/cookie", { cookie: `taiku_session=${token}`, origin })).status).toBe(400);

    const out = await request("POST", "/api/logout", { cookie: `taiku_session=${token}`, origin });
    expect(out.status).toBe(200);
    expect(out.setCookie[0]).toMatch(/^taiku_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/);
    expect((await request("GET", "/api/sessions", { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await request("GET", "/api/sessions", { cookie: `taiku_session=${token}` })).status).toBe(401);
  });

  it("ignores a malformed cookie and never lets it override a bearer token", async () => {
    const { token } = await browserLogin("ada");
    expect((await request("GET", "/api/sessions", { cookie: "taiku_session=not a token; other=1" })).status).toBe(401);
    expect((await request("GET", "/api/sessions", { cookie: `taiku_session=${token}`, authorization: "Bearer wrong" })).status).toBe(401);
    expect((await request("GET", "/api/sessions", { cookie: "taiku_session=wrong", authorization: `Bearer ${token}` })).status).toBe(200);
  });
});
