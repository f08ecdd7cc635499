import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";

/** GraphQL on the same origin; the session cookie authenticates, so no secret lives in the browser. */
export function createApolloClient(): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: "/graphql", credentials: "same-origin" }),
    cache: new InMemoryCache(),
  });
}
