/**
 * Build of the taiku client: a Solid app emitted to `client/dist`, which the
 * server serves at `/`. In development, API, sync, SDK and plugin requests
 * are proxied to a server on `TAIKU_DEV_SERVER` (default 127.0.0.1:7300).
 */
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const devServer = process.env.TAIKU_DEV_SERVER ?? "http://127.0.0.1:7300";

export default defineConfig({
  plugins: [solid()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      "/api": devServer,
      "/plugins": devServer,
      "/pi-web-plugins": devServer,
      "/sdk": devServer,
      "/sync": { target: devServer.replace(/^http/, "ws"), ws: true },
    },
  },
});
