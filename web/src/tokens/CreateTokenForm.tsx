import { useState, type FormEvent } from "react";
import { useNow } from "../clock/useNow";
import type { TokenKind } from "../__generated__/operations";
import {
  useCreateOrganizationTokenMutation,
  useCreatePersonalTokenMutation,
  useCreateTeamTokenMutation,
} from "../hooks/useTokenMutations";
import {
  DAY_MS,
  LAPSE_SCOPES,
  PRESETS,
  cidrsProblem,
  expiryProblem,
  nameProblem,
  presetBlocked,
  scopesProblem,
  words,
} from "./tokenRules";

interface Props {
  kind: TokenKind;
  organization: string;
  teams: string[];
  /** The organization's lifetime cap in days; it binds team and organization tokens. */
  capDays: number | null;
  /** When the token the console is signed in with expires: no token made with it outlives it. */
  callerExpiresAt?: string | null;
  /** The organization's own scopes seen on its tokens, offered as suggestions. */
  scopeSuggestions?: string[];
  /** The signed-in token's scopes: a token never grants a Lapse scope it lacks. */
  callerScopes?: string[];
  onCreated: (name: string, secret: string) => void;
  onCancel: () => void;
}

/** Name, description and expiry (presets, a custom instant, or none), checked as the server checks them. */
export function CreateTokenForm({
  kind,
  organization,
  teams,
  capDays,
  callerExpiresAt = null,
  scopeSuggestions = [],
  callerScopes,
  onCreated,
  onCancel,
}: Props) {
  const now = useNow();
  const cap = kind === "PERSONAL" ? null : capDays;
  const callerLimit = callerExpiresAt ? new Date(callerExpiresAt).getTime() : null;
  const blockedAt = (p: (typeof PRESETS)[number]) => presetBlocked(p, cap, callerLimit, now);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [team, setTeam] = useState(teams[0] ?? "");
  // The longest of 30, 7 and 1 days the limits allow; else a date of the person's choosing.
  const [preset, setPreset] = useState(
    () =>
      ["30d", "7d", "1d"].find((id) => !blockedAt(PRESETS.find((p) => p.id === id)!)) ?? "custom",
  );
  const [custom, setCustom] = useState("");
  const [serverError, setServerError] = useState<string | null>(null);
  const kindScopes = LAPSE_SCOPES.filter(
    (s) =>
      (kind === "PERSONAL" || !("personalOnly" in s)) &&
      (!callerScopes || callerScopes.includes(s.id)),
  );
  const [lapseScopes, setLapseScopes] = useState<Set<string>>(
    () => new Set(kindScopes.map((s) => s.id)),
  );
  const [customScopes, setCustomScopes] = useState("");
  const [networks, setNetworks] = useState("");
  const customList = words(customScopes);
  const cidrs = words(networks);
  const [createPersonal] = useCreatePersonalTokenMutation();
  const [createTeam] = useCreateTeamTokenMutation();
  const [createOrganization] = useCreateOrganizationTokenMutation();

  const chosen = PRESETS.find((p) => p.id === preset);
  const expiresAt =
    preset === "custom"
      ? new Date(custom)
      : chosen?.days
        ? new Date(now + chosen.days * DAY_MS)
        : null;
  const problems = [
    nameProblem(name),
    expiresAt ? expiryProblem(expiresAt, now, cap, callerLimit) : blockedAt(PRESETS.at(-1)!),
    kind === "TEAM" && !team ? "Choose a team." : null,
    scopesProblem(customList),
    cidrsProblem(cidrs),
  ].filter((p): p is string => p !== null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (problems.length) return;
    setServerError(null);
    const variables = {
      name,
      description: description || null,
      expiresAt: expiresAt?.toISOString() ?? null,
      scopes: [...lapseScopes, ...customList],
      allowedCidrs: cidrs.length ? cidrs : null,
    };
    try {
      const created =
        kind === "PERSONAL"
          ? (await createPersonal({ variables })).data?.createPersonalToken
          : kind === "TEAM"
            ? (await createTeam({ variables: { ...variables, organization, team } })).data
                ?.createTeamToken
            : (await createOrganization({ variables: { ...variables, organization } })).data
                ?.createOrganizationToken;
      if (created) onCreated(created.token.name, created.secret);
    } catch (error) {
      setServerError(error instanceof Error ? error.message : "The token could not be created.");
    }
  }

  return (
    <form className="create" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">New {kind.toLowerCase()} token</h2>
      <label htmlFor="token-name">Name</label>
      <input
        id="token-name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={60}
        required
      />
      <label htmlFor="token-description">Description (optional)</label>
      <input
        id="token-description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      {kind === "TEAM" && (
        <>
          <label htmlFor="token-team">Team</label>
          <select id="token-team" value={team} onChange={(e) => setTeam(e.target.value)}>
            {teams.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </>
      )}
      <fieldset>
        <legend>Scopes</legend>
        {kindScopes.map((scope) => (
          <label key={scope.id}>
            <input
              type="checkbox"
              checked={lapseScopes.has(scope.id)}
              onChange={(e) => {
                const next = new Set(lapseScopes);
                if (e.target.checked) next.add(scope.id);
                else next.delete(scope.id);
                setLapseScopes(next);
              }}
            />
            <code>{scope.id}</code> <span className="muted">{scope.label}</span>
          </label>
        ))}
        <label htmlFor="token-custom-scopes">Your organization&apos;s own scopes (optional)</label>
        <input
          id="token-custom-scopes"
          list="token-scope-suggestions"
          placeholder="deploy:prod registry:push"
          value={customScopes}
          onChange={(e) => setCustomScopes(e.target.value)}
        />
        <datalist id="token-scope-suggestions">
          {scopeSuggestions
            .filter((s) => !customList.includes(s))
            .map((s) => (
              <option key={s} value={[...customList, s].join(" ")} />
            ))}
        </datalist>
        <label htmlFor="token-networks">Use only from these networks (optional)</label>
        <input
          id="token-networks"
          placeholder="203.0.113.0/24, 2001:db8::/32"
          value={networks}
          onChange={(e) => setNetworks(e.target.value)}
        />
      </fieldset>
      <fieldset>
        <legend>Expires</legend>
        {PRESETS.filter((p) => !(p.days === null && cap !== null)).map((p) => {
          const blocked = blockedAt(p);
          return (
            <label
              key={p.id}
              className={blocked ? "disabled" : undefined}
              title={blocked ?? undefined}
            >
              <input
                type="radio"
                name="preset"
                value={p.id}
                checked={preset === p.id}
                disabled={!!blocked}
                onChange={() => setPreset(p.id)}
              />
              {p.label}
              {blocked && <span className="muted"> ({blocked})</span>}
            </label>
          );
        })}
        <label>
          <input
            type="radio"
            name="preset"
            value="custom"
            checked={preset === "custom"}
            onChange={() => setPreset("custom")}
          />
          Custom date and time
        </label>
        {preset === "custom" && (
          <input
            aria-label="Custom expiry (local time)"
            type="datetime-local"
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
          />
        )}
      </fieldset>
      <p className="muted" aria-live="polite">
        {expiresAt && !Number.isNaN(expiresAt.getTime())
          ? `Expires ${expiresAt.toISOString()} (${expiresAt.toLocaleString()} local)`
          : "Never expires"}
      </p>
      {((name.length > 0 && problems.length > 0) || serverError) && (
        <ul className="error-text" role="alert">
          {[...problems, ...(serverError ? [serverError] : [])].map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={problems.length > 0}>
          Create token
        </button>
      </div>
    </form>
  );
}
