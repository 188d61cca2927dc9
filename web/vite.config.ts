import react from "@vitejs/plugin-react";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const here = fileURLToPath(new URL(".", import.meta.url));

// Writes the list of built files into dist/precache.json, which the service worker caches at install,
// so the whole app shell opens with no network.
function precacheManifest(): Plugin {
  return {
    name: "redress-precache-manifest",
    apply: "build",
    closeBundle() {
      const dist = join(here, "dist");
      const files: string[] = [];
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else files.push("/" + relative(dist, path).split("\\").join("/"));
        }
      };
      walk(dist);
      const shell = files.filter((f) => f !== "/sw.js" && f !== "/precache.json" && !f.endsWith(".map"));
      writeFileSync(join(dist, "precache.json"), JSON.stringify({ files: ["/", ...shell] }, null, 1));
    },
  };
}

export default defineConfig({
  plugins: [react(), precacheManifest()],
  build: {
    target: "es2022",
    // The polyfill would be an inline script, which the Content-Security-Policy forbids.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: {
      input: { app: join(here, "index.html"), sw: join(here, "src", "sw.ts") },
      output: {
        entryFileNames: (chunk) => (chunk.name === "sw" ? "sw.js" : "assets/[name]-[hash].js"),
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test-setup.ts"],
    // The vault derives its key with PBKDF2 at full strength on purpose; on a busy 2-core CI machine
    // one derivation can take seconds, and the 5 s default failed a correct test.
    testTimeout: 30_000,
  },
});
