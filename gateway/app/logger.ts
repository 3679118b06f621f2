import { pino, type Logger } from "pino";
import type { GatewayConfig } from "./env.ts";

/** JSON lines on stdout, one service name, ISO times: what log shippers expect. */
export function createLogger({ logLevel }: Pick<GatewayConfig, "logLevel">): Logger {
  return pino({ level: logLevel, base: { service: "ndi-gateway" }, timestamp: pino.stdTimeFunctions.isoTime });
}
