import type { DataSource } from "typeorm";
import { AuthThrottleService, type AuthThrottleOptions } from "./auth/auth-throttle";
import { RefusalRecorder } from "./auth/refusal-recorder";
import { JobLeaseService } from "./modules/jobs/job-lease.service";
import type { Logger } from "./logger";
import { InvitationService } from "./modules/invitation/invitation.service";
import { SessionService } from "./modules/session/session.service";
import { OidcAssessor } from "./modules/oidc/oidc-assessment";
import { SsoService } from "./modules/session/sso.service";
import type { SignInSettings } from "./modules/session/sso-settings";
import { OidcExchangeService } from "./modules/oidc/oidc-exchange.service";
import { OidcSimulationService } from "./modules/oidc/oidc-simulation.service";
import { OidcIssuerService } from "./modules/oidc/oidc-issuer.service";
import { OidcKeyResolver } from "./modules/oidc/oidc-keys";
import { ExpiryPolicyService } from "./modules/organization/expiry-policy.service";
import { TokenRotationService } from "./modules/token/token-rotation.service";
import { AuditQueryService } from "./modules/audit/audit-query.service";
import { AuditService } from "./modules/audit/audit.service";
import { ExpirySweepService } from "./modules/token/expiry-sweep.service";
import { BootstrapService } from "./modules/bootstrap/bootstrap.service";
import { OrganizationService } from "./modules/organization/organization.service";
import { TeamService } from "./modules/team/team.service";
import { TokenAccessPolicy } from "./modules/token/token-access";
import { TokenListService } from "./modules/token/token-list.service";
import { TokenService } from "./modules/token/token.service";
import { TokenTrustService } from "./modules/trust/token-trust.service";
import { ViewerService } from "./modules/token/viewer.service";
import { UserService } from "./modules/user/user.service";
import { LeakedCredentialService } from "./modules/leak/leaked-credential.service";
import { SecretScanningService } from "./modules/leak/secret-scanning.service";
import {
  GITHUB_SECRET_SCANNING_KEYS_URL,
  SecretScanningKeys,
} from "./modules/leak/secret-scanning-keys";
import { EmailDigestService, type EmailOptions } from "./modules/email/email-digest.service";
import { NotificationEmailService } from "./modules/email/notification-email.service";
import { ExpiryStatsService } from "./modules/metrics/expiry-stats.service";
import { ExpiryWarningService } from "./modules/webhook/expiry-warnings.service";
import {
  WebhookDeliveryWorker,
  type DeliveryOptions,
} from "./modules/webhook/webhook-delivery.worker";
import { WebhookOutbox } from "./modules/webhook/webhook-outbox";
import { SecretBox } from "./modules/webhook/webhook-secret";
import { WebhookService } from "./modules/webhook/webhook.service";

/** Wires the services over one DataSource; tests build their own with their own store. */
export interface ServiceOptions {
  /** How long after a JWKS fetch an unknown kid waits before the next fetch (default 30 s). */
  oidcKeyCooldownMs?: number;
  /** Failed-authentication limits (default DEFAULT_AUTH_THROTTLE). */
  authThrottle?: AuthThrottleOptions;
  /** Whether OIDC issuers on loopback, private and other non-public addresses are trusted (default no). */
  oidcAllowPrivateIssuers?: boolean;
  /** Where the secret-scanning partner's public keys are fetched (default: GitHub's). */
  secretScanningKeysUrl?: string;
  /** LAPSE_WEBHOOK_KEY: encrypts webhook signing secrets; without it webhooks are off. */
  webhookKey?: string | null;
  /** Whether webhooks may target http and non-public addresses (LAPSE_WEBHOOK_ALLOW_PRIVATE). */
  webhookAllowPrivate?: boolean;
  /** Tests' resolver and randomness for deliveries. */
  webhookDelivery?: Pick<DeliveryOptions, "resolve" | "random" | "concurrency" | "onOutcome">;
  /** Expiry digests by email (SMTP_URL); without a transport nothing is queued or sent. */
  email?: EmailOptions;
  /** Console sign-in: single sign-on and whether tokens may sign in (default: tokens only). */
  signIn?: SignInSettings;
}

