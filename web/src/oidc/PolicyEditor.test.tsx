import { GraphQLError } from "graphql";
import type { MockLink } from "@apollo/client/testing";
import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { SetOidcIssuerPoliciesMutationDocument } from "../__generated__/operations";
import { PolicyEditor } from "./PolicyEditor";
import type { PolicyDraft } from "./policyDraft";

const PIN_REFUSAL =
  "policies[0]: an ALLOW policy must pin the repository or its owner: add a rule on repository_owner_id or repository_id (GitHub), namespace_id or project_id (GitLab) with no wildcard, or a sub pattern that names the owner before any wildcard, such as repo:acme/* (GitHub) or project_path:acme/* (GitLab); for other issuers an exact sub also pins.";

const policy = (pattern: string) => ({
  decision: "ALLOW" as const,
  tokenType: "TEAM" as const,
  team: "platform",
  login: null,
  admin: null,
  rules: [{ claim: "sub", pattern }],
});

const mocks: MockLink.MockedResponse[] = [
  {
    request: {
      query: SetOidcIssuerPoliciesMutationDocument,
      variables: { issuerId: "i1", policies: [policy("repo:*")] },
    },
    result: { errors: [new GraphQLError(PIN_REFUSAL, { extensions: { code: "BAD_USER_INPUT" } })] },
  },
  {
    request: {
      query: SetOidcIssuerPoliciesMutationDocument,
      variables: { issuerId: "i1", policies: [policy("repo:acme/*")] },
    },
    result: {
      data: {
        setOidcIssuerPolicies: {
          __typename: "OidcIssuer",
          id: "i1",
          policies: [
            {
              __typename: "OidcPolicy",
              ...policy("repo:acme/*"),
              admin: false,
              rules: [{ __typename: "OidcClaimRule", claim: "sub", pattern: "repo:acme/*" }],
            },
          ],
        },
      },
    },
  },
];

function Editor({ canManage = true }: { canManage?: boolean }) {
  const [drafts, setDrafts] = useState<PolicyDraft[] | null>(null);
  return (
    <PolicyEditor
      issuerId="i1"
      stored={[]}
      drafts={drafts}
      onDraftsChange={setDrafts}
      canManage={canManage}
    />
  );
}

describe("the policy editor", () => {
  it("shows the server's refusal of an unpinned ALLOW as a sentence, and clears it on the next try", async () => {
    render(
      <MockedProvider mocks={mocks}>
        <Editor />
      </MockedProvider>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Add policy" }));
    const first = within(screen.getByRole("group", { name: "Policy 1" }));
    await userEvent.type(first.getByLabelText("Team"), "platform");
    await userEvent.type(first.getByLabelText("Pattern of rule 1"), "repo:*");
    await userEvent.click(screen.getByRole("button", { name: "Save policies" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(
      /^Policy 1: an ALLOW policy must pin the repository or its owner: add a rule on /,
    );
    expect(alert.textContent).not.toMatch(/policies\[0\]/);

    await userEvent.clear(first.getByLabelText("Pattern of rule 1"));
    await userEvent.type(first.getByLabelText("Pattern of rule 1"), "repo:acme/*");
    await userEvent.click(screen.getByRole("button", { name: "Save policies" }));
    expect(await screen.findByText("Policies saved: 1 policy.")).toBeDefined();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("explains pinning to everyone, and offers no editing to those who may not manage", () => {
    render(
      <MockedProvider mocks={[]}>
        <Editor canManage={false} />
      </MockedProvider>,
    );
    expect(screen.getByText(/An ALLOW must pin the repository or its owner/)).toBeDefined();
    expect(screen.queryByRole("button")).toBeNull();
    expect(screen.queryByRole("textbox")).toBeNull();
  });
});
