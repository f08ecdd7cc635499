import { useQuery } from "@apollo/client/react";
import { useState } from "react";
import { useParams } from "react-router";
import { MembersPageQueryDocument, type OrganizationRole } from "../__generated__/operations";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { NotAMember, Skeleton } from "../components/PageStates";
import { ErrorView } from "../errors/ErrorView";
import { useChangeRoleMutation, useRemoveMemberMutation } from "../hooks/useMemberMutations";
import { InviteMemberForm } from "./InviteMemberForm";
import { PendingInvitations } from "./PendingInvitations";
import { viewerPowers } from "./powers";
import { ROLES } from "./roles";

/**
 * An organization's members and roles. ADMINs (people) also invite, see and cancel pending
 * invitations, change roles and remove members; everyone else sees the list alone.
 */
export function MembersPage() {
  const { org = "" } = useParams();
  const { data, error } = useQuery(MembersPageQueryDocument, { variables: { organization: org } });
  const [removing, setRemoving] = useState<string | null>(null);
  const [changeRole, changed] = useChangeRoleMutation();
  const [remove, removed] = useRemoveMemberMutation();
  if (error) return <ErrorView error={error} />;
  if (!data) return <Skeleton label="Loading members" rows={3} />;
  if (!data.organization) return <NotAMember organization={org} />;
  const powers = viewerPowers(data.viewer, org);
  const failure = changed.error ?? removed.error;
  const setRole = (login: string, role: OrganizationRole) =>
    void changeRole({ variables: { organization: org, login, role } }).catch(() => undefined);
  const confirmRemove = (login: string) => {
    setRemoving(null);
    void remove({ variables: { organization: org, login } }).catch(() => undefined);
  };

  return (
    <section aria-labelledby="members-title">
      <div className="page-head">
        <h1 id="members-title">Members of {org}</h1>
      </div>
      {powers.manageMembers && (
        <>
          <InviteMemberForm organization={org} />
          <PendingInvitations organization={org} />
        </>
      )}
      <h2>Members</h2>
      {failure && <ErrorView error={failure} />}
      <table className="tokens">
        <thead>
          <tr>
            <th scope="col">Login</th>
            <th scope="col">Role</th>
            {powers.manageMembers && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {data.organization.members.map(({ user, role }) => (
            <tr key={user.login} data-member={user.login}>
              <td data-label="Login">
                {user.login}
                {user.login === powers.login && <span className="muted"> (you)</span>}
              </td>
              <td data-label="Role">
                {powers.manageMembers ? (
                  <select
                    aria-label={`Role of ${user.login}`}
                    value={role}
                    disabled={changed.loading}
                    onChange={(e) => setRole(user.login, e.target.value as OrganizationRole)}
                  >
                    {ROLES.map((r) => (
                      <option key={r.role} value={r.role}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  role.toLowerCase()
                )}
              </td>
              {powers.manageMembers && (
                <td>
                  <button
                    type="button"
                    aria-label={`Remove ${user.login}`}
                    onClick={() => setRemoving(user.login)}
                  >
                    Remove
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {removing && (
        <ConfirmDialog
          title={`Remove “${removing}” from ${org}?`}
          body={`${removing} leaves ${org} and all of its teams at once, and their personal tokens stop acting here. They can come back only with a new invitation.`}
          confirmLabel="Remove"
          onConfirm={() => confirmRemove(removing)}
          onCancel={() => setRemoving(null)}
        />
      )}
    </section>
  );
}