export function createServices(
  dataSource: DataSource,
  logger: Logger,
  options: ServiceOptions = {},
) {
  const audit = new AuditService();
  const users = new UserService();
  const organizations = new OrganizationService(dataSource, audit, users);
  const teams = new TeamService(dataSource, audit, organizations);
  const tokenAccess = new TokenAccessPolicy();
  const tokens = new TokenService(dataSource, audit, organizations, teams, tokenAccess);
  const tokenList = new TokenListService(dataSource, organizations);
  const allowPrivateIssuers = options.oidcAllowPrivateIssuers ?? false;
  const oidcIssuers = new OidcIssuerService(dataSource, audit, organizations, {
    allowPrivateIssuers,
  });
  const oidcAssessor = new OidcAssessor(
    dataSource,
    new OidcKeyResolver({
      cooldownMs: options.oidcKeyCooldownMs,
      allowPrivate: allowPrivateIssuers,
    }),
  );
  const authThrottle = new AuthThrottleService(dataSource, options.authThrottle);
  const leaks = new LeakedCredentialService(dataSource, audit, authThrottle);
  const webhookBox = options.webhookKey ? new SecretBox(options.webhookKey) : null;
  const webhookAllowPrivate = options.webhookAllowPrivate ?? false;
  const outbox = new WebhookOutbox();
  audit.onRecord((manager, event, record) => outbox.enqueue(manager, event, record));
  const expiryWarnings = new ExpiryWarningService(dataSource, audit);
  // Where single sign-on is set up, the identity provider must vouch for every new login.
  const invitations = new InvitationService(dataSource, audit, organizations, users, tokens, {
    newLoginsBySsoOnly: Boolean(options.signIn?.sso),
  });
  const sessions = new SessionService(dataSource);
  const emailDigests = new EmailDigestService(
    dataSource,
    logger,
    options.email ?? { transport: null, from: "", consoleUrl: "" },
  );
  expiryWarnings.onWarning((manager, token, days, now) =>
    emailDigests.queue(manager, token, days, now),
  );
  return {
    audit,
    users,
    organizations,
    teams,
    tokens,
    tokenList,
    tokenTrust: new TokenTrustService(dataSource, tokens),
    rotation: new TokenRotationService(dataSource, audit, tokens, tokenAccess),
    expiryPolicy: new ExpiryPolicyService(dataSource, audit, organizations, tokenList),
    invitations,
    refusals: new RefusalRecorder(dataSource, audit, logger),
    authThrottle,
    leases: new JobLeaseService(dataSource),
    auditQuery: new AuditQueryService(dataSource, organizations),
    expirySweep: new ExpirySweepService(dataSource, audit),
    oidcIssuers,
    sessions,
    sso: new SsoService(dataSource, audit, sessions, invitations, logger, {
      sso: null,
      tokenSignIn: true,
      ...options.signIn,
    }),
    oidcExchange: new OidcExchangeService(
      dataSource,
      audit,
      oidcIssuers,
      tokens,
      oidcAssessor,
      authThrottle,
    ),
    oidcSimulation: new OidcSimulationService(dataSource, oidcIssuers, oidcAssessor),
    viewer: new ViewerService(dataSource),
    outbox,
    webhooks: new WebhookService(dataSource, audit, organizations, webhookBox, {
      allowPrivate: webhookAllowPrivate,
    }),
    webhookDelivery: new WebhookDeliveryWorker(dataSource, audit, webhookBox, logger, {
      allowPrivate: webhookAllowPrivate,
      ...options.webhookDelivery,
    }),
    expiryWarnings,
    expiryStats: new ExpiryStatsService(dataSource),
    emailDigests,
    notificationEmail: new NotificationEmailService(dataSource, audit),
    bootstrap: new BootstrapService(dataSource, organizations, tokens, users),
    leaks,
    secretScanning: new SecretScanningService(
      new SecretScanningKeys(options.secretScanningKeysUrl ?? GITHUB_SECRET_SCANNING_KEYS_URL),
      leaks,
      authThrottle,
    ),
  };
}

export type Services = ReturnType<typeof createServices>;
