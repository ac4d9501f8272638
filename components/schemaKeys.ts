import { problem, Problem } from "../core/problems";
import schema from "./schema.json";

/** A property or type of the component package's schema, as far as its keys are concerned. */
interface Spec {
    readonly $ref?: string;
    readonly type?: string;
    readonly properties?: Readonly<Record<string, Spec>>;
    readonly additionalProperties?: Spec;
    readonly items?: Spec;
}

const TYPES = schema.types as unknown as Readonly<Record<string, Spec>>;
const RESOURCES = schema.resources as unknown as Readonly<
    Record<string, { readonly inputProperties: Record<string, Spec> }>
>;

/**
 * Problems for keys the component package's schema does not list, at any depth: a misspelt setting would
 * otherwise be silently ignored. The schema is the one the SDK infers from the TypeScript types
 * (`components/schema.json`), so TypeScript refuses these keys at compile time and this check catches them for
 * JavaScript callers; other languages' generated SDKs cannot send them.
 * @internal
 */
export function unknownKeyProblems(type: string, args: unknown): Problem[] {
    const resource = RESOURCES[type];
    return resource ? check(args, { type: "object", properties: resource.inputProperties }, "") : [];
}

function check(value: unknown, spec: Spec, path: string): Problem[] {
    const target = spec.$ref?.startsWith("#/types/") ? TYPES[spec.$ref.slice("#/types/".length)] : spec;
    if (target === undefined || (!isPlainObject(value) && !Array.isArray(value))) {
        return [];
    }
    if (Array.isArray(value)) {
        return target.items
            ? value.flatMap((item, index) => check(item, target.items as Spec, `${path}[${index}]`))
            : [];
    }
    if (target.properties !== undefined) {
        const known = Object.keys(target.properties);
        return Object.entries(value).flatMap(([key, child]) => {
            const at = path ? `${path}.${key}` : key;
            const property = target.properties?.[key];
            return property === undefined
                ? [problem(at, child, `is not a setting; expected one of ${known.join(", ")}`)]
                : check(child, property, at);
        });
    }
    if (target.additionalProperties !== undefined) {
        const values = target.additionalProperties;
        return Object.entries(value).flatMap(([key, child]) =>
            check(child, values, path ? `${path}.${key}` : key),
        );
    }
    return [];
}

/** An object literal: not a list, an Output, a resource or anything else with a prototype of its own. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
