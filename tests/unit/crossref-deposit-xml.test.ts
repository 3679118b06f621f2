// The deposit XML for datasets with minimal and rich metadata is valid against the official
// Crossref 5.3.1 schema, and awkward metadata (unicode, control characters, long text, many
// people, malformed ORCIDs) is made safe instead of failing the deposit. One schema compile for
// the whole file.
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildDepositXml, type DepositBatch } from "../../functions/_shared/crossref/deposit-xml.ts";
import { parseDatasetForDeposit, type DatasetForDeposit } from "../../functions/_shared/crossref/dataset.ts";
import { DepositInputError, XsdSchemaError } from "../../functions/_shared/crossref/errors.ts";
import { SCHEMA_FILES } from "../../functions/_shared/crossref/schema-files.ts";
import { createXsdValidator, sharedXsdValidator } from "../../functions/_shared/crossref/xsd-validator.ts";

const validator = sharedXsdValidator();
beforeAll(() => validator.ready(), 60_000);

const DATASET_ID = "0123456789abcdef01234567";

function batchOf(datasets: DatasetForDeposit[], overrides: Partial<DepositBatch> = {}): DepositBatch {
  return {
    batchId: "ndic.2026.ab12cd34-20260315143005123",
    timestamp: "20260315143005123",
    depositor: { name: "Waltham Data Science LLC", email: "doi-admin@example.org" },
    registrant: "Waltham Data Science LLC",
    landingPageBase: "https://www.ndi-cloud.com/datasets/",
    datasets,
    ...overrides,
  };
}

function dataset(fields: Record<string, unknown> = {}): DatasetForDeposit {
  return parseDatasetForDeposit({ _id: DATASET_ID, name: "Recordings of V1", doi: "10.63884/ndic.2026.ab12cd34", ...fields });
}

async function expectValid(xml: string): Promise<void> {
  const result = await validator.validate(xml);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
}

const richDataset = () =>
  dataset({
    doi: "https://doi.org/10.63884/ndic.2026.k3x9q0ab",
    abstract: "Spikes & LFP from <V1>, \"awake\" mice.\r\n\r\n\r\nSecond paragraph.",
    description: "ignored when there is an abstract",
    contributors: [
      { firstName: "Jane", lastName: "Example", orcid: "0000-0002-1825-0097" },
      { firstName: "John", lastName: "Sample", orchid: "https://orcid.org/0000-0002-1694-233x" },
      { firstName: "Ann", lastName: "Typo", orcid: "0000-0002-1825-0098" },
      { firstName: "Cher" },
      { firstName: "", lastName: "" },
    ],
    funding: { source: "National Institutes of Health" },
    license: "ccByNcSa4_0",
    createdAt: "2026-03-01T09:08:07.000Z",
    updatedAt: "2026-03-15T14:30:05.123Z",
    publishedAt: "2026-03-10T00:00:00.000Z",
  });

