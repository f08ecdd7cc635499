import type { RequestContext } from "../context";
import { LapseError, forbidden, unauthenticated } from "../errors/lapse-error";
import { OrganizationRole } from "../modules/organization/organization.types";
import type { AccessToken } from "../modules/token/access-token.entity";
import { TokenKind, TokenSource } from "../modules/token/token.types";
import { TeamRole } from "../modules/team/team.types";
import { LapseScope } from "./scopes";
import type { OrganizationAccess } from "./organization-access";

/**
 * Every operation and route of Lapse names one of these actions; `RULES` below says who may perform
 * each, and `authorize` is the one place that decides. Services call it with what they know of the
 * subject (the organization, the team, the token acted on); resolvers and routes declare the action
 * so that the principal-level part is refused before any work (see `authorizeCaller`).
 */
export enum Action {
  SignIn = "session:create",
  SignOut = "session:delete",
  ReadSignInMethods = "session:methods",
  StartSso = "sso:start",
  FinishSso = "sso:finish",
  RedeemInvitation = "invitation:redeem",
  ExchangeOidcToken = "oidc:exchange",
  ReadApiDocument = "api:describe",
  ReadViewer = "viewer:read",
  ReadOrganization = "organization:read",
  CreateOrganization = "organization:create",
  SetEdition = "organization:set-edition",
  AddMember = "member:add",
  InviteMember = "member:invite",
  ListInvitations = "invitation:list",
  CancelInvitation = "invitation:cancel",
  ChangeRole = "member:change-role",
  RemoveMember = "member:remove",
  CreateTeam = "team:create",
  DeleteTeam = "team:delete",
  ManageTeamMembers = "team:manage-members",
  SetExpiryPolicy = "policy:set",
  PreviewExpiryPolicy = "policy:preview",
  ReadOidcIssuers = "oidc:read",
  ManageOidcIssuers = "oidc:manage",
  SimulateOidcExchange = "oidc:simulate",
  ListTokens = "tokens:list",
  ReadTokenStats = "tokens:stats",
  ReadToken = "token:read",
  CreatePersonalToken = "token:create-personal",
  CreateTeamToken = "token:create-team",
  CreateOrganizationToken = "token:create-organization",
  RevokePersonalToken = "token:revoke-personal",
  RevokeTeamToken = "token:revoke-team",
  RevokeOrganizationToken = "token:revoke-organization",
  RotatePersonalToken = "token:rotate-personal",
  RotateTeamToken = "token:rotate-team",
  RotateOrganizationToken = "token:rotate-organization",
  ReadAuditTrail = "audit:read",
  ReadOwnAuditTrail = "audit:read-own",
  RevokeItself = "token:revoke-itself",
  IntrospectTokens = "tokens:introspect",
  VerifyToken = "token:verify",
  ReportLeakedCredentials = "credentials:report-leaked",
  ReceiveSecretScanningAlert = "credentials:secret-scanning",
  ManageWebhooks = "webhook:manage",
  ReadWebhooks = "webhook:read",
  SetExpiryNotifications = "notifications:set-thresholds",
  SetNotificationEmail = "notifications:set-email",
}

/** What the rules may ask of a caller, relative to the subject of the request. */
export interface Facts {
  authenticated: boolean;
  /** A personal token, or a console session (signed in with one or by single sign-on): a person. */
  person: boolean;
  /** A person flagged site admin, acting with a token not bounded to one organization. */
  siteAdmin: boolean;
  /** The calling token was minted by an OIDC exchange (a CI job's credential). */
  minted: boolean;
  /** A console session made by single sign-on: a person who holds no token at all. */
  tokenless: boolean;
  /** The caller's role in the subject's organization (machine tokens: MEMBER, or ADMIN with admin). */
  orgRole: OrganizationRole | null;
  /** The caller's role in the subject's team. */
  teamRole: TeamRole | null;
  /** The subject token is the calling token. */
  self: boolean;
  /**
   * The subject is a personal token of the calling person. A minted personal token acts for its
   * organization only, so it is not its owner's other tokens' owner.
   */
  owner: boolean;
  /** The caller is an ADMIN or AUDITOR of an organization that the subject token's owner is in. */
  overseer: boolean;
  /** The subject token was minted by an OIDC exchange. */
  subjectMinted: boolean;
  /** The caller's scopes: its token's, every personal one for single sign-on, none for anonymous. */
  scopes: ReadonlySet<string>;
}

