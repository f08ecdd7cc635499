import type { ApolloServerPlugin } from "@apollo/server";
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";

/** Limits every operation meets before it runs; each was chosen well above what the console sends. */
export const LIMITS = {
  depth: 12,
  aliases: 30,
  rootFields: 12,
  /** Fields resolved, with each list counted `first` times (50 when a connection is not told). */
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

/** The page size a field asks for, from a literal or a variable. */
function firstOf(field: FieldNode, variables: Record<string, unknown>): number {
  const arg = field.arguments?.find((a) => a.name.value === "first");
  const value =
    arg?.value.kind === Kind.INT
      ? Number(arg.value.value)
      : arg?.value.kind === Kind.VARIABLE
        ? variables[arg.value.name.value]
        : undefined;
  return typeof value === "number" && value > 0 ? value : 50;
}

/** Fields to resolve, each paged field's children counted once per row it may return. */
function costOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  seen: Set<string>,
): number {
  if (!selectionSet) return 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const children = costOf(selection.selectionSet, fragments, variables, seen);
      const times = PAGED_FIELDS.has(selection.name.value) ? firstOf(selection, variables) : 1;
      cost += 1 + children * times;
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
            request.variables ?? {},
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
