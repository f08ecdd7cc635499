import { useApolloClient } from "@apollo/client/react";
import { Link, NavLink, Outlet, useNavigate, useParams } from "react-router";
import { OidcNavLink } from "../oidc/OidcNavLink";
import { signOut } from "../session";
import { KnownOrganization } from "./KnownOrganization";
import { SignedInAs } from "./SignedInAs";

/** The console's frame: where you are, and the way out. */
export function Layout() {
  const { org } = useParams();
  const navigate = useNavigate();
  const client = useApolloClient();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Lapse
        </Link>
        {org && org !== "-" && (
          <nav aria-label="Console" className="main-nav">
            <span className="muted">{org}</span>
            <NavLink to={`/orgs/${org}/tokens`}>Tokens</NavLink>
            <NavLink to={`/orgs/${org}/audit`}>Audit</NavLink>
            <NavLink to={`/orgs/${org}/webhooks`}>Webhooks</NavLink>
            <NavLink to={`/orgs/${org}/members`}>Members</NavLink>
            <NavLink to={`/orgs/${org}/teams`}>Teams</NavLink>
            <OidcNavLink org={org} />
            <NavLink to={`/orgs/${org}`} end>
              Organization
            </NavLink>
          </nav>
        )}
        <SignedInAs />
        <button
          type="button"
          onClick={async () => {
            await signOut();
            await client.clearStore();
            navigate("/sign-in?reason=You%20signed%20out.", { replace: true });
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        {org && org !== "-" ? (
          <KnownOrganization name={org}>
            <Outlet />
          </KnownOrganization>
        ) : (
          <Outlet />
        )}
      </main>
    </>
  );
}
