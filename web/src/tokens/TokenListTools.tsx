import type { TokensTable_TokenFragment } from "../__generated__/operations";

/** Whether `token`'s name or description contains `search`, ignoring case. */
export function matchesSearch(
  token: Pick<TokensTable_TokenFragment, "name" | "description">,
  search: string,
): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return `${token.name}\n${token.description ?? ""}`.toLowerCase().includes(needle);
}

/** The tokens page's search box and the switch that adds expired and revoked tokens. */
export function TokenListTools(props: {
  search: string;
  onSearch: (search: string) => void;
  showInactive: boolean;
  onShowInactive: (show: boolean) => void;
}) {
  return (
    <div className="list-tools" role="search">
      <label>
        Search tokens{" "}
        <input
          type="search"
          value={props.search}
          placeholder="Name or description"
          onChange={(event) => props.onSearch(event.target.value)}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={props.showInactive}
          onChange={(event) => props.onShowInactive(event.target.checked)}
        />{" "}
        Show expired and revoked tokens
      </label>
    </div>
  );
}
