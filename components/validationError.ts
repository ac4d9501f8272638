import * as pulumi from "@pulumi/pulumi";
import { Problem, renderProblem, renderReason } from "../core/problems";

/**
 * Thrown when a component's arguments are invalid, before anything is registered; carries every problem. It is
 * the SDK's `InputPropertiesError`, so that at `Construct` (a component used from Python, Go, .NET, Java or YAML) the
 * engine receives each property path with its reason; a TypeScript program sees the same sentences in `message`.
 */
export class ValidationError extends pulumi.InputPropertiesError {
    /** Every problem found, as data: the property path, the reason and the value. */
    public readonly problems: readonly Problem[];

    /**
     * @param context What was being validated: `WebTierGroup "web"`, `stack config shop:tiers`.
     * @param problems At least one problem.
     */
    constructor(context: string, problems: readonly Problem[]) {
        const lines = problems.map(renderProblem);
        super({
            message:
                lines.length === 1
                    ? `${context}: ${lines[0]}`
                    : `${context}: ${lines.length} invalid arguments:\n  - ${lines.join("\n  - ")}`,
            errors: problems.map((found) => ({ propertyPath: found.path, reason: renderReason(found) })),
        });
        this.name = "ValidationError";
        this.problems = problems;
    }
}

/**
 * Throws a {@link ValidationError} when `problems` is not empty.
 * @internal
 */
export function throwIfProblems(context: string, problems: readonly Problem[]): void {
    if (problems.length > 0) {
        throw new ValidationError(context, problems);
    }
}
