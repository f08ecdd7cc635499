import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";

/** GraphQL on the same origin; the session cookie authenticates, so no secret lives in the browser. */
export function createApolloClient(): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: "/graphql", credentials: "same-origin" }),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            // Pages of one listing (same filter and order) append in the cache, so "Load more"
            // writes 100 new tokens rather than rewriting every token loaded so far.
            tokens: { keyArgs: ["filter", "orderBy"], merge: appendPage },
            auditEvents: { keyArgs: ["filter"], merge: appendPage },
            webhookDeliveries: { keyArgs: ["webhookId", "filter"], merge: appendPage },
          },
        },
      },
    }),
  });
}

interface Page {
  edges: unknown[];
}

/** A connection page after `after` extends the pages before it; a first page starts afresh. */
function appendPage<T extends Page>(
  existing: T | undefined,
  incoming: T,
  { args }: { args: Record<string, unknown> | null },
): T {
  if (!args?.after || !existing) return incoming;
  return { ...incoming, edges: [...existing.edges, ...incoming.edges] };
}
