import { SECRET_LABEL, UNKNOWN_LABEL } from "./wire";

/**
 * A problem found while validating input: where it is (a property path in the caller's own terms), what is
 * wrong with it, and the value given. It is data until it is shown: {@link renderProblem} turns it into the
 * one sentence a user reads, so every layer can re-scope a path without touching any text. Validation collects
 * every problem rather than stopping at the first, so a user fixes a stack in one pass.
 */
export interface Problem {
    /** Property path of the offending argument, e.g. `ingress.ssh.ports` or `sources[1]`. */
    readonly path: string;
    /** What is wrong and what is expected, a predicate of the path: `must name at least one security group`. */
    readonly reason: string;
    /** The value as given. */
    readonly value: unknown;
    /** What to do about it, when the reason alone does not say: shown after the value. */
    readonly hint?: string;
}

/**
 * Renders a value for an error message the way the user wrote it: strings quoted, arrays and objects as JSON.
 * @internal
 */
export function describeValue(value: unknown): string {
    // Stand-ins for a value not known yet or secret are shown as they are, never quoted as something written.
    if (value === UNKNOWN_LABEL || value === SECRET_LABEL) {
        return value;
    }
    if (value === undefined) {
        return "undefined";
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    if (typeof value === "number" || typeof value === "boolean" || value === null) {
        return String(value);
    }
    try {
        const json = JSON.stringify(value);
        if (json !== undefined) {
            return json.length > 200 ? `${json.slice(0, 197)}...` : json;
        }
    } catch {
        // Circular or otherwise unserializable: fall through to the generic description.
    }
    return Object.prototype.toString.call(value);
}

/** Builds a problem: `path`, the value given, and the reason, a predicate such as `must be a CIDR block`. */
export function problem(path: string, value: unknown, reason: string, hint?: string): Problem {
    return hint === undefined ? { path, reason, value } : { path, reason, value, hint };
}

/**
 * The one sentence a problem is shown as, wherever it is shown: `<path> <reason> (got <value>)[; <hint>]`. Every
 * message about a bad argument — a component's, the tier description's, a policy's — goes through here.
 */
export function renderProblem(found: Problem): string {
    return `${found.path} ${renderReason(found)}`;
}

/**
 * The sentence without its path, for a consumer that names the path itself (the engine, for a property error).
 * @internal
 */
export function renderReason(found: Problem): string {
    const reason = `${found.reason} (got ${describeValue(found.value)})`;
    return found.hint === undefined ? reason : `${reason}; ${found.hint}`;
}

/**
 * `problems` without repeats (same path, reason and value): one bad argument behind several rules, one line.
 * @internal
 */
export function uniqueProblems(problems: readonly Problem[]): Problem[] {
    const seen = new Set<string>();
    return problems.filter((found) => {
        const key = renderProblem(found);
        return seen.has(key) ? false : (seen.add(key), true);
    });
}

/**
 * `problems` with a secret value never shown: the value becomes {@link SECRET_LABEL}, and every spelling of
 * it in a reason or hint (as written, quoted, and any other form the caller names, such as a block's network
 * address) becomes `[secret]` too.
 * @internal
 */
export function redactSecretValue(
    problems: readonly Problem[],
    value: unknown,
    otherSpellings: readonly string[] = [],
): Problem[] {
    const spellings = [describeValue(value), ...(typeof value === "string" ? [value, value.trim()] : [])]
        .concat(otherSpellings)
        .filter((spelling) => spelling.length > 0)
        .sort((a, b) => b.length - a.length);
    const scrub = (text: string) =>
        spellings.reduce((scrubbed, spelling) => scrubbed.split(spelling).join(SECRET_LABEL), text);
    return problems.map((found) => ({
        ...found,
        value: SECRET_LABEL,
        reason: scrub(found.reason),
        ...(found.hint !== undefined ? { hint: scrub(found.hint) } : {}),
    }));
}
