// The embedded Functions host with unmodified supabase-js: Edge Functions written for Supabase
// (tests/fixtures/functions) run in process behind the relay's rules — verify_jwt, 404 for unknown
// functions, a JSON 500 when a function fails — and see the path and environment they would see
// on Supabase. The last tests run a function outside vitest: the way `npm start` loads it (Node +
// tsx), and as `supabase functions serve/deploy` would (real Deno, the `deno` npm package).
import { execFile, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createClient, FunctionsHttpError, type SupabaseClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSupabaseApi } from "../../embedded/api.ts";
import { createFunctionsApp, type FunctionsAppOptions } from "../../embedded/functions/index.ts";
import { deriveProjectKeys, type ProjectKeys } from "../../embedded/keys.ts";
import { CONFIG_TOML, loadProjectConfig } from "../../embedded/project-config.ts";
import { serveOnFreePort, type RunningServer } from "../support/serve.ts";

const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES = path.join(PROJECT_ROOT, "tests/fixtures/functions");

let keys: ProjectKeys;
const servers: RunningServer[] = [];
const failures: { name: string; error: unknown }[] = [];

async function startFunctions(overrides: Partial<FunctionsAppOptions> = {}): Promise<string> {
  const app = createSupabaseApi({
    functions: createFunctionsApp({
      functionsDir: FIXTURES,
      jwtSecret: keys.jwtSecret,
      env: { SUPABASE_URL: "http://127.0.0.1:9", SUPABASE_ANON_KEY: keys.anonKey, GREETING: "hello from env" },
      settings: {},
      onFunctionError: (name, error) => failures.push({ name, error }),
      ...overrides,
    }),
  });
  const server = await serveOnFreePort(app);
  servers.push(server);
  return server.url;
}

let url: string;
let anon: SupabaseClient;

beforeAll(async () => {
  keys = await deriveProjectKeys(randomBytes(32).toString("base64url"));
  url = await startFunctions();
  anon = createClient(url, keys.anonKey, { auth: { persistSession: false } });
});
afterAll(async () => {
  for (const server of servers) await server.close();
});

const userToken = (secret = keys.jwtSecret) =>
  new SignJWT({ role: "authenticated", aud: "authenticated", sub: randomUUID(), email: "ada@example.org" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secret));

describe("invoking a function with supabase-js", () => {
  it("POSTs a JSON body to /<name> and returns the function's JSON", async () => {
    const { data, error } = await anon.functions.invoke("echo", { body: { dataset: "d1", count: 2 } });
    expect(error).toBeNull();
    expect(data).toEqual({
      method: "POST",
      path: "/echo",
      query: {},
      contentType: "application/json",
      body: { dataset: "d1", count: 2 },
      role: "anon",
      greeting: "hello from env",
      hasSupabaseUrl: true,
    });
  });

  it("sends a string body as text/plain", async () => {
    const { data } = await anon.functions.invoke("echo", { body: "plain words" });
    expect(data).toMatchObject({ contentType: "text/plain", body: "plain words" });
  });

  it("passes the method, sub-path and query through as the function would see them on Supabase", async () => {
    const { data, error } = await anon.functions.invoke("echo/datasets/d1?verbose=yes", { method: "GET" });
    expect(error).toBeNull();
    expect(data).toMatchObject({ method: "GET", path: "/echo/datasets/d1", query: { verbose: "yes" }, body: "" });
  });

  it("sees the caller's role from the user's access token", async () => {
    const token = await userToken();
    const asUser = createClient(url, keys.anonKey, { accessToken: async () => token });
    const { data } = await asUser.functions.invoke("echo", { body: {} });
    expect(data).toMatchObject({ role: "authenticated" });
  });

  it("surfaces a non-2xx answer as FunctionsHttpError with the response in error.context", async () => {
    const { data, error } = await anon.functions.invoke("echo/status/422", { body: {} });
    expect(data).toBeNull();
    expect(error).toBeInstanceOf(FunctionsHttpError);
    const response = (error as FunctionsHttpError).context as Response;
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: "as requested" });
  });
});

