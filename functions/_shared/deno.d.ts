// The part of the Deno runtime our Edge Functions use, so `tsc` checks them in this Node project.
// Under real Deno (supabase functions serve/deploy) Deno's own types apply and this file is unused;
// in-process, embedded/functions/deno-shim.ts implements exactly this surface.

declare namespace Deno {
  interface NetAddr {
    transport: "tcp" | "udp";
    hostname: string;
    port: number;
  }

  interface ServeHandlerInfo {
    remoteAddr: NetAddr;
    /** Settles when the response has been sent. */
    completed: Promise<void>;
  }

  type ServeHandler = (request: Request, info: ServeHandlerInfo) => Response | Promise<Response>;

  interface ServeOptions {
    port?: number;
    hostname?: string;
    signal?: AbortSignal;
    onListen?: (localAddr: NetAddr) => void;
    /** Answers when the handler throws. */
    onError?: (error: unknown) => Response | Promise<Response>;
  }

  interface ServeInit {
    handler: ServeHandler;
  }

  interface HttpServer {
    readonly addr: NetAddr;
    readonly finished: Promise<void>;
    shutdown(): Promise<void>;
    ref(): void;
    unref(): void;
  }

  function serve(handler: ServeHandler): HttpServer;
  function serve(options: ServeOptions, handler: ServeHandler): HttpServer;
  function serve(options: ServeOptions & ServeInit): HttpServer;

  interface Env {
    get(key: string): string | undefined;
    has(key: string): boolean;
    toObject(): Record<string, string>;
  }

  const env: Env;

  /** Reads a file, e.g. one bundled with the function as `static_files`. */
  function readFile(path: string | URL): Promise<Uint8Array>;
}
