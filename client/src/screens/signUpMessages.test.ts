import { describe, expect, it } from "vitest";
import { checkSignUp, describeSignUpError } from "./signUpMessages";

describe("sign-up messages", () => {
  it("a good name and password have nothing to say", () => {
    expect(checkSignUp("ada", "correct horse")).toBeUndefined();
  });

  it("an empty name, a short password and an overlong name are said in plain words, never as validator output", () => {
    expect(checkSignUp("  ", "short")).toBe("Choose a name to sign up with. Choose a password of at least 8 characters.");
    expect(checkSignUp("x".repeat(65), "correct horse")).toBe("A name can be at most 64 characters.");
    expect(checkSignUp("ada", "p".repeat(1025))).toBe("A password can be at most 1,024 characters.");
  });

  it("the server's validation text and its taken-name answer become sentences", () => {
    const raw = { code: "invalid_params", message: "invalid body: ✖ Too small: expected string to have >=8 characters\n  → at password" };
    expect(describeSignUpError(raw, "ada", "short")).toBe("Choose a password of at least 8 characters.");
    expect(describeSignUpError({ code: "invalid_params", message: 'the name "ADA" is taken' }, "ADA", "correct horse")).toBe(
      "The name “ADA” is already taken. Pick another one, or sign in if it is yours.",
    );
    expect(describeSignUpError({ code: "unavailable", message: "the server cannot be reached" }, "ada", "correct horse")).toBe("the server cannot be reached");
  });
});
