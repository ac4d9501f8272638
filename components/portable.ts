import * as pulumi from "@pulumi/pulumi";
import { Problem, problem } from "../core/problems";
import { SECRET_LABEL, UNKNOWN_LABEL } from "../core/wire";
import { unknownKeyProblems } from "./schemaKeys";
import { throwIfProblems } from "./validationError";

/**
 * An argument as a TypeScript program writes it (`Local`), or as every language can send it (`Wire`, possibly
 * still an Output). The SDK's schema analyzer reads a union that holds `Promise<Wire>` and `Output<Wire>` as
 * `Input<Wire>`, so the component package describes `Wire` to Python, Go, .NET, Java and YAML while TypeScript keeps
 * its richer forms (`readonly` lists, components as sources, exclusive choices). At `Construct` the engine
 * delivers exactly that: plain values, and Outputs where the caller passed them.
 */
export type Portable<Local, Wire> = Local | Promise<Wire> | pulumi.Output<Wire>;

/**
 * Where a component's arguments may stay unresolved, as path patterns (`tags.*`, `ingress.*.cidr`; `*` is any key
 * or list index). Everything else decides which resources are created and what they are called, so it must be
 * known when the component is built.
 * @internal
 */
export interface ArgumentShape {
    /** Values passed on to resources as they are: an Output there keeps its dependencies and secrecy. */
    readonly inputs: readonly string[];
    /**
     * Source groups. An Output there is a group id, which needs a key to name its rules, as in TypeScript. Inside
     * a whole argument the engine wrapped in an Output (the list held references to resources), each is read as
     * written: a component's URN, or an id keyed by itself.
     */
    readonly sources: readonly string[];
}

/**
 * What every group component passes on to its group resource as it is (see {@link ArgumentShape.inputs}).
 * @internal
 */
export const GROUP_INPUTS: readonly string[] = [
    "vpcId",
    "securityGroupName",
    "description",
    "resourceGroupId",
    "tags.*",
];

/**
 * Plans `args` (checking their keys against the package schema for component `type`) now when every value the
 * planner needs is plain (what a TypeScript program passes) and throws a
 * ValidationError naming every problem before anything is registered. When some are Outputs or Promises (what
 * the engine passes at `Construct`), returns the plan as a promise, made once they resolve, which rejects with
 * the ValidationError instead.
 * @internal
 */
export function planWhenKnown<Args, Plan>(
    context: string,
    type: string,
    args: Args,
    shape: ArgumentShape,
    planner: (known: Args) => { readonly plan: Plan; readonly problems: readonly Problem[] },
): Plan | Promise<Plan> {
    const plan = (known: Args, problems: readonly Problem[]): Plan => {
        const planned = planner(known);
        // A value refused while resolving (unknown, secret) reaches the planner as missing: its "must be set"
        // would contradict what the user wrote, so only the refusal is reported at that path.
        const refused = (path: string) =>
            problems.some(
                (found) =>
                    path === found.path ||
                    path.startsWith(`${found.path}.`) ||
                    path.startsWith(`${found.path}[`),
            );
        throwIfProblems(context, [
            ...problems,
            ...unknownKeyProblems(type, known),
            ...planned.problems.filter((found) => !refused(found.path)),
        ]);
        return planned.plan;
    };
    const matcher = new ShapeMatcher(shape);
    if (!matcher.pending(args, [])) {
        return plan(args, []);
    }
    return resolve(args, [], matcher, undefined).then(({ value, problems }) => plan(value as Args, problems));
}

type Segments = readonly string[];

class ShapeMatcher {
    private readonly inputs: Segments[];
    private readonly sources: Segments[];

    constructor(shape: ArgumentShape) {
        this.inputs = shape.inputs.map((pattern) => pattern.split("."));
        this.sources = shape.sources.map((pattern) => pattern.split("."));
    }

    isInput(at: Segments): boolean {
        return this.inputs.some((pattern) => matches(pattern, at));
    }

    isSource(at: Segments): boolean {
        return this.sources.some((pattern) => matches(pattern, at));
    }

    /** True when an Output or a Promise stands anywhere the planner needs a plain value. */
    pending(value: unknown, at: Segments): boolean {
        if (isPending(value)) {
            return !this.isInput(at) && !this.isSource(at);
        }
        return children(value).some(([key, child]) => this.pending(child, [...at, key]));
    }
}

function matches(pattern: Segments, at: Segments): boolean {
    return (
        pattern.length === at.length && pattern.every((segment, i) => segment === "*" || segment === at[i])
    );
}