const CONDITIONS = {
  anyone: () => true,
  authenticated: (f: Facts) => f.authenticated,
  person: (f: Facts) => f.person,
  machine: (f: Facts) => f.authenticated && !f.person,
  minted: (f: Facts) => f.minted,
  tokenless: (f: Facts) => f.tokenless,
  siteAdmin: (f: Facts) => f.siteAdmin,
  orgAdmin: (f: Facts) => f.orgRole === OrganizationRole.ADMIN,
  orgAuditor: (f: Facts) => f.orgRole === OrganizationRole.AUDITOR,
  orgMember: (f: Facts) => f.orgRole !== null,
  teamMaintainer: (f: Facts) => f.teamRole === TeamRole.MAINTAINER,
  teamMember: (f: Facts) => f.teamRole !== null,
  self: (f: Facts) => f.self,
  owner: (f: Facts) => f.owner,
  overseer: (f: Facts) => f.overseer,
  subjectMinted: (f: Facts) => f.subjectMinted,
  machineOther: (f: Facts) => f.authenticated && !f.person && !f.self,
} satisfies Record<string, (f: Facts) => boolean>;

export type Condition = keyof typeof CONDITIONS;

/** Conditions that need nothing but the caller: judged before a resolver or handler runs. */
const CALLER_CONDITIONS: ReadonlySet<Condition> = new Set([
  "anyone",
  "authenticated",
  "person",
  "machine",
  "minted",
  "tokenless",
]);

/** The names a refusal sentence may use. */
export interface SubjectNames {
  organization?: string;
  team?: string;
}

export interface Rule {
  /** Who may, as the README's "Who may do what" table says it. */
  who: string;
  /** The Lapse scopes the calling token must hold, all of them. */
  scopes?: LapseScope[];
  /** Allowed when any of these holds ... */
  enable: Condition[];
  /** ... and none of these does; each says why, and `prevent` always wins. */
  prevent?: { when: Condition; because: string }[];
  /** The sentence for a caller no `enable` condition admits. */
  refusal: (names: SubjectNames) => string;
}

const PEOPLE_ONLY = {
  when: "machine",
  because: "Only people can do this; team and organization tokens never can.",
} as const;
const NOT_MINTED = {
  when: "minted",
  because:
    "A token minted by an OIDC exchange cannot do this; a CI job exchanges again instead of making tokens.",
} as const;
const MINTED_SUBJECT = {
  when: "subjectMinted",
  because: "Tokens minted by an OIDC exchange are not rotated; exchange a new OIDC token instead.",
} as const;
const admins = (n: SubjectNames) => `ADMINs of ${n.organization ?? "the organization"}`;

