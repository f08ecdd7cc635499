import type { MockLink } from "@apollo/client/testing";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { OidcIssuerPageQueryDocument, type TokenKind } from "../__generated__/operations";
import { OidcIssuerPage } from "./OidcIssuerPage";
import { renderRoute, viewerAs } from "./testing";

function page(role: "ADMIN" | "AUDITOR", kind: TokenKind = "PERSONAL"): MockLink.MockedResponse {
  return {
    request: { query: OidcIssuerPageQueryDocument, variables: { id: "i1" } },
    result: {
      data: {
        viewer: viewerAs(role, kind),
        oidcIssuer: {
          __typename: "OidcIssuer",
          id: "i1",
          name: "github",
          url: "https://token.actions.githubusercontent.com",
          hasStaticJwks: false,
          maxExpirationSeconds: 7200,
          updatedAt: "2026-11-26T12:00:00.000Z",
          policies: [
            {
              __typename: "OidcPolicy",
              decision: "ALLOW",
              tokenType: "TEAM",
              team: "platform",
              login: null,
              admin: false,
              rules: [{ __typename: "OidcClaimRule", claim: "sub", pattern: "repo:acme/*" }],
            },
          ],
        },
      },
    },
  };
}

function renderAs(mock: MockLink.MockedResponse) {
  renderRoute(<OidcIssuerPage />, "/orgs/:org/oidc/:issuerId", "/orgs/acme/oidc/i1", [mock]);
}

describe("an OIDC issuer's page", () => {
  it("offers a person ADMIN editing, deletion, the policy editor and the simulator", async () => {
    renderAs(page("ADMIN"));
    expect(await screen.findByRole("heading", { name: "github", level: 1 })).toBeDefined();
    for (const name of ["Edit issuer", "Delete issuer", "Save policies", "Simulate exchange"])
      expect(screen.getByRole("button", { name })).toBeDefined();
    // The simulator starts by asking for what the first ALLOW grants.
    expect((screen.getByLabelText("Scope") as HTMLInputElement).value).toBe("team:platform");
  });

  it("shows an AUDITOR the issuer and its policies, and nothing they may not do", async () => {
    renderAs(page("AUDITOR"));
    expect(await screen.findByRole("heading", { name: "github", level: 1 })).toBeDefined();
    expect(
      screen.getByText(/ALLOW a team token for team platform when sub is repo:acme\/\*/),
    ).toBeDefined();
    expect(screen.queryByRole("button")).toBeNull();
    expect(screen.queryByRole("heading", { name: "Simulator" })).toBeNull();
  });

  it("offers an ADMIN's machine token nothing to change", async () => {
    renderAs(page("ADMIN", "ORGANIZATION"));
    expect(await screen.findByRole("heading", { name: "github", level: 1 })).toBeDefined();
    expect(screen.queryByRole("button")).toBeNull();
  });
});
