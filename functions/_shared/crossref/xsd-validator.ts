// Validates deposit XML against the official Crossref 5.3.1 schema before anything is sent.
// libxml2 (compiled to WebAssembly, so no native library in Node or Deno) compiles the schema
// once, which takes seconds because of the JATS and MathML parts, and then checks a document in
// milliseconds; so a validator compiles lazily on first use and is meant to be kept.
import {
  ParseOption,
  XmlBufferInputProvider,
  XmlDocument,
  XmlLibError,
  xmlRegisterInputProvider,
  XsdValidator,
} from "npm:libxml2-wasm@0.7";
import { XsdSchemaError } from "./errors.ts";
import { readBundledSchemaFile, REMOTE_SCHEMA_ALIASES, SCHEMA_ENTRY, SCHEMA_FILES } from "./schema-files.ts";

export interface XsdValidationResult {
  valid: boolean;
  /** `line N: message` per problem, at most `MAX_REPORTED_ERRORS`. */
  errors: string[];
}

export interface CrossrefXsdValidator {
  /** Compiles the schema now (e.g. at start-up) instead of on the first `validate`. */
  ready(): Promise<void>;
  validate(xml: string): Promise<XsdValidationResult>;
}

export interface XsdValidatorOptions {
  /** Reads a schema file by its path relative to the schema folder; defaults to the bundled copy. */
  readSchemaFile?: (relativePath: string) => Promise<Uint8Array>;
}

const MAX_REPORTED_ERRORS = 20;
// Untrusted documents never fetch anything or expand external entities.
const SAFE_PARSING = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

// libxml2 asks for imported files by URL through one process-wide provider; each validator puts
// its copy of the bundle under its own base URL while it compiles.
const schemaFiles = new XmlBufferInputProvider({});
let providerRegistered = false;
let validatorCount = 0;

export function createXsdValidator(options: XsdValidatorOptions = {}): CrossrefXsdValidator {
  const readSchemaFile = options.readSchemaFile ?? readBundledSchemaFile;
  let compiled: Promise<XsdValidator> | undefined;
  const compile = () => {
    compiled ??= compileSchema(readSchemaFile).catch((error: unknown) => {
      compiled = undefined; // a later call may succeed, e.g. once the files are deployed
      throw error;
    });
    return compiled;
  };
  return {
    ready: async () => {
      await compile();
    },
    validate: async (xml) => validateWith(await compile(), xml),
  };
}

let shared: CrossrefXsdValidator | undefined;

/** One validator per process (or Edge Function isolate), so the schema is compiled once. */
export function sharedXsdValidator(): CrossrefXsdValidator {
  shared ??= createXsdValidator();
  return shared;
}

async function compileSchema(readSchemaFile: (relativePath: string) => Promise<Uint8Array>): Promise<XsdValidator> {
  const files = await readAll(readSchemaFile);
  if (!providerRegistered) {
    xmlRegisterInputProvider(schemaFiles);
    providerRegistered = true;
  }
  const base = `crossref-xsd:/v${++validatorCount}/`;
  const urls = bundleUrls(base, files);
  for (const [url, bytes] of urls) schemaFiles.addBuffer(url, bytes);
  try {
    const entry = XmlDocument.fromBuffer(files.get(SCHEMA_ENTRY)!, { url: base + SCHEMA_ENTRY, option: SAFE_PARSING });
    // The entry document stays alive with the validator: the compiled schema refers into it.
    return XsdValidator.fromDoc(entry);
  } catch (error) {
    throw new XsdSchemaError(`The Crossref schema does not compile: ${describe(error)}`, { cause: error });
  } finally {
    for (const url of urls.keys()) schemaFiles.removeBuffer(url);
  }
}

async function readAll(readSchemaFile: (relativePath: string) => Promise<Uint8Array>): Promise<Map<string, Uint8Array>> {
  const entries = await Promise.all(
    SCHEMA_FILES.map(async (path) => {
      try {
        return [path, await readSchemaFile(path)] as const;
      } catch (error) {
        throw new XsdSchemaError(`Cannot read Crossref schema file ${path}: ${describe(error)}`, { cause: error });
      }
    }),
  );
  return new Map(entries);
}

/** Each file under `base`, plus the local copies that stand in for remote imports. */
function bundleUrls(base: string, files: ReadonlyMap<string, Uint8Array>): Map<string, Uint8Array> {
  const urls = new Map<string, Uint8Array>();
  for (const [path, bytes] of files) {
    urls.set(base + path, bytes);
    for (const [remotePrefix, localFolder] of REMOTE_SCHEMA_ALIASES) {
      if (path.startsWith(localFolder)) urls.set(remotePrefix + path.slice(localFolder.length), bytes);
    }
  }
  return urls;
}

function validateWith(validator: XsdValidator, xml: string): XsdValidationResult {
  let document: XmlDocument | undefined;
  try {
    document = XmlDocument.fromString(xml, { option: SAFE_PARSING });
    validator.validate(document);
    return { valid: true, errors: [] };
  } catch (error) {
    if (error instanceof XmlLibError) return { valid: false, errors: formatDetails(error) };
    throw error;
  } finally {
    document?.dispose();
  }
}

function formatDetails(error: XmlLibError): string[] {
  const details = error.details.length > 0 ? error.details : [{ message: error.message, line: 0 }];
  const lines = details.map(({ message, line }) => `${line > 0 ? `line ${line}: ` : ""}${message.trim()}`);
  const extra = lines.length - MAX_REPORTED_ERRORS;
  return extra > 0 ? [...lines.slice(0, MAX_REPORTED_ERRORS), `… and ${extra} more`] : lines;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
