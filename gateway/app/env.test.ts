import { describe, expect, it } from "vitest";
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_PORT, GatewayConfigError, parseGatewayEnv, resolveGatewayConfig } from "./env.ts";

const REQUIRED_ENV = {
  SUPABASE_URL: "https://abcd.supabase.co/",
  SUPABASE_ANON_KEY: "anon-key",
  SUPABASE_SERVICE_ROLE_KEY: "service-key",
  SUPABASE_JWT_SECRET: "s".repeat(40),
  DATABASE_URL: "postgresql://postgres:pw@db.abcd.supabase.co:5432/postgres",
};

function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof GatewayConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a GatewayConfigError");
}

describe("parseGatewayEnv", () => {
  it("applies the documented defaults", () => {
    expect(parseGatewayEnv(REQUIRED_ENV)).toEqual({
      supabaseUrl: "https://abcd.supabase.co",
      anonKey: "anon-key",
      serviceRoleKey: "service-key",
      jwtSecret: "s".repeat(40),
      databaseUrl: REQUIRED_ENV.DATABASE_URL,
      host: "127.0.0.1",
      port: DEFAULT_PORT,
      logLevel: "info",
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
      dataBucket: "ndi-data",
      jobsConcurrency: 2,
      purgeSchedule: "* * * * *",
    });
  });

  it("reads the optional variables, numbers included", () => {
    const config = parseGatewayEnv({
      ...REQUIRED_ENV,
      HOST: "0.0.0.0",
      PORT: "9000",
      LOG_LEVEL: "debug",
      NDI_BODY_LIMIT_BYTES: "2048",
      NDI_DATA_BUCKET: "other",
      NDI_PUBLIC_URL: "https://api.example.org/v1/",
    });
    expect(config).toMatchObject({ host: "0.0.0.0", port: 9000, logLevel: "debug", bodyLimitBytes: 2048, dataBucket: "other" });
    expect(config.publicUrl).toBe("https://api.example.org/v1");
  });

  it("names every bad or missing variable, one line each", () => {
    const problems = problemsOf(() =>
      parseGatewayEnv({ ...REQUIRED_ENV, SUPABASE_URL: "not a url", SUPABASE_JWT_SECRET: "", PORT: "eighty", LOG_LEVEL: "loud" }),
    );
    expect(problems.map((problem) => problem.split(":")[0])).toEqual(["SUPABASE_URL", "SUPABASE_JWT_SECRET", "PORT", "LOG_LEVEL"]);
    expect(problems[1]).toBe("SUPABASE_JWT_SECRET: required but not set");
  });
});

describe("resolveGatewayConfig", () => {
  it("names config fields (not variables) when called directly", () => {
    const problems = problemsOf(() => resolveGatewayConfig({ ...parseGatewayEnv(REQUIRED_ENV), databaseUrl: "mysql://x" }));
    expect(problems).toEqual(["databaseUrl: must be a postgres:// or postgresql:// URL"]);
  });
});
