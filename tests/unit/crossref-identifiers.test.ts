// The small pure pieces of a deposit: DOIs, ORCIDs, licences, batch identity, text limits,
// reading a dataset in the shapes clients store, configuration and the polling schedule.
import { describe, expect, it } from "vitest";
import { depositBatchId, depositFileName, depositTimestamp, nextDepositTimestamp } from "../../functions/_shared/crossref/batch.ts";
import { crossrefConfigFromEnv, CROSSREF_TEST_DEPOSIT_URL } from "../../functions/_shared/crossref/config.ts";
import { parseDatasetForDeposit } from "../../functions/_shared/crossref/dataset.ts";
import { bareDoi, doiUrl, isDoi, mintDoi, mintDoiSuffix } from "../../functions/_shared/crossref/doi.ts";
import { CrossrefConfigError } from "../../functions/_shared/crossref/errors.ts";
import { licenseUrl } from "../../functions/_shared/crossref/license.ts";
import { normaliseOrcid } from "../../functions/_shared/crossref/orcid.ts";
import { resultPollDelayMs } from "../../functions/_shared/crossref/polling.ts";
import { cleanText, truncate } from "../../functions/_shared/crossref/text.ts";

describe("DOIs", () => {
  it("mints ndic.<UTC year>.<8 chars of [a-z0-9]> under the NDI prefix", () => {
    const newYearsEveInNewYork = new Date("2026-01-01T02:00:00Z");
    const sequence = [0, 0.5, 0.999999, 0.1, 0.2, 0.3, 0.72, 0.95];
    let i = 0;
    expect(mintDoiSuffix(newYearsEveInNewYork, () => sequence[i++]!)).toBe("ndic.2026.as9dhkz8");
    expect(mintDoi()).toMatch(/^10\.63884\/ndic\.\d{4}\.[a-z0-9]{8}$/);
    const many = new Set(Array.from({ length: 200 }, () => mintDoiSuffix()));
    expect(many.size).toBe(200);
  });

  it("reads every stored form and writes the resolver URL", () => {
    for (const stored of ["10.63884/ndic.2026.ab12cd34", " https://doi.org/10.63884/ndic.2026.ab12cd34", "http://dx.doi.org/10.63884/ndic.2026.ab12cd34", "doi:10.63884/ndic.2026.ab12cd34"]) {
      expect(bareDoi(stored)).toBe("10.63884/ndic.2026.ab12cd34");
    }
    expect(doiUrl("10.63884/ndic.2026.ab12cd34")).toBe("https://doi.org/10.63884/ndic.2026.ab12cd34");
    expect(isDoi("10.63884/ndic.00000")).toBe(true);
    expect(isDoi("10.638/x")).toBe(false);
    expect(isDoi("https://doi.org/10.63884/x")).toBe(false);
  });
});

describe("normaliseOrcid", () => {
  it.each([
    ["0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"],
    ["https://orcid.org/0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"],
    ["http://www.orcid.org/0000-0002-1825-0097 ", "https://orcid.org/0000-0002-1825-0097"],
    ["orcid.org/0000000218250097", "https://orcid.org/0000-0002-1825-0097"],
    ["0000-0002-1694-233x", "https://orcid.org/0000-0002-1694-233X"],
  ])("turns %j into the full URL", (input, expected) => {
    expect(normaliseOrcid(input)).toBe(expected);
  });

  it.each(["0000-0002-1825-0098", "0000-0002-1825-009", "0000-0002-1825-00970", "https://example.org/0000-0002-1825-0097", "n/a", "", undefined, null])(
    "drops %j",
    (input) => {
      expect(normaliseOrcid(input)).toBeUndefined();
    },
  );
});

describe("licenseUrl", () => {
  it.each([
    ["CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"],
    ["ccBy4_0", "https://creativecommons.org/licenses/by/4.0/"],
    ["Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"],
    ["ccByNcSa4_0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"],
    ["CC BY-NC-ND 4.0 International", "https://creativecommons.org/licenses/by-nc-nd/4.0/"],
    ["CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"],
    ["ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/"],
    ["https://example.org/licence", "https://example.org/licence"],
  ])("maps %j", (name, url) => {
    expect(licenseUrl(name)).toBe(url);
  });

  it("knows nothing about unknown names rather than guessing", () => {
    expect(licenseUrl("All rights reserved")).toBeUndefined();
    expect(licenseUrl("ftp://x")).toBeUndefined();
    expect(licenseUrl("  ")).toBeUndefined();
  });
});

describe("batch identity", () => {
  it("stamps deposits with 17 UTC digits", () => {
    expect(depositTimestamp(new Date("2026-03-15T14:30:05.123Z"))).toBe("20260315143005123");
  });

  it("always moves past the previous deposit, even with the clock behind or a same-millisecond retry", () => {
    const now = new Date("2026-03-15T14:30:05.123Z");
    expect(nextDepositTimestamp(undefined, now)).toBe("20260315143005123");
    expect(nextDepositTimestamp("20260315143005122", now)).toBe("20260315143005123");
    expect(nextDepositTimestamp("20260315143005123", now)).toBe("20260315143005124");
    expect(nextDepositTimestamp("20270101000000000", now)).toBe("20270101000000001");
    // NDI-MATLAB's 14-digit stamps are smaller numbers: no catching up needed.
    expect(nextDepositTimestamp("20991231235959", now)).toBe("20260315143005123");
    expect(() => nextDepositTimestamp("9999999999999999999", now)).toThrow(RangeError);
  });

  it("names a batch after its DOIs and timestamp, within Crossref's 100 characters", () => {
    expect(depositBatchId(["10.63884/ndic.2026.ab12cd34"], "20260315143005123")).toBe("ndic.2026.ab12cd34-20260315143005123");
    expect(depositBatchId(["10.63884/ndic.2026.ab12cd34", "10.63884/ndic.2026.zz"], "20260315143005123")).toBe(
      "ndic.2026.ab12cd34-and-1-more-20260315143005123",
    );
    const long = depositBatchId([`10.63884/${"x/y".repeat(80)}`], "20260315143005123");
    expect(long).toHaveLength(100);
    expect(long).toMatch(/^x_yx_y.*-20260315143005123$/);
    expect(depositFileName("ndic.2026.ab12cd34-20260315143005123")).toBe("ndic.2026.ab12cd34-20260315143005123.xml");
    expect(() => depositBatchId([], "1")).toThrow(RangeError);
  });
});

