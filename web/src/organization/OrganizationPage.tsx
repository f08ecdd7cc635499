import { useQuery } from "@apollo/client/react";
import { Link, useParams } from "react-router";
import { OrganizationPageQueryDocument } from "../__generated__/operations";
import { ErrorView } from "../errors/ErrorView";
import { PolicyForm } from "./PolicyForm";

/** Members and roles, teams, edition, and the token expiry policy with a preview of what it would block. */
export function OrganizationPage() {
  const { org = "" } = useParams();
  const { data, error } = useQuery(OrganizationPageQueryDocument, { variables: { name: org } });
  if (error) return <ErrorView error={error} />;
  const organization = data?.organization;
  if (!organization) {
    return (
      <div className="skeleton" aria-busy="true" aria-label="Loading the organization">
        <div className="skeleton-row" />
        <div className="skeleton-row" />
        <div className="skeleton-row" />
      </div>
    );
  }

  return (
    <section aria-labelledby="org-title">
      <h1 id="org-title">{organization.name}</h1>
      <p>
        Edition: <strong>{organization.edition}</strong>
      </p>
      <PolicyForm org={org} current={organization.maxTokenLifetimeDays} />
      <h2>Members</h2>
      <Link to={`/orgs/${org}/members`}>Members and invitations</Link>
      <table className="tokens">
        <thead>
          <tr>
            <th scope="col">Login</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {organization.members.map((m) => (
            <tr key={m.user.login}>
              <td data-label="Login">{m.user.login}</td>
              <td data-label="Role">{m.role.toLowerCase()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Teams</h2>
      <Link to={`/orgs/${org}/teams`}>Teams and their members</Link>
      {organization.teams.length === 0 ? (
        <p className="empty">No teams yet.</p>
      ) : (
        <ul>
          {organization.teams.map((t) => (
            <li key={t.name}>{t.name}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
