import { ApolloProvider } from "@apollo/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider, createBrowserRouter } from "react-router";
import { createApolloClient } from "./apollo";
import { AuditPage } from "./audit/AuditPage";
import { OrganizationPage } from "./organization/OrganizationPage";
import { MembersPage } from "./members/MembersPage";
import { OidcIssuerPage } from "./oidc/OidcIssuerPage";
import { OidcIssuersPage } from "./oidc/OidcIssuersPage";
import { Layout } from "./pages/Layout";
import { NotFound, RouteError } from "./pages/NotFound";
import { RootRedirect } from "./pages/RootRedirect";
import { SignInPage } from "./pages/SignInPage";
import { TeamPage } from "./teams/TeamPage";
import { TeamsPage } from "./teams/TeamsPage";
import { TokensPage } from "./tokens/TokensPage";
import { WebhooksPage } from "./webhooks/WebhooksPage";
import "./styles.css";

const router = createBrowserRouter([
  { path: "/sign-in", element: <SignInPage />, errorElement: <RouteError /> },
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: "/", element: <RootRedirect /> },
      { path: "/orgs/:org/tokens", element: <TokensPage /> },
      { path: "/orgs/:org/audit", element: <AuditPage /> },
      { path: "/orgs/:org/webhooks", element: <WebhooksPage /> },
      { path: "/orgs/:org/members", element: <MembersPage /> },
      { path: "/orgs/:org/teams", element: <TeamsPage /> },
      { path: "/orgs/:org/teams/:team", element: <TeamPage /> },
      { path: "/orgs/:org/oidc", element: <OidcIssuersPage /> },
      { path: "/orgs/:org/oidc/:issuerId", element: <OidcIssuerPage /> },
      { path: "/orgs/:org", element: <OrganizationPage /> },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApolloProvider client={createApolloClient()}>
      <RouterProvider router={router} />
    </ApolloProvider>
  </StrictMode>,
);
