import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";

/** schema.graphql's exact text: sorted, so that only real changes show in a diff. */
export function printLapseSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
