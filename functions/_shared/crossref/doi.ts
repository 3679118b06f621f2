// NDI Cloud DOIs: minted once per dataset as `10.63884/ndic.<year>.<8 chars of [a-z0-9]>` (the
// scheme the NDI admin tools already use, contract §9.2), stored on the dataset as the
// `https://doi.org/…` URL and deposited with Crossref in bare form.

export const NDI_DOI_PREFIX = "10.63884";
export const DOI_RESOLVER = "https://doi.org/";

const SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const SUFFIX_RANDOM_LENGTH = 8;
// doi_t in the schema: prefix 10.<4–9 digits>, suffix 1–200 characters.
const DOI_PATTERN = /^10\.[0-9]{4,9}\/.{1,200}$/su;
const RESOLVER_FORM = /^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/i;

/** A uniform random number in [0, 1) from the platform's CSPRNG (Web Crypto: Node and Deno). */
export function secureRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

/** `ndic.<UTC year>.<8 random [a-z0-9]>`, e.g. `ndic.2026.k3x9q0ab`. */
export function mintDoiSuffix(now: Date = new Date(), random: () => number = secureRandom): string {
  let tail = "";
  for (let i = 0; i < SUFFIX_RANDOM_LENGTH; i++) {
    tail += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)];
  }
  return `ndic.${now.getUTCFullYear()}.${tail}`;
}

/** A new bare DOI under `prefix`, e.g. `10.63884/ndic.2026.k3x9q0ab`. */
export function mintDoi(prefix: string = NDI_DOI_PREFIX, now?: Date, random?: () => number): string {
  return `${prefix}/${mintDoiSuffix(now, random)}`;
}

/** The bare DOI from any of the forms clients store (`https://doi.org/…`, `doi:…`, bare). */
export function bareDoi(value: string): string {
  return value.trim().replace(RESOLVER_FORM, "");
}

export function doiUrl(doi: string): string {
  return DOI_RESOLVER + bareDoi(doi);
}

export function isDoi(value: string): boolean {
  return DOI_PATTERN.test(value);
}

export function doiPrefixOf(doi: string): string {
  return doi.slice(0, doi.indexOf("/"));
}

export function doiSuffixOf(doi: string): string {
  return doi.slice(doi.indexOf("/") + 1);
}
