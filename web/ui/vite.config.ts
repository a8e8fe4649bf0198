// The console is served by the node's web actor from dist/ (same origin as
// /api and /ws). `npm run dev` proxies both to a node on 127.0.0.1:8080.
import { defineConfig } from "vite";

declare const process: { env: Record<string, string | undefined> };
const node = process.env.XARB_NODE ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: "127.0.0.1",
    proxy: {
      "/api": node,
      "/ws": { target: node.replace(/^http/, "ws"), ws: true },
      "/metrics": node,
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
} as never);