export const RULES: Record<Action, Rule> = {
  [Action.SignIn]: {
    who: "anyone with a valid personal token (unless LAPSE_CONSOLE_TOKEN_SIGNIN=false)",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.SignOut]: {
    who: "anyone (ends the session its cookie names)",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.ReadSignInMethods]: {
    who: "anyone (whether single sign-on is set up and tokens may sign in)",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.StartSso]: {
    who: "anyone, when single sign-on is set up",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.FinishSso]: {
    who: "whoever the identity provider signs in as an existing login, or as the login an invitation names",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.RedeemInvitation]: {
    who: "anyone holding the code (an existing login: signed in as itself)",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.ExchangeOidcToken]: {
    who: "anyone holding an OIDC token a policy allows",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.ReadApiDocument]: {
    who: "anyone (the OpenAPI document)",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.ReadViewer]: {
    who: "any token, and people signed in to the console",
    enable: ["authenticated"],
    refusal: () => "",
  },
  [Action.ReadOrganization]: {
    who: "members (and the organization's own machine tokens)",
    scopes: [LapseScope.TokensRead],
    enable: ["orgMember"],
    refusal: (n) => `No organization named "${n.organization}" exists that you are a member of.`,
  },
  [Action.CreateOrganization]: {
    who: "site admins (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["siteAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: () => "Only site admins can create organizations.",
  },
  [Action.SetEdition]: {
    who: "site admins (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["siteAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: () => "Only site admins can change editions.",
  },
  [Action.AddMember]: {
    who: "nobody: members join by invitation (deprecated)",
    scopes: [LapseScope.OrgAdmin],
    enable: [],
    prevent: [PEOPLE_ONLY],
    refusal: () =>
      "People join an organization by invitation: use inviteMember and hand them the code to redeem.",
  },
  [Action.InviteMember]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)} can invite members.`,
  },
  // Pending invitations are the inviting ADMINs' business, so reading and cancelling them follow
  // inviteMember's rule exactly.
  [Action.ListInvitations]: {
    who: "ADMINs (people): pending invitations, never their codes",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)} can see its pending invitations.`,
  },
  [Action.CancelInvitation]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)} can cancel invitations.`,
  },
  [Action.ChangeRole]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)} can change roles.`,
  },
  [Action.RemoveMember]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)} can remove members.`,
  },
  [Action.CreateTeam]: {
    who: "ADMINs (people or admin organization tokens)",
    scopes: [LapseScope.TokensWrite],
    enable: ["orgAdmin"],
    refusal: (n) => `Only ${admins(n)} can create teams.`,
  },
  [Action.DeleteTeam]: {
    who: "ADMINs (people or admin organization tokens)",
    scopes: [LapseScope.TokensWrite],
    enable: ["orgAdmin"],
    refusal: (n) => `Only ${admins(n)} can delete teams.`,
  },
  [Action.ManageTeamMembers]: {
    who: "ADMINs and the team's MAINTAINERs",
    scopes: [LapseScope.TokensWrite],
    enable: ["orgAdmin", "teamMaintainer"],
    refusal: (n) => `Only ${admins(n)} and MAINTAINERs of ${n.team} can manage its members.`,
  },
  [Action.SetExpiryPolicy]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)} can set its token expiry policy.`,
  },
  [Action.PreviewExpiryPolicy]: {
    who: "ADMINs and AUDITORs",
    scopes: [LapseScope.TokensRead],
    enable: ["orgAdmin", "orgAuditor"],
    refusal: (n) => `Only ADMINs and AUDITORs of ${n.organization} can preview its policy.`,
  },
  [Action.ReadOidcIssuers]: {
    who: "ADMINs and AUDITORs",
    scopes: [LapseScope.AuditRead],
    enable: ["orgAdmin", "orgAuditor"],
    refusal: (n) => `Only ADMINs and AUDITORs of ${n.organization} can read its OIDC issuers.`,
  },
  [Action.ManageOidcIssuers]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)}, signed in as people, can manage OIDC issuers.`,
  },
  // Those who decide what JWTs may get are those who may try one: the pasted JWT is a CI job's
  // credential, and the answer shows its claims and what it would mint.
  [Action.SimulateOidcExchange]: {
    who: "ADMINs (people): what a pasted JWT would get, minting nothing",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)}, signed in as people, can simulate OIDC exchanges.`,
  },
  [Action.ListTokens]: {
    who: "any token: each sees only the tokens it may read",
    scopes: [LapseScope.TokensRead],
    enable: ["authenticated"],
    refusal: () => "",
  },
  [Action.ReadTokenStats]: {
    who: "members: counted over the tokens they may read",
    scopes: [LapseScope.TokensRead],
    enable: ["orgMember"],
    refusal: (n) => `No organization named "${n.organization}" exists that you are a member of.`,
  },
  [Action.ReadToken]: {
    who: "itself; its owner; ADMINs and AUDITORs (of the owner's organizations); the team's members",
    scopes: [LapseScope.TokensRead],
    enable: ["self", "owner", "overseer", "orgAdmin", "orgAuditor", "teamMember"],
    refusal: () => "",
  },
  [Action.CreatePersonalToken]: {
    who: "people, expiring no later than the token they call with (single sign-on: no token bounds it)",
    scopes: [LapseScope.TokensWrite],
    enable: ["person"],
    prevent: [NOT_MINTED],
    refusal: () => "Personal tokens are created by a person, not by a team or organization token.",
  },
  [Action.CreateTeamToken]: {
    who: "ADMINs (people or admin organization tokens) and the team's MAINTAINERs",
    scopes: [LapseScope.TokensWrite],
    enable: ["orgAdmin", "teamMaintainer"],
    prevent: [NOT_MINTED],
    refusal: (n) => `Only ${admins(n)} and MAINTAINERs of ${n.team} can create its tokens.`,
  },
  [Action.CreateOrganizationToken]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.TokensWrite, LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)}, signed in as people, can create organization tokens.`,
  },
  [Action.RevokePersonalToken]: {
    who: "the token itself and its owner",
    scopes: [LapseScope.TokensWrite],
    enable: ["self", "owner"],
    refusal: () => "Only the owner of a personal token can revoke it.",
  },
  [Action.RevokeTeamToken]: {
    who: "the token itself, ADMINs and the team's MAINTAINERs",
    scopes: [LapseScope.TokensWrite],
    enable: ["self", "orgAdmin", "teamMaintainer"],
    refusal: () => "Only organization ADMINs and the team's MAINTAINERs can revoke a team token.",
  },
  [Action.RevokeOrganizationToken]: {
    who: "the token itself and ADMINs (people)",
    scopes: [LapseScope.TokensWrite],
    enable: ["self", "orgAdmin"],
    prevent: [
      {
        when: "machineOther",
        because: "Only organization ADMINs, as people, can revoke another organization token.",
      },
    ],
    refusal: () =>
      "Only organization ADMINs, signed in with a personal token, can revoke an organization token.",
  },
  [Action.RotatePersonalToken]: {
    who: "the token itself and its owner, never past its original lifetime",
    scopes: [LapseScope.TokensWrite],
    enable: ["self", "owner"],
    prevent: [MINTED_SUBJECT],
    refusal: () => "Only the owner of a personal token can rotate it.",
  },
  [Action.RotateTeamToken]: {
    who: "the token itself, ADMINs and the team's MAINTAINERs, never past its original lifetime",
    scopes: [LapseScope.TokensWrite],
    enable: ["self", "orgAdmin", "teamMaintainer"],
    prevent: [MINTED_SUBJECT],
    refusal: () => "Only organization ADMINs and the team's MAINTAINERs can rotate a team token.",
  },
  [Action.RotateOrganizationToken]: {
    who: "the token itself and ADMINs (people), never past its original lifetime",
    scopes: [LapseScope.TokensWrite],
    enable: ["self", "orgAdmin"],
    prevent: [
      MINTED_SUBJECT,
      {
        when: "machineOther",
        because: "Only organization ADMINs, as people, can rotate another organization token.",
      },
    ],
    refusal: () =>
      "Only organization ADMINs, signed in with a personal token, can rotate an organization token.",
  },
  [Action.ReadAuditTrail]: {
    who: "ADMINs and AUDITORs, with the events of their members' personal tokens",
    scopes: [LapseScope.AuditRead],
    enable: ["orgAdmin", "orgAuditor"],
    refusal: (n) => `Only ADMINs and AUDITORs of ${n.organization} can read its audit trail.`,
  },
  [Action.ReadOwnAuditTrail]: {
    who: "people: the events of their own personal tokens",
    scopes: [LapseScope.AuditRead],
    enable: ["person"],
    prevent: [
      {
        when: "minted",
        because:
          "A token minted by an OIDC exchange acts in its organization only; name the organization.",
      },
    ],
    refusal: () =>
      "Name an organization: only people have personal tokens whose events they can read.",
  },
  [Action.RevokeItself]: {
    who: "whoever holds the token's secret (RFC 7009), whatever its scopes",
    // The secret, found by its digest, is the credential: whoever sends it may end it.
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.IntrospectTokens]: {
    who: "tokens holding tokens:introspect, about tokens of their own organizations",
    scopes: [LapseScope.TokensIntrospect],
    enable: ["authenticated"],
    // A single sign-on session holds every personal scope, but a service introspects with a token.
    prevent: [
      {
        when: "tokenless",
        because:
          "Introspection is for tokens holding tokens:introspect; a console session signed in by single sign-on holds no token.",
      },
    ],
    refusal: () => "",
  },
  [Action.VerifyToken]: {
    who: "any token, about itself (a gateway passes the client's on)",
    enable: ["authenticated"],
    refusal: () => "",
  },
  [Action.ReportLeakedCredentials]: {
    who: "anyone holding the secrets (the live ones are revoked; the answer never says which)",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.ReceiveSecretScanningAlert]: {
    who: "GitHub secret scanning (requests signed with a key it publishes)",
    enable: ["anyone"],
    refusal: () => "",
  },
  [Action.ManageWebhooks]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)}, signed in as people, can manage its webhooks.`,
  },
  [Action.ReadWebhooks]: {
    who: "ADMINs and AUDITORs: endpoints and their deliveries, never a signing secret",
    scopes: [LapseScope.AuditRead],
    enable: ["orgAdmin", "orgAuditor"],
    refusal: (n) =>
      `Only ADMINs and AUDITORs of ${n.organization ?? "the organization"} can read its webhooks and their deliveries.`,
  },
  [Action.SetExpiryNotifications]: {
    who: "ADMINs (people)",
    scopes: [LapseScope.OrgAdmin],
    enable: ["orgAdmin"],
    prevent: [PEOPLE_ONLY, NOT_MINTED],
    refusal: (n) => `Only ${admins(n)}, signed in as people, can set when expiry warnings go out.`,
  },
  [Action.SetNotificationEmail]: {
    who: "people: their own address for expiry emails",
    scopes: [LapseScope.TokensWrite],
    enable: ["person"],
    prevent: [NOT_MINTED],
    refusal: () =>
      "Only people have an address for expiry emails; team and organization tokens do not.",
  },
};

