import type { MockLink } from "@apollo/client/testing";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { OidcIssuersPageQueryDocument } from "../__generated__/operations";
import { OidcIssuersPage } from "./OidcIssuersPage";
import { renderRoute, viewerAs } from "./testing";

function list(role: "ADMIN" | "AUDITOR"): MockLink.MockedResponse {
  return {
    request: { query: OidcIssuersPageQueryDocument, variables: { organization: "acme" } },
    result: {
      data: {
        viewer: viewerAs(role),
        oidcIssuers: [
          {
            __typename: "OidcIssuer",
            id: "i1",
            name: "github",
            url: "https://token.actions.githubusercontent.com",
            hasStaticJwks: false,
            maxExpirationSeconds: 7200,
            policies: [{ __typename: "OidcPolicy", decision: "ALLOW" }],
          },
        ],
      },
    },
  };
}

function renderAs(role: "ADMIN" | "AUDITOR") {
  renderRoute(<OidcIssuersPage />, "/orgs/:org/oidc", "/orgs/acme/oidc", [list(role)]);
}

describe("the OIDC issuers page", () => {
  it("lists the issuers with links to each, and offers a person ADMIN registration", async () => {
    renderAs("ADMIN");
    const link = await screen.findByRole("link", { name: "github" });
    expect(link.getAttribute("href")).toBe("/orgs/acme/oidc/i1");
    expect(screen.getByText("1 allow, 0 deny")).toBeDefined();
    expect(screen.getByRole("button", { name: "Register issuer" })).toBeDefined();
  });

  it("lists them for an AUDITOR with no way to register one", async () => {
    renderAs("AUDITOR");
    expect(await screen.findByRole("link", { name: "github" })).toBeDefined();
    expect(screen.queryByRole("button")).toBeNull();
    expect(screen.queryByRole("heading", { name: "Register an issuer" })).toBeNull();
  });
});
