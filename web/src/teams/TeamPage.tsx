import { useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { TeamPageQueryDocument, type TeamRole } from "../__generated__/operations";
import { Skeleton } from "../components/PageStates";
import { ErrorView } from "../errors/ErrorView";
import {
  useAddTeamMemberMutation,
  useChangeTeamRoleMutation,
  useRemoveTeamMemberMutation,
} from "../hooks/useTeamMutations";
import { viewerPowers } from "../members/powers";

/** One team's members and roles; ADMINs and the team's MAINTAINERs add, promote and remove them. */
export function TeamPage() {
  const { org = "", team: name = "" } = useParams();
  const { data, error } = useQuery(TeamPageQueryDocument, { variables: { organization: org } });
  const [login, setLogin] = useState("");
  const [role, setRole] = useState<TeamRole>("MEMBER");
  const [add, added] = useAddTeamMemberMutation();
  const [changeRole, changed] = useChangeTeamRoleMutation();
  const [remove, removed] = useRemoveTeamMemberMutation();
  if (error) return <ErrorView error={error} />;
  if (!data) return <Skeleton label="Loading the team" rows={2} />;
  const team = data.organization?.teams.find((t) => t.name === name);
  if (!data.organization || !team) {
    return (
      <p className="notice">
        No team named “{name}” exists in {org}. <Link to={`/orgs/${org}/teams`}>All teams</Link>
      </p>
    );
  }
  const canManage = viewerPowers(data.viewer, org).manageTeamMembers(team.members);
  const inTeam = new Set(team.members.map((m) => m.user.login));
  const candidates = data.organization.members
    .map((m) => m.user.login)
    .filter((l) => !inTeam.has(l));
  const failure = added.error ?? changed.error ?? removed.error;
  const vars = (member: string) => ({ organization: org, team: name, login: member });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = login || candidates[0];
    if (!chosen) return;
    const response = await add({ variables: { ...vars(chosen), role } }).catch(() => null);
    if (response?.data) setLogin("");
  }

  return (
    <section aria-labelledby="team-title">
      <div className="page-head">
        <h1 id="team-title">Team {team.name}</h1>
        <Link to={`/orgs/${org}/teams`}>All teams of {org}</Link>
      </div>
      {canManage && candidates.length > 0 && (
        <form className="create" onSubmit={submit} aria-labelledby="add-member-title">
          <h2 id="add-member-title">Add a member</h2>
          <label>
            Person
            <select value={login || candidates[0]} onChange={(e) => setLogin(e.target.value)}>
              {candidates.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label>
            Team role
            <select value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
              <option value="MEMBER">Member</option>
              <option value="MAINTAINER">Maintainer</option>
            </select>
          </label>
          <div className="actions">
            <button type="submit" disabled={added.loading}>
              Add to team
            </button>
          </div>
        </form>
      )}
      {failure && <ErrorView error={failure} />}
      {team.members.length === 0 ? (
        <p className="empty">Nobody is in {team.name} yet.</p>
      ) : (
        <table className="tokens">
          <thead>
            <tr>
              <th scope="col">Login</th>
              <th scope="col">Team role</th>
              {canManage && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {team.members.map((m) => {
              const other: TeamRole = m.role === "MAINTAINER" ? "MEMBER" : "MAINTAINER";
              return (
                <tr key={m.user.login} data-member={m.user.login} data-role={m.role}>
                  <td data-label="Login">{m.user.login}</td>
                  <td data-label="Team role">{m.role.toLowerCase()}</td>
                  {canManage && (
                    <td>
                      <div className="row-actions">
                        <button
                          type="button"
                          aria-label={`Make ${m.user.login} ${other.toLowerCase()}`}
                          disabled={changed.loading}
                          onClick={() =>
                            void changeRole({
                              variables: { ...vars(m.user.login), role: other },
                            }).catch(() => undefined)
                          }
                        >
                          Make {other.toLowerCase()}
                        </button>
                        <button
                          type="button"
                          aria-label={`Remove ${m.user.login} from ${team.name}`}
                          disabled={removed.loading}
                          onClick={() =>
                            void remove({ variables: vars(m.user.login) }).catch(() => undefined)
                          }
                        >
                          Remove
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