/** What a service knows of the thing acted on. */
export interface Subject {
  access?: OrganizationAccess | null;
  teamId?: string | null;
  token?: AccessToken;
  /** For a personal subject token: whether the caller oversees an organization its owner is in. */
  overseer?: boolean;
  /** Whether the calling person is flagged site admin (read by the service that needs it). */
  siteAdmin?: boolean;
  names?: SubjectNames;
}

/** True when the token was minted by an OIDC exchange (never a single sign-on session's null). */
export function isMinted(token: AccessToken | null | undefined): boolean {
  return token?.source === TokenSource.OIDC;
}

/** The facts of the rules, from the request's principal and the subject. */
export function factsFor(ctx: RequestContext, subject: Subject = {}): Facts {
  const principal = ctx.principal;
  const access = subject.access ?? null;
  const token = subject.token;
  const person = principal?.userId != null;
  const minted = isMinted(principal?.token);
  // A minted personal token acts for its organization only: never with the site's rights.
  const siteAdmin = person && !minted && subject.siteAdmin === true;
  const teamId = subject.teamId ?? token?.teamId ?? null;
  return {
    authenticated: principal !== null,
    person,
    siteAdmin,
    minted,
    tokenless: principal !== null && principal.token === null,
    orgRole: access?.role ?? null,
    teamRole: teamId && access ? (access.teamRoles.get(teamId) ?? null) : null,
    self: token !== undefined && principal?.token?.id === token.id,
    owner:
      token !== undefined &&
      token.kind === TokenKind.PERSONAL &&
      person &&
      !minted &&
      token.ownerId === principal!.userId,
    overseer: subject.overseer ?? false,
    subjectMinted: token !== undefined && isMinted(token),
    scopes: new Set(principal?.scopes ?? []),
  };
}

