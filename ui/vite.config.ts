import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

/** The CSP the desktop app enforces; `vite preview` sends it too so the flow tests run under it. */
export const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'";

// The app is served by Tauri from ui/dist under a strict CSP: no inline scripts or styles, no
// remote assets. CSS is emitted as files; the module-preload polyfill (an inline helper) is off.
export default defineConfig({
  plugins: [react()],
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { host: "127.0.0.1", strictPort: true, port: 1420 },
  preview: { host: "127.0.0.1", headers: { "Content-Security-Policy": CSP } },
});
