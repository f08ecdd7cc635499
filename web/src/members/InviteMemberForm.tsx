import { useState, type FormEvent } from "react";
import type { OrganizationRole } from "../__generated__/operations";
import { SecretOnce } from "../components/SecretOnce";
import { ErrorView } from "../errors/ErrorView";
import { useInviteMemberMutation } from "../hooks/useMemberMutations";
import { ROLES, loginProblem } from "./roles";

/** Invites a login with a role; the one-time code comes back once, to hand to the newcomer. */
export function InviteMemberForm({ organization }: { organization: string }) {
  const [login, setLogin] = useState("");
  const [role, setRole] = useState<OrganizationRole>("MEMBER");
  const [invited, setInvited] = useState<{ login: string; code: string; until: string } | null>(
    null,
  );
  const [invite, result] = useInviteMemberMutation();
  const problem = login === "" ? null : loginProblem(login);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const response = await invite({ variables: { organization, login, role } }).catch(() => null);
    const created = response?.data?.inviteMember;
    if (!created) return;
    setLogin("");
    setInvited({
      login: created.invitation.login,
      code: created.code,
      until: new Date(created.invitation.expiresAt).toLocaleString(),
    });
  }

  if (invited) {
    return (
      <>
        <SecretOnce
          name={invited.login}
          title={`Invitation for “${invited.login}”`}
          secret={invited.code}
          onDone={() => setInvited(null)}
        />
        <p className="muted">
          {invited.login} joins by entering it under “Have an invitation?” on the sign-in page
          before {invited.until}.
        </p>
      </>
    );
  }
  return (
    <form className="create" onSubmit={submit} aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <label>
        Login
        <input
          value={login}
          autoComplete="off"
          aria-invalid={problem !== null}
          aria-describedby={problem ? "invite-login-problem" : undefined}
          onChange={(e) => setLogin(e.target.value)}
        />
      </label>
      {problem && (
        <p id="invite-login-problem" role="alert" className="error-text">
          {problem}
        </p>
      )}
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as OrganizationRole)}>
          {ROLES.map((r) => (
            <option key={r.role} value={r.role}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {result.error && <ErrorView error={result.error} />}
      <div className="actions">
        <button type="submit" disabled={login === "" || problem !== null || result.loading}>
          Invite
        </button>
      </div>
    </form>
  );
}
