/**
 * A problem found while validating user input: the field it concerns, the value given, and a sentence that
 * says what is wrong and what is expected. Validation collects every problem rather than stopping at the
 * first, so a user fixes a stack in one pass.
 */
export interface Problem {
    /** Path of the offending argument, e.g. `ingress.ssh.ports` or `sources[1]`. */
    readonly field: string;
    /** The value as given. */
    readonly value: unknown;
    /** A full sentence naming the field and the value. */
    readonly message: string;
}

/** Renders a value for an error message the way the user wrote it: strings quoted, arrays and objects as JSON. */
export function describeValue(value: unknown): string {
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

/** Builds a problem whose message ends with the offending value: `<field> <requirement> (got <value>)`. */
export function problem(field: string, value: unknown, requirement: string): Problem {
    return { field, value, message: `${field} ${requirement} (got ${describeValue(value)})` };
}

/** How an error shows a value the program marked secret. */
export const SECRET_VALUE_LABEL = "[secret]";

/**
 * `problems` with a secret value never shown: every spelling of it in a message (as written, quoted, and any
 * other form the caller names, such as a block's network address) becomes `[secret]`, and so does `value`.
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
    return problems.map((p) => ({
        ...p,
        value: SECRET_VALUE_LABEL,
        message: spellings.reduce(
            (message, spelling) => message.split(spelling).join(SECRET_VALUE_LABEL),
            p.message,
        ),
    }));
}

/** Thrown by components when arguments are invalid; carries every problem found. */
export class ValidationError extends Error {
    public readonly problems: readonly Problem[];

    constructor(context: string, problems: readonly Problem[]) {
        const lines = problems.map((p) => p.message);
        super(
            lines.length === 1
                ? `${context}: ${lines[0]}`
                : `${context}: ${lines.length} invalid arguments:\n  - ${lines.join("\n  - ")}`,
        );
        this.name = "ValidationError";
        this.problems = problems;
    }
}

/** Throws a {@link ValidationError} when `problems` is not empty. */
export function throwIfProblems(context: string, problems: readonly Problem[]): void {
    if (problems.length > 0) {
        throw new ValidationError(context, problems);
    }
}
