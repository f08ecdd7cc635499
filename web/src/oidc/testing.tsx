import type { MockLink } from "@apollo/client/testing";
import { MockedProvider } from "@apollo/client/testing/react";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import type { OrganizationRole, TokenKind } from "../__generated__/operations";

/** The viewer part of the OIDC pages' queries: one role in acme, signed in with `kind`. */
export const viewerAs = (role: OrganizationRole, kind: TokenKind = "PERSONAL") => ({
  __typename: "Viewer",
  kind,
  organizations: [
    {
      __typename: "ViewerOrganization",
      role,
      organization: { __typename: "Organization", name: "acme" },
    },
  ],
});

/** Renders `element` at `url` under the route `path`, answering from `mocks`. */
export function renderRoute(
  element: ReactElement,
  path: string,
  url: string,
  mocks: MockLink.MockedResponse[],
) {
  return render(
    <MockedProvider mocks={mocks}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route path={path} element={element} />
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}
