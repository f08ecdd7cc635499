import type { MockLink } from "@apollo/client/testing";
import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import {
  InviteMemberMutationDocument,
  MembersPageQueryDocument,
  PendingInvitationsQueryDocument,
  type OrganizationRole,
} from "../__generated__/operations";
import { MembersPage } from "./MembersPage";

type MockedResponse = MockLink.MockedResponse;

const IN_A_WEEK = "2026-12-10T12:00:00.000Z";

const page = (role: OrganizationRole): MockedResponse => ({
  request: { query: MembersPageQueryDocument, variables: { organization: "acme" } },
  result: {
    data: {
      viewer: {
        __typename: "Viewer",
        kind: "PERSONAL",
        token: { __typename: "AccessToken", source: "CONSOLE" },
        user: { __typename: "User", login: "ada" },
        organizations: [
          {
            __typename: "ViewerOrganization",
            role,
            organization: { __typename: "Organization", name: "acme" },
          },
        ],
      },
      organization: {
        __typename: "Organization",
        name: "acme",
        members: [
          { __typename: "OrganizationMember", role, user: { __typename: "User", login: "ada" } },
          {
            __typename: "OrganizationMember",
            role: "MEMBER",
            user: { __typename: "User", login: "bob" },
          },
        ],
      },
    },
  },
});
const pending: MockedResponse = {
  request: { query: PendingInvitationsQueryDocument, variables: { organization: "acme" } },
  result: {
    data: {
      invitations: [
        {
          __typename: "Invitation",
          id: "inv-1",
          login: "carol",
          role: "AUDITOR",
          expiresAt: IN_A_WEEK,
          createdBy: { __typename: "User", login: "ada" },
        },
      ],
    },
  },
  maxUsageCount: 2,
};
const invited: MockedResponse = {
  request: {
    query: InviteMemberMutationDocument,
    variables: { organization: "acme", login: "dave", role: "MEMBER" },
  },
  result: {
    data: {
      inviteMember: {
        __typename: "CreatedInvitation",
        code: "lapse_inv_0123456789abcdefghijklmnopqrstuvwxyzAB",
        invitation: {
          __typename: "Invitation",
          id: "inv-2",
          login: "dave",
          role: "MEMBER",
          expiresAt: IN_A_WEEK,
        },
      },
    },
  },
};

function renderPage(mocks: MockedResponse[]) {
  return render(
    <MockedProvider mocks={mocks}>
      <MemoryRouter initialEntries={["/orgs/acme/members"]}>
        <Routes>
          <Route path="/orgs/:org/members" element={<MembersPage />} />
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}

describe("the members page", () => {
  it("gives an ADMIN the invite form, pending invitations, role choices and Remove", async () => {
    renderPage([page("ADMIN"), pending]);
    expect(await screen.findByText("carol")).toBeDefined();
    expect(screen.getByRole("button", { name: "Invite" })).toBeDefined();
    expect(screen.getByRole("button", { name: "Cancel the invitation for carol" })).toBeDefined();
    expect((screen.getByLabelText("Role of bob") as HTMLSelectElement).value).toBe("MEMBER");
    expect(screen.getByRole("button", { name: "Remove bob" })).toBeDefined();
  });

  it("shows a MEMBER the members and roles with no control at all", async () => {
    renderPage([page("MEMBER")]);
    expect(await screen.findByText("bob")).toBeDefined();
    expect(screen.queryAllByRole("button")).toEqual([]);
    expect(screen.queryAllByRole("combobox")).toEqual([]);
    expect(screen.queryByText("Pending invitations")).toBeNull();
  });

  it("checks a login before inviting, then shows the code once", async () => {
    renderPage([page("ADMIN"), pending, invited]);
    const login = await screen.findByLabelText("Login");
    await userEvent.type(login, "-dave");
    expect(screen.getByRole("alert").textContent).toMatch(/not starting or ending with a hyphen/);
    expect(screen.getByRole("button", { name: "Invite" })).toHaveProperty("disabled", true);
    await userEvent.clear(login);
    await userEvent.type(login, "dave");
    await userEvent.click(screen.getByRole("button", { name: "Invite" }));
    expect((await screen.findByTestId("secret")).textContent).toMatch(/^lapse_inv_/);
    expect(screen.getByText(/will not be shown again/)).toBeDefined();
    await userEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByTestId("secret")).toBeNull();
  });
});
