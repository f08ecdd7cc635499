import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { describe, expect, it } from "vitest";
import { errorSentence } from "./errorSentence";

const refusal = (message: string, code = "BAD_USER_INPUT") =>
  new CombinedGraphQLErrors({ errors: [{ message, extensions: { code } }] });

describe("errorSentence", () => {
  it("reads the server's policies[i] as the policy's number, keeping its explanation", () => {
    expect(
      errorSentence(refusal("policies[1]: an ALLOW policy must pin the repository or its owner.")),
    ).toBe("Policy 2: an ALLOW policy must pin the repository or its owner.");
  });

  it("never shows GraphQL's coercion text", () => {
    for (const message of [
      'Variable "$policies" got invalid value "x" at "policies[0].decision"; Value "x" does not exist in "PolicyDecision" enum.',
      "Int cannot represent non-integer value: 1.5",
    ]) {
      const sentence = errorSentence(refusal(message));
      expect(sentence).not.toMatch(/Variable|cannot represent|\$/);
      expect(sentence).toMatch(/^Some field holds a value of the wrong kind/);
    }
  });

  it("ends every sentence with a full stop", () => {
    expect(errorSentence(refusal("name must be lower-case"))).toBe("name must be lower-case.");
    expect(errorSentence(new Error(""))).toBe("Something went wrong; try again.");
  });
});
