import { useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { TeamsPageQueryDocument } from "../__generated__/operations";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { NotAMember, Skeleton } from "../components/PageStates";
import { ErrorView } from "../errors/ErrorView";
import { useCreateTeamMutation, useDeleteTeamMutation } from "../hooks/useTeamMutations";
import { viewerPowers } from "../members/powers";

// The server's rule for a team name (organization.inputs.ts SLUG), checked before submitting.
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** An organization's teams with their members; ADMINs also create and delete them. */
export function TeamsPage() {
  const { org = "" } = useParams();
  const { data, error } = useQuery(TeamsPageQueryDocument, { variables: { organization: org } });
  const [name, setName] = useState("");
  const [deleting, setDeleting] = useState<{ name: string; members: number } | null>(null);
  const [create, created] = useCreateTeamMutation();
  const [remove, removed] = useDeleteTeamMutation();
  if (error) return <ErrorView error={error} />;
  if (!data) return <Skeleton label="Loading teams" rows={2} />;
  if (!data.organization) return <NotAMember organization={org} />;
  const powers = viewerPowers(data.viewer, org);
  const nameProblem =
    name === "" || SLUG.test(name)
      ? null
      : "A team name is 1 to 40 lower-case letters, digits and hyphens, not starting or ending with a hyphen.";

  async function submit(event: FormEvent) {
    event.preventDefault();
    const response = await create({ variables: { organization: org, name } }).catch(() => null);
    if (response?.data) setName("");
  }
  function confirmDelete(team: string) {
    setDeleting(null);
    void remove({ variables: { organization: org, team } }).catch(() => undefined);
  }

  return (
    <section aria-labelledby="teams-title">
      <div className="page-head">
        <h1 id="teams-title">Teams of {org}</h1>
      </div>
      {powers.manageTeams && (
        <form className="create" onSubmit={submit} aria-labelledby="create-team-title">
          <h2 id="create-team-title">New team</h2>
          <label>
            Team name
            <input
              value={name}
              autoComplete="off"
              aria-invalid={nameProblem !== null}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          {nameProblem && (
            <p role="alert" className="error-text">
              {nameProblem}
            </p>
          )}
          {created.error && <ErrorView error={created.error} />}
          <div className="actions">
            <button type="submit" disabled={name === "" || nameProblem !== null}>
              Create team
            </button>
          </div>
        </form>
      )}
      {removed.error && <ErrorView error={removed.error} />}
      {removed.data && (
        <p role="status" className="muted">
          Team {removed.data.deleteTeam.name} is deleted and its tokens are revoked.
        </p>
      )}
      {data.organization.teams.length === 0 ? (
        <p className="empty">No teams yet.</p>
      ) : (
        <table className="tokens">
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Members</th>
              <th scope="col">Maintainers</th>
              {powers.manageTeams && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {data.organization.teams.map((team) => (
              <tr key={team.id} data-team={team.name}>
                <td data-label="Team">
                  <Link to={`/orgs/${org}/teams/${team.name}`}>{team.name}</Link>
                </td>
                <td data-label="Members">{team.members.length}</td>
                <td data-label="Maintainers">
                  {team.members
                    .filter((m) => m.role === "MAINTAINER")
                    .map((m) => m.user.login)
                    .join(", ") || "—"}
                </td>
                {powers.manageTeams && (
                  <td>
                    <button
                      type="button"
                      aria-label={`Delete team ${team.name}`}
                      onClick={() => setDeleting({ name: team.name, members: team.members.length })}
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete team “${deleting.name}”?`}
          body={deleteWarning(deleting.name, deleting.members)}
          confirmLabel="Delete team"
          onConfirm={() => confirmDelete(deleting.name)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

/** What deleteTeam does (team.service.ts), said before it is done. */
export function deleteWarning(team: string, members: number): string {
  const people =
    members === 0
      ? "it has no members to remove"
      : members === 1
        ? "its 1 member leaves it"
        : `its ${members} members leave it`;
  return `Every token of “${team}” that still works is revoked at once, ${people}, and the name becomes free for a new team. Its history stays in the audit trail. This cannot be undone.`;
}