function isPending(value: unknown): value is pulumi.Output<unknown> | Promise<unknown> {
    return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** The entries of a plain object or list; resources and everything else are leaves. */
function children(value: unknown): [string, unknown][] {
    if (Array.isArray(value)) {
        return value.map((item, index) => [String(index), item]);
    }
    if (
        typeof value === "object" &&
        value !== null &&
        !pulumi.Resource.isInstance(value) &&
        !isPending(value) &&
        Object.getPrototypeOf(value) === Object.prototype
    ) {
        return Object.entries(value);
    }
    return [];
}

/** `["ingress", "ssh", "ports"]` → `ingress.ssh.ports`; `["sources", "0"]` → `sources[0]`. */
function pathOf(at: Segments): string {
    return at.reduce(
        (path, segment) =>
            /^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment,
        "",
    );
}

interface Settled {
    readonly known: boolean;
    readonly secret: boolean;
    readonly value: unknown;
}

/** The value an Output or Promise resolves to, and whether it is known (preview) and secret. */
async function settle(value: pulumi.Output<unknown> | Promise<unknown>): Promise<Settled> {
    if (!pulumi.Output.isInstance(value)) {
        const resolved = await value;
        return isPending(resolved) ? settle(resolved) : { known: true, secret: false, value: resolved };
    }
    // `promise(true)` is the SDK's own way to read an Output with its unknowns marked (`output()` and `secret()`
    // use it); the public surface offers only `apply`, whose callback never runs for an unknown value.
    const withUnknowns = (value as unknown as { promise(withUnknowns: boolean): Promise<unknown> }).promise(
        true,
    );
    const [resolved, secret] = await Promise.all([withUnknowns, pulumi.isSecret(value)]);
    return { known: !pulumi.containsUnknowns(resolved), secret, value: resolved };
}

interface Resolved {
    readonly value: unknown;
    readonly problems: Problem[];
}

/**
 * Replaces every Output or Promise the planner needs with its value. `carrier` is the Output the value came out
 * of, if any: a value that stays an input is then derived from it, so that it keeps the dependencies the engine
 * attached to the whole argument.
 */
async function resolve(
    value: unknown,
    at: Segments,
    matcher: ShapeMatcher,
    carrier: pulumi.Output<unknown> | undefined,
): Promise<Resolved> {
    if (isPending(value)) {
        if (matcher.isInput(at) || matcher.isSource(at)) {
            return { value, problems: [] };
        }
        const settled = await settle(value);
        const output = pulumi.Output.isInstance(value) ? value : undefined;
        if (!settled.known) {
            return {
                value: undefined,
                problems: [
                    problem(
                        pathOf(at),
                        UNKNOWN_LABEL,
                        "must be known before deployment: it decides which rules are created and what they are called",
                    ),
                ],
            };
        }
        if (settled.secret) {
            return {
                value: undefined,
                problems: [
                    problem(
                        pathOf(at),
                        SECRET_LABEL,
                        "must not be a secret: it decides which rules are created and what they are called; mark only values such as tag values, CIDR blocks or ids secret",
                    ),
                ],
            };
        }
        return resolve(settled.value, at, matcher, output ?? carrier);
    }
    const entries = children(value);
    if (entries.length === 0) {
        if (carrier !== undefined && value !== undefined && matcher.isInput(at)) {
            return { value: carrier.apply(() => value), problems: [] };
        }
        if (carrier !== undefined && typeof value === "string" && matcher.isSource(at)) {
            return { value: sourceOf(value, carrier), problems: [] };
        }
        return { value, problems: [] };
    }
    const resolved = await Promise.all(
        entries.map(
            async ([key, child]) => [key, await resolve(child, [...at, key], matcher, carrier)] as const,
        ),
    );
    const problems = resolved.flatMap(([, entry]) => entry.problems);
    if (Array.isArray(value)) {
        return { value: resolved.map(([, entry]) => entry.value), problems };
    }
    return { value: Object.fromEntries(resolved.map(([key, entry]) => [key, entry.value])), problems };
}

/**
 * A source group written as a string inside an argument the engine wrapped in an Output: a component's URN stays a
 * string (the component carries its own dependencies); an id keeps the Output's dependencies and is keyed by
 * itself, as a plain id is.
 */
function sourceOf(text: string, carrier: pulumi.Output<unknown>): unknown {
    return text.startsWith("urn:pulumi:") ? text : { group: carrier.apply(() => text), key: text };
}
