import { StackValidationArgs } from "@pulumi/policy";
import { joinStack, StackModel, StackResourceInput } from "../../core/stack";
import { proxyTarget } from "./props";

/**
 * The stack model of a stack policy's resources. `@pulumi/policy` hands `propertyDependencies` as resource
 * objects; core reads their `urn`. Props are read from behind the policy proxy ({@link proxyTarget}).
 *
 * `@pulumi/policy` runs every stack policy of one `AnalyzeStack` request in turn, each on its own deserialized
 * copy of the same resources; joining them is most of our own work in that request, so the model of the last
 * call is reused by the next when its resources are the same data ({@link sameResources}), and forgotten once
 * the current task ends (the policies of one request run in one task: ours never wait). A different request,
 * even one listing the same URNs, differs in some value and gets its own model.
 */
export function stackModel(args: StackValidationArgs): StackModel {
    const inputs = stackInputs(args);
    if (last !== undefined && sameResources(last.inputs, inputs)) {
        return last.model;
    }
    const model = joinStack(inputs);
    const remembered = { inputs, model };
    last = remembered;
    // Holds the deserialized stack no longer than the request; `unref` keeps it from holding the process open.
    setImmediate(() => {
        if (last === remembered) {
            last = undefined;
        }
    }).unref();
    return model;
}

let last: { readonly inputs: readonly StackResourceInput[]; readonly model: StackModel } | undefined;

function stackInputs(args: StackValidationArgs): StackResourceInput[] {
    const inputs: StackResourceInput[] = [];
    let resources: readonly unknown[] = [];
    try {
        resources = Array.isArray(args.resources) ? args.resources : [];
    } catch {
        resources = [];
    }
    for (const resource of resources) {
        try {
            const r = resource as Record<string, unknown>;
            if (typeof r.urn !== "string" || typeof r.type !== "string") {
                continue;
            }
            inputs.push({
                urn: r.urn,
                type: r.type,
                name: typeof r.name === "string" ? r.name : undefined,
                props: proxyTarget(r.props),
                propertyDependencies:
                    typeof r.propertyDependencies === "object" && r.propertyDependencies !== null
                        ? (r.propertyDependencies as Record<string, readonly unknown[]>)
                        : undefined,
            });
        } catch {
            // A resource we cannot even look at is one we cannot judge.
        }
    }
    return inputs;
}

/**
 * Whether two lists of stack inputs carry the same data, as far as {@link joinStack} can read it: the same
 * URNs, types and names in the same order, equal props and the same dependency URNs. Anything it cannot compare
 * as data counts as different, so the worst a doubt costs is a model built again.
 */
export function sameResources(a: readonly StackResourceInput[], b: readonly StackResourceInput[]): boolean {
    if (a.length !== b.length) {
        return false;
    }
    try {
        for (let i = 0; i < a.length; i++) {
            const x = a[i];
            const y = b[i];
            if (
                x.urn !== y.urn ||
                x.type !== y.type ||
                x.name !== y.name ||
                !sameDependencies(x.propertyDependencies, y.propertyDependencies) ||
                !sameData(x.props, y.props, 0)
            ) {
                return false;
            }
        }
        return true;
    } catch {
        return false;
    }
}

/** Dependencies as core reads them: a URN string, or an object whose `urn` is one. */
function sameDependencies(
    a: Readonly<Record<string, readonly unknown[]>> | undefined,
    b: Readonly<Record<string, readonly unknown[]>> | undefined,
): boolean {
    if (a === undefined || b === undefined) {
        return a === b;
    }
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) {
        return false;
    }
    return keys.every((key) => {
        const x = a[key];
        const y = b[key];
        if (!Array.isArray(x) || !Array.isArray(y)) {
            return x === y;
        }
        return x.length === y.length && x.every((dep, i) => dependencyUrn(dep) === dependencyUrn(y[i]));
    });
}

function dependencyUrn(dep: unknown): unknown {
    return typeof dep === "object" && dep !== null ? (dep as { urn?: unknown }).urn : dep;
}

/** Deeper than any resource's props; past it the values are simply treated as different. */
const MAX_DEPTH = 64;

/**
 * Deep equality of deserialized props: primitives by `Object.is`, arrays and plain objects by content. Any other
 * object (an asset, whose path is a promise) is equal only to itself: `util.isDeepStrictEqual` would call two
 * different promises equal.
 */
function sameData(a: unknown, b: unknown, depth: number): boolean {
    if (Object.is(a, b)) {
        return true;
    }
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || depth > MAX_DEPTH) {
        return false;
    }
    if (Array.isArray(a)) {
        return (
            Array.isArray(b) && a.length === b.length && a.every((item, i) => sameData(item, b[i], depth + 1))
        );
    }
    if (!isPlainObject(a) || !isPlainObject(b)) {
        return false;
    }
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) {
        return false;
    }
    return keys.every((key) => Object.hasOwn(b, key) && sameData(a[key], b[key], depth + 1));
}

function isPlainObject(value: object): value is Record<string, unknown> {
    const prototype = Object.getPrototypeOf(value) as unknown;
    return prototype === Object.prototype || prototype === null;
}
