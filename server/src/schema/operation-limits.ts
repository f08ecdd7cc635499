import type { ApolloServerPlugin } from "@apollo/server";
import {
  GraphQLError,
  Kind,
  valueFromASTUntyped,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";

/** Limits every operation meets before it runs; each was chosen well above what the console sends. */
export const LIMITS = {
  depth: 12,
  aliases: 30,
  rootFields: 12,
  /**
   * Fields resolved, with each list counted once per row: `first` times for a connection (50 when
   * not told), LIST_ROWS times for an unpaged list.
   */
  cost: 30_000,
} as const;

const limitError = (message: string) =>
  new GraphQLError(message, {
    extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } },
  });

function depthOf(
  selectionSet: SelectionSetNode | undefined,
  context: ValidationContext,
  seen: Set<string>,
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(
        deepest,
        selection.selectionSet ? 1 + depthOf(selection.selectionSet, context, seen) : 1,
      );
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, context, seen));
    } else if (!seen.has(selection.name.value)) {
      // Fragment cycles are refused by graphql-js itself; `seen` only guards this walk.
      const fragment = context.getFragment(selection.name.value);
      deepest = Math.max(
        deepest,
        depthOf(fragment?.selectionSet, context, new Set([...seen, selection.name.value])),
      );
    }
  }
  return deepest;
}

/** Refuses operations nested deeper than LIMITS.depth. */
export function depthLimitRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      const depth = depthOf(operation.selectionSet, context, new Set());
      if (depth > LIMITS.depth) {
        context.reportError(
          limitError(`The operation is nested ${depth} levels deep; the limit is ${LIMITS.depth}.`),
        );
      }
    },
  };
}

/** Refuses alias floods and operations that ask for too many root fields at once. */
export function aliasAndRootFieldRule(context: ValidationContext): ASTVisitor {
  let aliases = 0;
  return {
    Field(field: FieldNode) {
      if (field.alias) aliases += 1;
    },
    OperationDefinition: {
      enter(operation) {
        aliases = 0;
        const roots = operation.selectionSet.selections.length;
        if (roots > LIMITS.rootFields) {
          context.reportError(
            limitError(
              `The operation asks for ${roots} root fields; the limit is ${LIMITS.rootFields}.`,
            ),
          );
        }
      },
      leave() {
        if (aliases > LIMITS.aliases) {
          context.reportError(
            limitError(`The operation uses ${aliases} aliases; the limit is ${LIMITS.aliases}.`),
          );
        }
      },
    },
  };
}

/** Connection fields, which page with `first` (50 when not told). */
const PAGED_FIELDS = new Set(["tokens", "auditEvents"]);
/**
 * List fields without paging (an organization's `members` and `teams`), and the rows each is
 * counted as: their length is known only once they are read, so they are counted like a default
 * page, and nesting them multiplies as nesting pages does.
 */
const LISTS = new Set(["members", "teams"]);
export const LIST_ROWS = 50;

/** How many rows a field is counted as returning: 1 unless it is a list. */
function rowsOf(field: FieldNode, variables: ReadonlyMap<string, unknown>): number {
  if (LISTS.has(field.name.value)) return LIST_ROWS;
  if (!PAGED_FIELDS.has(field.name.value)) return 1;
  const arg = field.arguments?.find((a) => a.name.value === "first");
  const value =
    arg?.value.kind === Kind.INT
      ? Number(arg.value.value)
      : arg?.value.kind === Kind.VARIABLE
        ? variables.get(arg.value.name.value)
        : undefined;
  return typeof value === "number" && value > 0 ? value : 50;
}

/**
 * The variables as the operation will run with them: those sent, and the default value of each
 * one not sent (`query($n: Int = 500)`), which would otherwise pass as "not told".
 */
function effectiveVariables(
  operation: OperationDefinitionNode | null | undefined,
  sent: Record<string, unknown>,
): ReadonlyMap<string, unknown> {
  // A Map: a variable may be named `__proto__`.
  const variables = new Map<string, unknown>();
  for (const definition of operation?.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(sent, name)) variables.set(name, sent[name]);
    else if (definition.defaultValue)
      variables.set(name, valueFromASTUntyped(definition.defaultValue));
  }
  return variables;
}

/** Fields to resolve, each list's children counted once per row it may return. */
function costOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: ReadonlyMap<string, unknown>,
  seen: Set<string>,
): number {
  if (!selectionSet) return 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const children = costOf(selection.selectionSet, fragments, variables, seen);
      cost += 1 + children * rowsOf(selection, variables);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      cost += costOf(selection.selectionSet, fragments, variables, seen);
    } else if (!seen.has(selection.name.value)) {
      const fragment = fragments.get(selection.name.value);
      cost += costOf(
        fragment?.selectionSet,
        fragments,
        variables,
        new Set([...seen, selection.name.value]),
      );
    }
  }
  return cost;
}

/** Counts the operation's cost with its variables, and refuses it over LIMITS.cost with a 400. */
export function costLimitPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          const fragments = new Map(
            document.definitions
              .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          const cost = costOf(
            operation?.selectionSet,
            fragments,
            effectiveVariables(operation, request.variables ?? {}),
            new Set(),
          );
          if (cost > LIMITS.cost) {
            throw limitError(
              `The operation would cost ${cost}; the limit is ${LIMITS.cost}. Ask for smaller pages or fewer fields.`,
            );
          }
        },
      };
    },
  };
}
