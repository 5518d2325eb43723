/**
 * The web page `serve` answers at `/`: one HTML file, one style sheet and one script from
 * ./page/, read once when the handler is made and served from memory. Everything the page
 * loads comes from this server, and its Content-Security-Policy says so to the browser: no
 * inline script or style, no other origin, not even for images (the pixels it shows are drawn
 * on canvases), and no framing.
 */

/** The page's files by path, with their content types. */
const PAGE_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/page.css": { file: "page.css", type: "text/css; charset=utf-8" },
  "/page.js": { file: "page.js", type: "text/javascript; charset=utf-8" },
};

/** What the browser may load and run for the page: this server's files and nothing else. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** A served file: its bytes and headers. */
export interface PageFile {
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

/**
 * The page's files, read from src/server/page/ now; `get(path)` is undefined for any other path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPage } from "./page.ts";
 *
 * const page = loadPage();
 * const html = new TextDecoder().decode(page.get("/")!.body);
 * assert.match(html, /<script src="\/page.js" defer><\/script>/);
 * assert.match(page.get("/page.js")!.headers["content-security-policy"], /script-src 'self'/);
 * assert.equal(page.get("/secret"), undefined);
 * ```
 */
export function loadPage(): { get(path: string): PageFile | undefined; paths: string[] } {
  const files = new Map<string, PageFile>();
  for (const [path, { file, type }] of Object.entries(PAGE_FILES)) {
    files.set(path, {
      body: Deno.readFileSync(new URL(`./page/${file}`, import.meta.url)),
      headers: {
        "content-type": type,
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
      },
    });
  }
  return { get: (path) => files.get(path), paths: [...files.keys()] };
}
