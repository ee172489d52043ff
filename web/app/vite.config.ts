// The pages' build: one SPA served by loket-web from web/dist/app under a strict CSP
// (script-src 'self'; style-src 'self'), so nothing may be inlined: no data: module preload
// polyfill, no assets turned into data URLs, CSS as files.
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  plugins: [preact()],
  resolve: {
    alias: { "@gen": fileURLToPath(new URL("../gen", import.meta.url)) },
  },
  build: {
    outDir: "../dist/app",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: "es2020",
  },
});