describe("the relay in front of functions", () => {
  const post = (base: string, name: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/functions/v1/${name}`, { method: "POST", headers, body: "{}" });

  it("requires a JWT of this project by default (verify_jwt)", async () => {
    const missing = await post(url, "echo");
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: "UNAUTHORIZED_NO_AUTH_HEADER" });

    for (const token of ["garbage", await userToken("another-projects-secret-of-32-characters")]) {
      const refused = await post(url, "echo", { authorization: `Bearer ${token}` });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ code: "UNAUTHORIZED_INVALID_JWT_FORMAT", message: "Invalid JWT" });
    }

    const { error } = await createClient(url, "not-a-jwt-key").functions.invoke("echo", { body: {} });
    expect(error).toBeInstanceOf(FunctionsHttpError);
    expect(((error as FunctionsHttpError).context as Response).status).toBe(401);
  });

  it("lets anyone in when supabase/config.toml says [functions.<name>] verify_jwt = false", async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), "ndi-functions-config-"));
    try {
      const configFile = path.join(directory, "config.toml");
      writeFileSync(configFile, `${readFileSync(CONFIG_TOML, "utf8")}\n[functions.echo]\nverify_jwt = false\n`);
      const open = await startFunctions({ settings: loadProjectConfig(configFile).functions });
      const response = await post(open, "echo");
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ role: null, body: {} });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("answers 404 for a function that does not exist, and for folders that are not functions", async () => {
    for (const name of ["nope", "no-entry", "_shared", ".hidden"]) {
      const { error } = await anon.functions.invoke(name, { body: {} });
      expect(error, name).toBeInstanceOf(FunctionsHttpError);
      const response = (error as FunctionsHttpError).context as Response;
      expect(response.status, name).toBe(404);
      expect(await response.json()).toMatchObject({ code: "NOT_FOUND" });
    }
  });

  it("answers a JSON 500 when a function throws or cannot load, reports it, and keeps serving", async () => {
    failures.length = 0;
    for (const [name, code] of [["throws", "WORKER_ERROR"], ["boot-failure", "BOOT_ERROR"]] as const) {
      const { error } = await anon.functions.invoke(name, { body: {} });
      const response = (error as FunctionsHttpError).context as Response;
      expect(response.status, name).toBe(500);
      const body = (await response.json()) as { code: string; message: string };
      expect(body.code).toBe(code);
      expect(body.message).not.toMatch(/secret|MISSING_SECRET/);
    }
    expect(failures.map(({ name, error }) => [name, (error as Error).message])).toEqual([
      ["throws", "the function failed with a secret detail"],
      ["boot-failure", "MISSING_SECRET is not set"],
    ]);
    const { error } = await anon.functions.invoke("echo", { body: {} });
    expect(error).toBeNull();
  });
});

describe("outside vitest", () => {
  it("loads a function with Node + tsx as `npm start` does (npm: specifiers through the resolve hook)", async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), "ndi-functions-node-"));
    try {
      const script = path.join(directory, "invoke.mts");
      writeFileSync(
        script,
        `import { createFunctionsApp } from ${JSON.stringify(path.join(PROJECT_ROOT, "embedded/functions/index.ts"))};
const app = createFunctionsApp({ functionsDir: ${JSON.stringify(FIXTURES)}, jwtSecret: "x".repeat(32), env: { GREETING: "from node" }, settings: { echo: { verify_jwt: false } } });
const response = await app.request("/echo/from-node", { method: "PUT", body: "hi" });
console.log(JSON.stringify(await response.json()));
`,
      );
      const tsx = path.join(PROJECT_ROOT, "node_modules/.bin/tsx");
      const { stdout } = await promisify(execFile)(tsx, [script], { cwd: PROJECT_ROOT });
      expect(JSON.parse(stdout)).toMatchObject({ method: "PUT", path: "/echo/from-node", body: "hi", greeting: "from node" });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("runs the same function file under real Deno", async () => {
    const denoBin = path.join(PROJECT_ROOT, "node_modules/.bin/deno");
    const deno = spawn(denoBin, ["run", "--no-lock", "-A", path.join(FIXTURES, "echo/index.ts")], {
      // The project's package.json makes Deno take npm: packages from node_modules, offline.
      cwd: PROJECT_ROOT,
      // DENO_SERVE_ADDRESS points the function's own Deno.serve() at a free loopback port.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DENO_SERVE_ADDRESS: "tcp:127.0.0.1:0", GREETING: "from deno" },
    });
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        let output = "";
        const scan = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Listening on (http:\/\/[\d.]+:\d+)/.exec(output);
          if (match) resolve(match[1]!);
        };
        deno.stdout.on("data", scan);
        deno.stderr.on("data", scan);
        deno.once("exit", (code) => reject(new Error(`deno exited with ${code}: ${output}`)));
      });
      const token = await userToken();
      const response = await fetch(`${origin}/echo/under-deno?x=1`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ a: 1 }),
      });
      expect(await response.json()).toMatchObject({
        method: "POST",
        path: "/echo/under-deno",
        query: { x: "1" },
        body: { a: 1 },
        role: "authenticated",
        greeting: "from deno",
      });
    } finally {
      deno.kill();
    }
  });
});
