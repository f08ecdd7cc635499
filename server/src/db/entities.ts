import { AuthThrottle } from "../auth/auth-throttle.entity";
import { JobLease } from "../modules/jobs/job-lease.entity";
import { AuditEvent } from "../modules/audit/audit-event.entity";
import { Invitation } from "../modules/invitation/invitation.entity";
import { OidcIssuer } from "../modules/oidc/oidc-issuer.entity";
import { OidcJti } from "../modules/oidc/oidc-jti.entity";
import { Session } from "../modules/session/session.entity";
import { Membership } from "../modules/organization/membership.entity";
import { Organization } from "../modules/organization/organization.entity";
import { TeamMembership } from "../modules/team/team-membership.entity";
import { Team } from "../modules/team/team.entity";
import { AccessToken } from "../modules/token/access-token.entity";
import { User } from "../modules/user/user.entity";
import { Webhook } from "../modules/webhook/webhook.entity";
import { WebhookDelivery } from "../modules/webhook/webhook-delivery.entity";
import { ExpiryNotice } from "../modules/webhook/expiry-notice.entity";
import { EmailDigest, EmailNotice } from "../modules/email/email-notice.entity";
import { TokenExpiryStat } from "../modules/metrics/token-expiry-stat.entity";

export const ENTITIES = [
  Organization,
  User,
  Membership,
  Team,
  TeamMembership,
  AccessToken,
  AuditEvent,
  Invitation,
  OidcIssuer,
  OidcJti,
  Session,
  AuthThrottle,
  JobLease,
  Webhook,
  WebhookDelivery,
  ExpiryNotice,
  EmailNotice,
  EmailDigest,
  TokenExpiryStat,
];
