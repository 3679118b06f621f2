// GoTrue's password rules and the bcrypt comparison that treats "no user" like "wrong password".
import { describe, expect, it } from "vitest";
import { AuthError } from "../../embedded/auth/errors.ts";
import { checkPasswordStrength, hashPassword, passwordMatches } from "../../embedded/auth/passwords.ts";

function refusal(password: string, rules: { minimum_password_length: number; password_requirements: string }) {
  try {
    checkPasswordStrength(password, rules);
    return undefined;
  } catch (error) {
    const { status, code, message, weakPasswordReasons } = error as AuthError;
    return { status, code, message, reasons: weakPasswordReasons };
  }
}

describe("checkPasswordStrength", () => {
  const plain = { minimum_password_length: 6, password_requirements: "" };

  it("accepts a long enough password", () => {
    expect(refusal("sixsix", plain)).toBeUndefined();
  });

  it("refuses a short one as weak_password (length)", () => {
    expect(refusal("five5", plain)).toEqual({
      status: 422,
      code: "weak_password",
      message: "Password should be at least 6 characters.",
      reasons: ["length"],
    });
  });

  it("requires one character of each set, reporting every reason", () => {
    const strict = { minimum_password_length: 8, password_requirements: "lower_upper_letters_digits_symbols" };
    expect(refusal("Abcdefg1!", strict)).toBeUndefined();
    expect(refusal("abc", strict)).toMatchObject({ reasons: ["length", "characters"] });
    expect(refusal("abcdefgh1!", strict)!.message).toBe(
      "Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, " +
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789, !@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~.",
    );
    expect(refusal("lettersonly", { minimum_password_length: 6, password_requirements: "letters_digits" })).toMatchObject({
      reasons: ["characters"],
    });
  });

  it("refuses more than bcrypt's 72 bytes as validation_failed", () => {
    expect(refusal("x".repeat(73), plain)).toMatchObject({ status: 400, code: "validation_failed" });
    expect(refusal("é".repeat(37), plain)).toMatchObject({ code: "validation_failed" });
  });
});

describe("passwordMatches", () => {
  it("matches a bcrypt hash of cost 10, and never matches a missing hash", async () => {
    const hash = await hashPassword("secret words");
    expect(hash).toMatch(/^\$2[ab]\$10\$/);
    expect(await passwordMatches("secret words", hash)).toBe(true);
    expect(await passwordMatches("other words", hash)).toBe(false);
    expect(await passwordMatches("not a password anyone has", undefined)).toBe(false);
    expect(await passwordMatches("not a password anyone has", "")).toBe(false);
  });
});
