import { useLazyQuery, useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";
import { Link, useParams } from "react-router";
import {
  OrganizationPageQueryDocument,
  PolicyPreviewQueryDocument,
  SetPolicyMutationDocument,
} from "../__generated__/operations";
import { ErrorView } from "../errors/ErrorView";

/** Members and roles, teams, edition, and the token expiry policy with a preview of what it would block. */
export function OrganizationPage() {
  const { org = "" } = useParams();
  const { data, error } = useQuery(OrganizationPageQueryDocument, { variables: { name: org } });
  const [days, setDays] = useState("");
  const [preview, previewResult] = useLazyQuery(PolicyPreviewQueryDocument, {
    fetchPolicy: "network-only",
  });
  const [setPolicy, saved] = useMutation(SetPolicyMutationDocument, {
    refetchQueries: [OrganizationPageQueryDocument],
  });
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
  const proposed = days === "" ? null : Number(days);

  return (
    <section aria-labelledby="org-title">
      <h1 id="org-title">{organization.name}</h1>
      <p>
        Edition: <strong>{organization.edition}</strong>
      </p>
      <h2>Token expiry policy</h2>
      <p>
        {organization.maxTokenLifetimeDays === null
          ? "No cap: team and organization tokens may live as long as two years, or never expire."
          : `Team and organization tokens must expire within ${organization.maxTokenLifetimeDays} days.`}
      </p>
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          void setPolicy({ variables: { organization: org, days: proposed } });
        }}
      >
        <label>
          Maximum lifetime (days, empty for none)
          <input
            type="number"
            min={1}
            max={3650}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </label>
        <button
          type="button"
          onClick={() => void preview({ variables: { organization: org, days: proposed } })}
        >
          Preview
        </button>
        <button type="submit">Save policy</button>
      </form>
      {saved.error && <ErrorView error={saved.error} />}
      {previewResult.error && <ErrorView error={previewResult.error} />}
      {previewResult.data && (
        <div aria-live="polite">
          <p>
            This cap would refuse {previewResult.data.previewTokenExpiryPolicy.blockedCount} active
            tokens
            {previewResult.data.previewTokenExpiryPolicy.blockedCount > 0 ? ":" : "."}
          </p>
          <ul>
            {previewResult.data.previewTokenExpiryPolicy.blockedTokens.map((t) => (
              <li key={t.id}>
                {t.name} ({t.kind.toLowerCase()},{" "}
                {t.expiresAt
                  ? `expires ${new Date(t.expiresAt).toLocaleDateString()}`
                  : "never expires"}
                )
              </li>
            ))}
          </ul>
        </div>
      )}
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
              <td>{m.user.login}</td>
              <td>{m.role.toLowerCase()}</td>
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
