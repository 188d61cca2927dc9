/// <reference lib="webworker" />
// The offline shell: at install, cache the built files listed in precache.json (public code and
// styles only) and config.json; serve them first from the cache; navigations get the cached shell.
// API answers are never cached here (the services mark them no-store; victims' data must not land
// in Cache Storage), and neither is anything from another origin.
export {};
declare const self: ServiceWorkerGlobalScope;

const CACHE = "redress-shell-v1";

async function precache(): Promise<void> {
  const manifest = (await (await fetch("/precache.json", { cache: "no-cache" })).json()) as { files: string[] };
  const cache = await caches.open(CACHE);
  await cache.addAll([...manifest.files, "/config.json"]);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch {
    return (await cache.match(request)) ?? Response.error();
  }
}

async function shell(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch {
    return (await caches.match("/", { cacheName: CACHE })) ?? Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate") {
    event.respondWith(shell(event.request));
  } else if (url.pathname === "/config.json") {
    event.respondWith(networkFirst(event.request));
  } else {
    event.respondWith(caches.match(event.request, { cacheName: CACHE })
      .then((hit) => hit ?? fetch(event.request)));
  }
});
