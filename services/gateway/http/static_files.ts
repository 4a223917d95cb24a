/**
 * The console's files, read and compressed once at start. Modules and styles are served under
 * `/assets/<build>/`, where `<build>` is a hash of every file, so they are cached for a year;
 * the HTML names the current build and is never cached.
 * @module
 */
import { brotliCompressSync, gzipSync } from "node:zlib";

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  ico: "image/x-icon",
};

/** One file as it is sent: its bytes, and compressed copies when they are smaller. */
export interface StaticFile {
  type: string;
  raw: Uint8Array;
  gzip?: Uint8Array;
  br?: Uint8Array;
}

export interface ConsoleFiles {
  /** The hash in every asset URL. */
  build: string;
  /** The page every console route answers with. */
  page: StaticFile;
  /** Assets by their path below `/assets/<build>/`. */
  assets: Map<string, StaticFile>;
  /** Pages of their own by folder (`portal/index.html` answers `/portal/...`). */
  sections: Map<string, StaticFile>;
}

/** Reads `webDir` (the page is `index.html`, its `{{ASSETS}}` the asset prefix). */
export async function loadConsoleFiles(webDir: string): Promise<ConsoleFiles> {
  const sources = new Map<string, Uint8Array>();
  await readTree(webDir.replace(/\/?$/, "/"), "", sources);
  const template = sources.get("index.html");
  if (!template) throw new Error(`No index.html in ${webDir}`);
  sources.delete("index.html");
  const build = await buildHash(sources);
  const page = (bytes: Uint8Array) =>
    prepared(
      "index.html",
      new TextEncoder().encode(
        new TextDecoder().decode(bytes).replaceAll("{{ASSETS}}", `/assets/${build}`),
      ),
    );
  const sections = new Map<string, StaticFile>();
  for (const [path, bytes] of sources) {
    const section = /^([a-z]+)\/index\.html$/.exec(path)?.[1];
    if (!section) continue;
    sections.set(section, page(bytes));
    sources.delete(path);
  }
  const assets = new Map<string, StaticFile>();
  for (const [path, bytes] of sources) assets.set(path, prepared(path, bytes));
  return { build, page: page(template), assets, sections };
}

async function readTree(root: string, below: string, into: Map<string, Uint8Array>) {
  for await (const entry of Deno.readDir(root + below)) {
    const path = below + entry.name;
    if (entry.isDirectory) await readTree(root, `${path}/`, into);
    else if (entry.isFile && !/_test\.[jt]s$/.test(entry.name)) {
      into.set(path, await Deno.readFile(root + path));
    }
  }
}

async function buildHash(sources: Map<string, Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for (const path of [...sources.keys()].sort()) {
    parts.push(new TextEncoder().encode(path), sources.get(path)!);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) all.set(part, (at += part.length) - part.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function prepared(path: string, raw: Uint8Array): StaticFile {
  const type = TYPES[path.split(".").pop() ?? ""] ?? "application/octet-stream";
  const file: StaticFile = { type, raw };
  if (!/^(text|application\/json|image\/svg)/.test(type) || raw.length < 512) return file;
  const gzip = new Uint8Array(gzipSync(raw, { level: 9 }));
  const br = new Uint8Array(brotliCompressSync(raw));
  if (gzip.length < raw.length) file.gzip = gzip;
  if (br.length < raw.length) file.br = br;
  return file;
}

/** The response for `file`, compressed as `acceptEncoding` allows. */
export function fileResponse(file: StaticFile, acceptEncoding: string, cache: string): Response {
  const accepted = acceptedCodings(acceptEncoding);
  const headers: Record<string, string> = {
    "content-type": file.type,
    "cache-control": cache,
    vary: "Accept-Encoding",
  };
  let body = file.raw;
  if (file.br && accepted.has("br")) [body, headers["content-encoding"]] = [file.br, "br"];
  else if (file.gzip && accepted.has("gzip")) {
    [body, headers["content-encoding"]] = [file.gzip, "gzip"];
  }
  return new Response(body as Uint8Array<ArrayBuffer>, { headers });
}

/** The codings of an `Accept-Encoding` header that are not refused with `q=0`. */
export function acceptedCodings(header: string): Set<string> {
  const codings = new Set<string>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (name && !(q && Number(q.slice(2)) === 0)) codings.add(name);
  }
  return codings;
}
