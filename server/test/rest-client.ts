import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { OPENAPI_DOCUMENT } from "../src/http/openapi";
import type { TestServer } from "./harness";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(OPENAPI_DOCUMENT as object, "openapi");

type Method = "get" | "post" | "patch" | "delete";
const exercised = new Set<string>();

/** Every documented operation, as "METHOD /path/{template}". */
export function documentedOperations(): string[] {
  return Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

export function exercisedOperations(): Set<string> {
  return exercised;
}

/**
 * Calls a REST route and checks the answer against the OpenAPI document: the status must be
 * documented for the operation, and the body must match that status's schema.
 */
export async function rest(
  server: TestServer,
  method: Method,
  template: string,
  params: Record<string, string>,
  options: {
    secret?: string;
    body?: unknown;
    query?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name]!),
  );
  const response = await fetch(`${server.url}${path}${options.query ? `?${options.query}` : ""}`, {
    method: method.toUpperCase(),
    headers: {
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.secret ? { authorization: `token ${options.secret}` } : {}),
      ...options.headers,
    },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === "string"
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  exercised.add(`${method.toUpperCase()} ${template}`);
  const csv = response.headers.get("content-type")?.startsWith("text/csv") ?? false;
  const body = text && !csv ? (JSON.parse(text) as Record<string, unknown>) : null;
  expectDocumented(method, template, response.status, csv ? "text/csv" : "application/json", body);
  return { status: response.status, body };
}

type Documented = Record<
  string,
  Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
>;

/**
 * Fails unless `status` is documented for the operation and `body` matches the schema documented
 * for it (a CSV answer: only that CSV is documented).
 */
export function expectDocumented(
  method: string,
  template: string,
  status: number,
  contentType: "application/json" | "text/csv",
  body: unknown,
): void {
  const paths = OPENAPI_DOCUMENT.paths as unknown as Documented;
  const operation = paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is documented`).toBeDefined();
  const documented = operation!.responses[String(status)];
  expect(
    documented,
    `${method} ${template} answered ${status}, which is not documented`,
  ).toBeDefined();
  const content = documented!.content;
  if (contentType === "text/csv") {
    expect(
      content?.["text/csv"],
      `${method} ${template} ${status} is documented as CSV`,
    ).toBeDefined();
    return;
  }
  const schema = content?.["application/json"]?.schema;
  if (schema) {
    const validate = ajv.compile(
      "$ref" in schema ? { $ref: `openapi${(schema as { $ref: string }).$ref}` } : schema,
    );
    const valid = validate(body);
    expect(valid, `${method} ${template} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  } else {
    expect(body, `${method} ${template} ${status} has no body`).toBeNull();
  }
}