/** Allowed, or the error to refuse with: `prevent` first, then `enable`. */
export function decide(action: Action, facts: Facts, names: SubjectNames = {}): LapseError | null {
  const rule = RULES[action];
  if (!rule.enable.includes("anyone") && !facts.authenticated) return unauthenticated();
  const lacking = missingScopes(rule, facts);
  if (lacking) return lacking;
  for (const { when, because } of rule.prevent ?? []) {
    if (CONDITIONS[when](facts)) return forbidden(because);
  }
  if (rule.enable.some((condition) => CONDITIONS[condition](facts))) return null;
  return forbidden(rule.refusal(names));
}

/** Throws UNAUTHENTICATED or FORBIDDEN unless the caller may perform `action` on `subject`. */
export function authorize(ctx: RequestContext, action: Action, subject: Subject = {}): void {
  const error = decide(action, factsFor(ctx, subject), subject.names);
  if (error) throw error;
}

/** Whether the caller may perform `action` on `subject` (for reads that hide what they refuse). */
export function isAllowed(ctx: RequestContext, action: Action, subject: Subject = {}): boolean {
  return decide(action, factsFor(ctx, subject), subject.names) === null;
}

/**
 * The part of the rules that needs nothing but the caller, judged before a resolver or route runs:
 * no credential where one is needed, a machine token where only people may act, a minted token where
 * minted tokens may not. An operation that performs one of several actions (revoking a token of any
 * kind) passes when any of them does. The rest is judged by the service, which knows the subject.
 */
