// The vendored Crossref 5.3.1 schema bundle (./schema, see its README): the entry point and every
// file it imports, relative to the schema folder. Listed rather than discovered, because a
// deployed Edge Function can read its bundled static files but not list folders reliably.

export const SCHEMA_ENTRY = "crossref5.3.1.xsd";

export const SCHEMA_FILES: readonly string[] = [
  "AccessIndicators.xsd",
  "JATS-journalpublishing1-3d2-mathml3-elements.xsd",
  "JATS-journalpublishing1-3d2-mathml3.xsd",
  "clinicaltrials.xsd",
  "common5.3.1.xsd",
  "crossref5.3.1.xsd",
  "fundref.xsd",
  "relations.xsd",
  "standard-modules/mathml3/mathml3-common.xsd",
  "standard-modules/mathml3/mathml3-content.xsd",
  "standard-modules/mathml3/mathml3-presentation.xsd",
  "standard-modules/mathml3/mathml3-strict-content.xsd",
  "standard-modules/mathml3/mathml3.xsd",
  "standard-modules/module-ali.xsd",
  "standard-modules/xlink.xsd",
  "standard-modules/xml.xsd",
];

/**
 * The schema imports MathML from this W3C location as well as from the local copy; the copy
 * answers for it, so compiling never reaches for the network.
 */
export const REMOTE_SCHEMA_ALIASES: ReadonlyArray<readonly [remotePrefix: string, localFolder: string]> = [
  ["http://www.w3.org/Math/XMLSchema/mathml3/", "standard-modules/mathml3/"],
];

interface ReadsFiles {
  readFile(url: URL): Promise<Uint8Array>;
}

/**
 * Reads one schema file next to this module: with `Deno.readFile` in an Edge Function (the files
 * are bundled as `static_files`), with Node's `fs` in-process (no import, so the module stays
 * Deno-clean).
 */
export async function readBundledSchemaFile(relativePath: string): Promise<Uint8Array> {
  const url = new URL(`./schema/${relativePath}`, import.meta.url);
  // Looked up by name so this module depends on neither runtime's type declarations.
  const deno = Reflect.get(globalThis, "Deno") as ReadsFiles | undefined;
  if (deno) return deno.readFile(url);
  const process = Reflect.get(globalThis, "process") as { getBuiltinModule?: (name: string) => unknown } | undefined;
  const fs = process?.getBuiltinModule?.("node:fs/promises") as ReadsFiles | undefined;
  if (!fs) throw new Error("No file system to read the Crossref schema from (neither Deno nor Node)");
  return new Uint8Array(await fs.readFile(url));
}