describe("buildDepositXml", () => {
  it("writes a valid deposit for a dataset with only a name and a DOI", async () => {
    const { xml, dois, warnings } = buildDepositXml(batchOf([dataset({ createdAt: "2026-03-01T00:00:00.000Z" })]));
    await expectValid(xml);
    expect(dois).toEqual(["10.63884/ndic.2026.ab12cd34"]);
    expect(warnings).toEqual([]);
    expect(xml).toContain(`<resource>https://www.ndi-cloud.com/datasets/${DATASET_ID}</resource>`);
    // The database block is the same in every deposit, with its own DOI.
    expect(xml).toContain("<doi>10.63884/ndic.00000</doi>");
    expect(xml).toContain("<title>NDI Cloud Open Datasets</title>");
    // Funding and licence are sent empty, so a re-deposit removes what is gone.
    expect(xml).toContain('<fr:program name="fundref"/>');
    expect(xml).toContain('<ai:program name="AccessIndicators"/>');
  });

  it("writes a valid deposit with every field the contract names, in the schema's order", async () => {
    const { xml, dois, warnings } = buildDepositXml(batchOf([richDataset()]));
    await expectValid(xml);
    expect(dois).toEqual(["10.63884/ndic.2026.k3x9q0ab"]);
    expect(xml).toMatch(/<person_name sequence="first" contributor_role="author">\s*<given_name>Jane<\/given_name>/);
    expect(xml).toContain("<ORCID>https://orcid.org/0000-0002-1825-0097</ORCID>");
    expect(xml).toContain("<ORCID>https://orcid.org/0000-0002-1694-233X</ORCID>");
    expect(xml).not.toContain("0000-0002-1825-0098");
    expect(xml).toMatch(/<person_name sequence="additional" contributor_role="author">\s*<surname>Cher<\/surname>/);
    expect(xml).toContain("<description>Spikes &amp; LFP from &lt;V1&gt;, \"awake\" mice.\n\nSecond paragraph.</description>");
    expect(xml).toContain('<fr:assertion name="funder_name">National Institutes of Health</fr:assertion>');
    expect(xml).toContain('<ai:license_ref applies_to="vor">https://creativecommons.org/licenses/by-nc-sa/4.0/</ai:license_ref>');
    expect(xml).toMatch(
      /<creation_date media_type="online">\s*<month>03<\/month>\s*<day>01<\/day>\s*<year>2026<\/year>[\s\S]*<publication_date media_type="online">\s*<month>03<\/month>\s*<day>10<\/day>[\s\S]*<update_date media_type="online">\s*<month>03<\/month>\s*<day>15<\/day>/,
    );
    expect(warnings.map((warning) => warning.message)).toEqual([
      'contributor 3 (Typo): "0000-0002-1825-0098" is not a valid ORCID iD and was left out',
      "contributor 5 has no usable name and was left out",
    ]);
  });

  it("keeps unicode, drops characters XML cannot carry and escapes markup", async () => {
    const { xml } = buildDepositXml(
      batchOf([
        dataset({
          name: "Réseaux neuronaux — 神経回路 🧠\u0007 <b>&amp;</b>\uFFFE",
          abstract: "Zoë's \uD800 data",
          contributors: [
            { firstName: "Zoë", lastName: "Ñúñez-Øster" },
            { firstName: "小龍", lastName: "李" },
            { firstName: "Who?", lastName: "O'Brien?" },
          ],
          funding: [{ source: "Fondation Ʃ & Co" }, { source: "  " }],
          createdAt: "2026-03-01T00:00:00.000Z",
        }),
      ]),
    );
    await expectValid(xml);
    expect(xml).toContain("<title>Réseaux neuronaux — 神経回路 🧠 &lt;b&gt;&amp;amp;&lt;/b&gt;</title>");
    expect(xml).toContain("<description>Zoë's data</description>");
    expect(xml).toContain("<surname>Ñúñez-Øster</surname>");
    expect(xml).toContain("<given_name>小龍</given_name>");
    expect(xml).toContain("<surname>O'Brien</surname>");
    expect(xml).toContain('<fr:assertion name="funder_name">Fondation Ʃ &amp; Co</fr:assertion>');
    expect(xml.match(/funder_name/g)).toHaveLength(1);
  });

  it("shortens over-long text on a character boundary and says so", async () => {
    const longName = "Ǉ".repeat(80);
    const { xml, warnings } = buildDepositXml(
      batchOf([
        dataset({
          name: `${"A very long title about cortex 🧠 ".repeat(200)}end`,
          abstract: "x".repeat(20_000),
          contributors: [{ firstName: longName, lastName: `${"Ö".repeat(59)}🧠🧠` }],
          createdAt: "2026-03-01T00:00:00.000Z",
        }),
      ]),
    );
    await expectValid(xml);
    const title = xml.match(/<dataset[\s\S]*?<title>([^<]*)<\/title>/)![1]!;
    expect([...title]).toHaveLength(1000);
    expect(title.endsWith("…")).toBe(true);
    expect(xml).toContain(`<given_name>${"Ǉ".repeat(60)}</given_name>`);
    expect(xml).toContain(`<surname>${"Ö".repeat(59)}🧠</surname>`);
    expect(warnings.map((warning) => warning.message)).toEqual([
      "the title was shortened to 1000 characters",
      "the abstract was shortened to 10000 characters",
    ]);
  });

  it("lists many contributors with exactly one first author", async () => {
    const contributors = Array.from({ length: 300 }, (_, i) => ({ firstName: `Given${i}x`, lastName: `Surname ${i}` }));
    const { xml } = buildDepositXml(batchOf([dataset({ contributors })]));
    await expectValid(xml);
    expect(xml.match(/<person_name /g)).toHaveLength(300);
    expect(xml.match(/sequence="first"/g)).toHaveLength(2); // the database's organisation and our first author
  });

  it("puts several datasets in one database block", async () => {
    const datasets = ["aaaaaaaa", "bbbbbbbb", "cccccccc"].map((tail, i) =>
      dataset({ _id: `${DATASET_ID.slice(0, 23)}${i}`, doi: `10.63884/ndic.2026.${tail}`, name: `Dataset ${i}` }),
    );
    const { xml, dois } = buildDepositXml(batchOf(datasets));
    await expectValid(xml);
    expect(dois).toHaveLength(3);
    expect(xml.match(/<database>/g)).toHaveLength(1);
    expect(xml.match(/<dataset dataset_type="record">/g)).toHaveLength(3);
  });

  it("refuses a batch Crossref would fail as a whole, naming every problem", () => {
    const attempt = () =>
      buildDepositXml(
        batchOf([dataset(), dataset({ doi: "10.63884/ndic.2026.ab12cd34" }), dataset({ doi: "10.5555/other" }), dataset({ doi: "nope" })], {
          timestamp: "2026-03-15",
          depositor: { name: "", email: "not-an-email" },
        }),
      );
    expect(attempt).toThrow(DepositInputError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as DepositInputError).problems.join("\n");
      expect(problems).toMatch(/timestamp/);
      expect(problems).toMatch(/depositor\.name/);
      expect(problems).toMatch(/depositor\.email/);
      expect(problems).toMatch(/"nope" is not a DOI/);
      expect(problems).toMatch(/DOI 10\.63884\/ndic\.2026\.ab12cd34 appears more than once/);
      expect(problems).toMatch(/share a prefix, found 10\.63884, 10\.5555/);
    }
    expect(() => buildDepositXml(batchOf([]))).toThrow(/no datasets to deposit/);
  });
});

