// ORCID iDs as Crossref accepts them: the full `https://orcid.org/dddd-dddd-dddd-dddX` URL. Users
// type iDs in every form (bare, without hyphens, http, lower-case x); anything that is not a
// well-formed iD with a correct check digit is dropped, so one typo never blocks a deposit.

const ORCID_URL = "https://orcid.org/";
const HOST_FORM = /^(?:https?:\/\/)?(?:www\.)?orcid\.org\//i;

/** The canonical ORCID URL, or `undefined` when `value` is not a valid ORCID iD. */
export function normaliseOrcid(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const compact = value.trim().replace(HOST_FORM, "").replace(/[-\s]/g, "").toUpperCase();
  if (!/^[0-9]{15}[0-9X]$/.test(compact) || checkDigit(compact.slice(0, 15)) !== compact[15]) return undefined;
  return ORCID_URL + compact.match(/.{4}/g)!.join("-");
}

// ISO 7064 MOD 11-2 over the first 15 digits, as ORCID specifies for its last character.
function checkDigit(digits: string): string {
  let total = 0;
  for (const digit of digits) total = (total + Number(digit)) * 2;
  const result = (12 - (total % 11)) % 11;
  return result === 10 ? "X" : String(result);
}
