// Dataset licences arrive as names in several spellings (SPDX `CC-BY-4.0`, openMINDS `ccByNcSa4_0`,
// full titles "Creative Commons Attribution 4.0 International"); Crossref wants the licence URL.
// Names are compared with case and punctuation ignored. An unknown name yields no licence rather
// than a wrong one.

const CREATIVE_COMMONS_4: ReadonlyArray<readonly [code: string, title: string]> = [
  ["by", "Attribution"],
  ["by-sa", "Attribution-ShareAlike"],
  ["by-nd", "Attribution-NoDerivatives"],
  ["by-nc", "Attribution-NonCommercial"],
  ["by-nc-sa", "Attribution-NonCommercial-ShareAlike"],
  ["by-nc-nd", "Attribution-NonCommercial-NoDerivatives"],
];

const OTHER_LICENSES: ReadonlyArray<readonly [url: string, names: readonly string[]]> = [
  ["https://creativecommons.org/publicdomain/zero/1.0/", ["CC0", "CC0-1.0", "CC0 1.0 Universal", "Creative Commons Zero v1.0 Universal"]],
  ["https://opendatacommons.org/licenses/odbl/1-0/", ["ODbL", "ODbL-1.0", "Open Data Commons Open Database License v1.0"]],
  ["https://opendatacommons.org/licenses/by/1-0/", ["ODC-By", "ODC-By-1.0", "Open Data Commons Attribution License v1.0"]],
  ["https://opendatacommons.org/licenses/pddl/1-0/", ["PDDL", "PDDL-1.0", "Open Data Commons Public Domain Dedication and License v1.0"]],
];

function licenseKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const LICENSE_URLS: ReadonlyMap<string, string> = new Map([
  ...CREATIVE_COMMONS_4.flatMap(([code, title]) => {
    const url = `https://creativecommons.org/licenses/${code}/4.0/`;
    const names = [`CC-${code}-4.0`, `CC ${code} 4.0 International`, `Creative Commons ${title} 4.0 International`];
    return names.map((name) => [licenseKey(name), url] as const);
  }),
  ...OTHER_LICENSES.flatMap(([url, names]) => names.map((name) => [licenseKey(name), url] as const)),
]);

/** The licence's URL for `ai:license_ref`, or `undefined` when the licence is unknown. */
export function licenseUrl(license: string | null | undefined): string | undefined {
  const value = license?.trim();
  if (!value) return undefined;
  if (/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(value)) return value;
  return LICENSE_URLS.get(licenseKey(value));
}