describe("the XSD validator", () => {
  it("rejects a deposit the schema does not allow, with line numbers", async () => {
    const { xml } = buildDepositXml(batchOf([richDataset()]));
    const bareOrcid = xml.replace("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097");
    const untitledDatabase = xml.replace(/<titles>\s*<title>NDI Cloud Open Datasets<\/title>\s*<\/titles>/, "");
    const results = await Promise.all([bareOrcid, untitledDatabase].map((candidate) => validator.validate(candidate)));
    expect(results.map((result) => result.valid)).toEqual([false, false]);
    expect(results[0]!.errors.join("\n")).toMatch(/^line \d+: .*ORCID.*pattern/m);
    expect(results[1]!.errors.join("\n")).toMatch(/^line \d+: .*description.*Expected is .*titles/m);
  });

  it("reports XML that is not well-formed instead of throwing", async () => {
    const result = await validator.validate("<doi_batch><head></doi_batch>");
    expect(result.valid).toBe(false);
    expect(result.errors.join("\n")).toMatch(/line 1: .*mismatch/i);
  });

  it("never expands external entities from a document", async () => {
    const result = await validator.validate(
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><doi_batch>&e;</doi_batch>',
    );
    expect(result.valid).toBe(false);
    expect(result.errors.join("\n")).not.toMatch(/root:/);
  });

  it("fails loudly with XsdSchemaError when the schema files are missing", async () => {
    const broken = createXsdValidator({ readSchemaFile: async (file) => Promise.reject(new Error(`no ${file}`)) });
    await expect(broken.validate("<x/>")).rejects.toThrow(XsdSchemaError);
  });

  it("knows every vendored schema file", () => {
    const schemaDir = path.resolve(import.meta.dirname, "../../functions/_shared/crossref/schema");
    const onDisk = readdirSync(schemaDir, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".xsd"))
      .map((file) => file.split(path.sep).join("/"))
      .sort();
    expect([...SCHEMA_FILES].sort()).toEqual(onDisk);
  });
});