describe("text limits", () => {
  it("counts characters, not UTF-16 units, and never splits a grapheme", () => {
    expect(truncate("🧠🧠🧠", 2)).toBe("🧠🧠");
    expect(truncate("e\u0301e\u0301e\u0301", 5)).toBe("e\u0301e\u0301");
    expect(truncate("abc def", 5, "…")).toBe("abc…");
    expect(truncate("short", 5, "…")).toBe("short");
  });

  it("collapses whitespace like the schema, or keeps paragraphs when asked", () => {
    expect(cleanText("  a \t b\r\n c  ")).toBe("a b c");
    expect(cleanText(" a \r\n\r\n\r\n\r\n b \n c ", { multiline: true })).toBe("a\n\nb\nc");
    expect(cleanText("\u0000\u0008 ")).toBeUndefined();
    expect(cleanText(null)).toBeUndefined();
  });
});

describe("parseDatasetForDeposit", () => {
  it("reads the shapes NDI clients store", () => {
    const dataset = parseDatasetForDeposit({
      _id: "0123456789abcdef01234567",
      name: "Recordings",
      doi: "https://doi.org/10.63884/ndic.2026.ab12cd34",
      abstract: "",
      description: "From PY",
      contributors: [{ firstName: "Jane", lastName: "Doe", orchid: "0000-0002-1825-0097" }, { firstName: null, lastName: "Solo" }],
      funding: { source: "NIH" },
      license: null,
      createdAt: "2026-03-01T09:08:07.000Z",
      updatedAt: new Date("2026-03-02T00:00:00Z"),
      publishedAt: "not a date",
      isPublished: true,
    });
    expect(dataset).toEqual({
      id: "0123456789abcdef01234567",
      doi: "10.63884/ndic.2026.ab12cd34",
      name: "Recordings",
      abstract: "From PY",
      contributors: [
        { firstName: "Jane", lastName: "Doe", orcid: "0000-0002-1825-0097" },
        { firstName: undefined, lastName: "Solo", orcid: undefined },
      ],
      license: undefined,
      funding: [{ source: "NIH" }],
      createdAt: new Date("2026-03-01T09:08:07.000Z"),
      updatedAt: new Date("2026-03-02T00:00:00Z"),
      publishedAt: undefined,
    });
    expect(parseDatasetForDeposit({ id: "x", name: "n", doi: "10.63884/a", funding: [{ source: "A" }, { source: " " }, {}] }).funding).toEqual([
      { source: "A" },
    ]);
  });

  it("requires an id, a name and a DOI", () => {
    expect(() => parseDatasetForDeposit({ name: "n", doi: "10.63884/a" })).toThrow(/id/);
    expect(() => parseDatasetForDeposit({ id: "x", doi: "10.63884/a" })).toThrow(/name/);
    expect(() => parseDatasetForDeposit({ id: "x", name: "n" })).toThrow(/doi/);
  });
});

describe("crossrefConfigFromEnv", () => {
  const required = { CROSSREF_USERNAME: "role", CROSSREF_PASSWORD: "s3cret pass", CROSSREF_DEPOSITOR_EMAIL: "doi@example.org" };

  it("defaults to Crossref's test system and NDI's prefix and landing pages", () => {
    const config = crossrefConfigFromEnv((name) => required[name as keyof typeof required]);
    expect(config).toEqual({
      endpoint: {
        depositUrl: CROSSREF_TEST_DEPOSIT_URL,
        resultUrl: "https://test.crossref.org/servlet/submissionDownload",
        username: "role",
        password: "s3cret pass",
      },
      depositor: { name: "Waltham Data Science LLC", email: "doi@example.org" },
      registrant: "Waltham Data Science LLC",
      doiPrefix: "10.63884",
      landingPageBase: "https://www.ndi-cloud.com/datasets/",
    });
  });

  it("follows a local endpoint, e.g. the test double", () => {
    const env: Record<string, string> = { ...required, CROSSREF_DEPOSIT_URL: "http://127.0.0.1:9999/crossref/servlet/deposit" };
    expect(crossrefConfigFromEnv((name) => env[name]).endpoint.resultUrl).toBe("http://127.0.0.1:9999/crossref/servlet/submissionDownload");
  });

  it("names what is missing without echoing any value", () => {
    const env: Record<string, string> = { CROSSREF_PASSWORD: "s3cret pass", CROSSREF_DOI_PREFIX: "11.1" };
    try {
      crossrefConfigFromEnv((name) => env[name]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CrossrefConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/CROSSREF_USERNAME/);
      expect(message).toMatch(/CROSSREF_DEPOSITOR_EMAIL/);
      expect(message).toMatch(/CROSSREF_DOI_PREFIX/);
      expect(message).not.toMatch(/s3cret/);
    }
  });
});

it("polls often at first, then rarely", () => {
  expect([0, 1, 2, 4, 7, 50].map(resultPollDelayMs)).toEqual([30_000, 30_000, 60_000, 120_000, 1_800_000, 1_800_000]);
});
