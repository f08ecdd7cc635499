import { validate, type ValidationError } from "class-validator";
import { badUserInput } from "./lapse-error";

function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...messages(error.children ?? []),
  ]);
}

/**
 * Checks `input` against the class-validator rules declared on `type` and throws BAD_USER_INPUT naming
 * every broken rule. Services call it, so GraphQL, REST and the CLI share one set of rules.
 */
export async function assertValid<T extends object>(type: new () => T, input: T): Promise<T> {
  const instance = input instanceof type ? input : Object.assign(new type(), input);
  const errors = await validate(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw badUserInput(`${messages(errors).join("; ")}.`);
  return instance;
}