export function authorizeCaller(ctx: RequestContext, ...actions: Action[]): void {
  let refusal: LapseError | null = null;
  for (const action of actions) {
    refusal = callerRefusal(ctx, action);
    if (!refusal) return;
  }
  if (refusal) throw refusal;
}

function callerRefusal(ctx: RequestContext, action: Action): LapseError | null {
  const rule = RULES[action];
  if (!rule.enable.includes("anyone") && !ctx.principal) return unauthenticated();
  const facts = factsFor(ctx);
  const lacking = missingScopes(rule, facts);
  if (lacking) return lacking;
  for (const { when, because } of rule.prevent ?? []) {
    if (CALLER_CONDITIONS.has(when) && CONDITIONS[when](facts)) return forbidden(because);
  }
  const byCaller = rule.enable.every((condition) => CALLER_CONDITIONS.has(condition));
  if (byCaller && !rule.enable.some((condition) => CONDITIONS[condition](facts))) {
    return forbidden(rule.refusal({}));
  }
  return null;
}

/** FORBIDDEN naming the scopes the calling token lacks for `rule`, or null when it holds them all. */
function missingScopes(rule: Rule, facts: Facts): LapseError | null {
  const missing = (rule.scopes ?? []).filter((scope) => !facts.scopes.has(scope));
  if (!missing.length || !facts.authenticated) return null;
  return forbidden(
    `This token does not hold the ${missing.join(" and ")} scope${missing.length > 1 ? "s" : ""} this needs; use a token that does.`,
  );
}

/** The actions' rules as the README's "Who may do what" table (checked by a test). */
export function rulesTable(): string {
  const header = ["Action", "Scope", "Who may"];
  const rows = Object.entries(RULES).map(([action, rule]) => [
    `\`${action}\``,
    rule.scopes?.map((scope) => `\`${scope}\``).join(", ") || "—",
    rule.who,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(header),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...rows.map(line),
  ].join("\n");
}
