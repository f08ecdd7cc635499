import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { PolicyPreviewQueryDocument } from "../__generated__/operations";
import { PolicyForm } from "./PolicyForm";
import { readPolicyDays, readablePolicyError } from "./policyRules";

const previewOf14 = {
  request: { query: PolicyPreviewQueryDocument, variables: { organization: "acme", days: 14 } },
  result: {
    data: {
      previewTokenExpiryPolicy: {
        __typename: "TokenExpiryPolicyPreview",
        blockedCount: 1,
        blockedTokens: [
          {
            __typename: "AccessToken",
            id: "t1",
            name: "bootstrap",
            kind: "PERSONAL",
            expiresAt: null,
          },
        ],
      },
    },
  },
};

describe("the expiry policy form", () => {
  it("says what a cap must be in a sentence, and clears it once a try succeeds", async () => {
    render(
      <MockedProvider mocks={[previewOf14]}>
        <PolicyForm org="acme" current={null} />
      </MockedProvider>,
    );
    const field = screen.getByLabelText(/Maximum lifetime/);
    await userEvent.type(field, "1.5");
    await userEvent.click(screen.getByRole("button", { name: "Preview" }));
    expect(screen.getByRole("alert").textContent).toBe(
      "Enter a whole number of days from 1 to 3650, or leave it empty for no cap.",
    );
    await userEvent.clear(field);
    await userEvent.type(field, "14");
    await userEvent.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByText(/This cap would refuse 1 active token in acme/)).toBeDefined();
    expect(screen.queryByRole("alert")).toBeNull();
    // What it lists includes personal tokens, and the sentence says so.
    expect(screen.getByText(/members' personal tokens/)).toBeDefined();
    expect(screen.getByText(/bootstrap \(personal/)).toBeDefined();
  });
});

describe("the policy field's rules", () => {
  it("reads empty as no cap and whole days from 1 to 3650, refusing the rest", () => {
    expect(readPolicyDays("")).toEqual({ days: null });
    expect(readPolicyDays(" 14 ")).toEqual({ days: 14 });
    for (const bad of ["1.5", "0", "3651", "-3", "two", "1e3"]) {
      expect(readPolicyDays(bad)).toHaveProperty("problem");
    }
  });

  it("turns GraphQL's own rejections into the field's rule, and keeps the server's sentences", () => {
    const graphql = (message: string, code: string) =>
      new CombinedGraphQLErrors({ errors: [{ message, extensions: { code } }] });
    expect(
      readablePolicyError(
        graphql("Int cannot represent non-integer value: 1.5", "GRAPHQL_VALIDATION_FAILED"),
      ),
    ).toMatch(/^Enter a whole number of days/);
    expect(
      readablePolicyError(
        graphql("A 1-day cap would refuse the token you are signed in with.", "POLICY_VIOLATION"),
      ),
    ).toBe("A 1-day cap would refuse the token you are signed in with.");
  });
});
