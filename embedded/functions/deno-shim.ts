// Just enough of the Deno runtime to run Supabase Edge Functions inside this Node process:
// `Deno.serve` hands the function's handler to the host instead of listening, `Deno.env` reads
// the environment the host gives functions (the hosted runtime's SUPABASE_* variables and the
// project's secrets), and `Deno.readFile` reads bundled files. functions/_shared/deno.d.ts
// declares the same surface for `tsc`.
import { AsyncLocalStorage } from "node:async_hooks";
import { readFile } from "node:fs/promises";

export interface FunctionHandler {
  handler: Deno.ServeHandler;
  onError?: (error: unknown) => Response | Promise<Response>;
}

export type FunctionEnv = Readonly<Record<string, string>>;

// Each invocation (and each module load) runs with its host's environment.
const activeEnv = new AsyncLocalStorage<FunctionEnv>();

function currentEnv(): FunctionEnv {
  const env = activeEnv.getStore();
  if (!env) throw new Error("Deno.env was read outside an Edge Function invocation");
  return env;
}

// A function's address as the host reports it: functions run behind the host, as behind Supabase's relay.
const HOST_ADDRESS: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 0 };

let servedDuringLoad: FunctionHandler | undefined;

function serve(...args: [Deno.ServeHandler] | [Deno.ServeOptions, Deno.ServeHandler] | [Deno.ServeOptions & Deno.ServeInit]) {
  const [first, second] = args;
  const options = typeof first === "function" ? {} : first;
  const handler = typeof first === "function" ? first : (second ?? (first as Deno.ServeInit).handler);
  servedDuringLoad = { handler, onError: options.onError };
  const server: Deno.HttpServer = {
    addr: HOST_ADDRESS,
    finished: new Promise<void>(() => {}),
    shutdown: async () => {},
    ref: () => {},
    unref: () => {},
  };
  return server;
}

const denoShim: typeof Deno = {
  serve: serve as typeof Deno.serve,
  env: {
    get: (key) => currentEnv()[key],
    has: (key) => Object.hasOwn(currentEnv(), key),
    toObject: () => ({ ...currentEnv() }),
  },
  readFile: async (path) => new Uint8Array(await readFile(path)),
};

export function installDenoShim(): void {
  if (!("Deno" in globalThis)) Object.defineProperty(globalThis, "Deno", { value: denoShim, configurable: true });
}

// A module runs once per process, so its handler is kept per entry file, like the module itself.
const loaded = new Map<string, Promise<FunctionHandler>>();
// Loads run one at a time: Deno.serve cannot tell which module is calling it.
let previousLoad: Promise<unknown> = Promise.resolve();

/** Imports a function's entry module (once) and returns the handler it passed to Deno.serve. */
export function loadFunction(entryUrl: string, env: FunctionEnv): Promise<FunctionHandler> {
  let load = loaded.get(entryUrl);
  if (!load) {
    load = previousLoad.then(() =>
      activeEnv.run(env, async () => {
        servedDuringLoad = undefined;
        await import(entryUrl);
        const served = servedDuringLoad;
        servedDuringLoad = undefined;
        if (!served) throw new Error(`${entryUrl} did not call Deno.serve()`);
        return served;
      }),
    );
    previousLoad = load.catch(() => {});
    loaded.set(entryUrl, load);
    load.catch(() => loaded.delete(entryUrl));
  }
  return load;
}

/** Calls a loaded function as the Deno runtime would; throws what the function throws. */
export function invokeFunction(fn: FunctionHandler, request: Request, env: FunctionEnv): Promise<Response> {
  return activeEnv.run(env, async () => {
    let response: unknown;
    try {
      // `completed` settles at once: the host streams the response on and tracks nothing after it.
      response = await fn.handler(request, { remoteAddr: HOST_ADDRESS, completed: Promise.resolve() });
    } catch (error) {
      if (!fn.onError) throw error;
      response = await fn.onError(error);
    }
    if (!(response instanceof Response)) throw new TypeError("the function's handler did not return a Response");
    return response;
  });
}
