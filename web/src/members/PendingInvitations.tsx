import { useQuery } from "@apollo/client/react";
import { PendingInvitationsQueryDocument } from "../__generated__/operations";
import { Skeleton } from "../components/PageStates";
import { ErrorView } from "../errors/ErrorView";
import { useCancelInvitationMutation } from "../hooks/useMemberMutations";

/** Invitations not yet redeemed nor expired (never their codes), each cancellable. ADMINs only. */
export function PendingInvitations({ organization }: { organization: string }) {
  const { data, error } = useQuery(PendingInvitationsQueryDocument, {
    variables: { organization },
  });
  const [cancel, cancelled] = useCancelInvitationMutation();
  if (error) return <ErrorView error={error} />;
  const invitations = data?.invitations ?? [];
  return (
    <section aria-labelledby="pending-title">
      <h2 id="pending-title">Pending invitations</h2>
      {cancelled.error && <ErrorView error={cancelled.error} />}
      {cancelled.data && (
        <p role="status" className="muted">
          The invitation for {cancelled.data.cancelInvitation.login} is cancelled; its code no
          longer works.
        </p>
      )}
      {!data ? (
        <Skeleton label="Loading invitations" rows={1} />
      ) : invitations.length === 0 ? (
        <p className="muted">No invitations waiting to be redeemed.</p>
      ) : (
        <table className="tokens">
          <thead>
            <tr>
              <th scope="col">Login</th>
              <th scope="col">Role</th>
              <th scope="col">Expires</th>
              <th scope="col">Invited by</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id} data-invitation={invitation.login}>
                <td data-label="Login">{invitation.login}</td>
                <td data-label="Role">{invitation.role.toLowerCase()}</td>
                <td data-label="Expires">{new Date(invitation.expiresAt).toLocaleString()}</td>
                <td data-label="Invited by">{invitation.createdBy?.login ?? "—"}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Cancel the invitation for ${invitation.login}`}
                    disabled={cancelled.loading}
                    onClick={() =>
                      void cancel({ variables: { id: invitation.id } }).catch(() => undefined)
                    }
                  >
                    Cancel invitation
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
