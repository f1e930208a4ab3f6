/*
 * taiku's offline service worker. It keeps the app shell (index.html, its
 * hashed assets, /plugin.css) and the last seen copies of plugin assets, the
 * SDK module and the plugin manifest, so a session reopens with no network;
 * the session itself then loads from IndexedDB. Every request goes to the
 * network first and falls back to the cache only when the network fails.
 * The API and the sync endpoint are never cached.
 */
const CACHE = "taiku-shell-v2";

async function precacheShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch("/", { cache: "no-store" });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put("/", response);
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  await cache.addAll([...new Set([...assets, "/plugin.css"])]);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function cacheable(url) {
  return url.origin === self.location.origin && !url.pathname.startsWith("/api/") && !url.pathname.startsWith("/sync");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!cacheable(url)) return;
  // The app is one page: any top-level navigation is the shell. A plugin's frame is a navigation too, but of its own page.
  const key = request.mode === "navigate" && request.destination === "document" ? "/" : url.pathname + url.search;
  event.respondWith(
    fetch(request).then(
      (response) => {
        if (response.ok && response.type !== "opaque") {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key, copy)));
        }
        return response;
      },
      async (failure) => {
        const cache = await caches.open(CACHE);
        const cached = (await cache.match(key)) ?? (await cache.match(url.pathname, { ignoreSearch: true }));
        if (cached !== undefined) return cached;
        throw failure;
      },
    ),
  );
});
