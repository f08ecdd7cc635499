import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authorizeCaller, type Action } from "../auth/authorization";
import type { RequestContext } from "../context";
import { ErrorMiddleware, toGraphQLError } from "../errors/error-middleware";
import { AuditResolver } from "../modules/audit/audit.resolver";
import { InvitationResolver } from "../modules/invitation/invitation.resolver";
import { OidcResolver } from "../modules/oidc/oidc.resolver";
import { OrganizationResolver } from "../modules/organization/organization.resolver";
import { TeamResolver } from "../modules/team/team.resolver";
import { TokenResolver } from "../modules/token/token.resolver";
import { ViewerResolver } from "../modules/token/viewer.resolver";
import { ExpiryThresholdsResolver, WebhookResolver } from "../modules/webhook/webhook.resolver";
import { NotificationEmailResolver } from "../modules/email/email.resolver";
import { DateTimeScalar } from "./date-time.scalar";

/** The GraphQL schema, built from the resolver classes (schema.graphql is printed from it). */
export function buildLapseSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      ViewerResolver,
      TokenResolver,
      OrganizationResolver,
      TeamResolver,
      InvitationResolver,
      AuditResolver,
      OidcResolver,
      WebhookResolver,
      ExpiryThresholdsResolver,
      NotificationEmailResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // Services validate their own input (assertValid), so GraphQL, REST and the CLI share one set of rules.
    validate: false,
    globalMiddlewares: [ErrorMiddleware],
    // Every query and mutation names its actions with @Authorized; the caller-level part of their
    // rules is judged here, the rest by the service (auth/authorization.ts).
    // TypeGraphQL runs this before the global middlewares, so its refusal is coded here.
    authChecker: ({ context }: { context: RequestContext }, actions: Action[]) => {
      try {
        authorizeCaller(context, ...actions);
      } catch (error) {
        throw toGraphQLError(error, context);
      }
      return true;
    },
    emitSchemaFile: false,
  });
}
