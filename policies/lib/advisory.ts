import { Policy, ReportViolation } from "@pulumi/policy";

/**
 * Reporting a finding at advisory level from a policy of any level: "can't tell yet" next to the definite
 * findings of a mandatory policy.
 *
 * The engine takes the enforcement level of each diagnostic from the diagnostic itself (`AnalyzeDiagnostic`
 * carries its own `enforcementLevel`), and `@pulumi/policy` ≥ 1.20 fills it from an object passed to
 * `reportViolation` (`{ message, urn, enforcementLevel }`, pulumi/pulumi-policy#424; its type is still declared
 * as "future support", hence the cast). A second policy would not do: `"all": "mandatory"` in a policy config
 * would raise it, and an unknown value would then fail a preview.
 *
 * The object also reads as the message text: a runtime that took it for a string would report the same
 * sentence, at the policy's own level, rather than `[object Object]`.
 */
class AdvisoryViolation {
    readonly enforcementLevel = "advisory";

    constructor(
        /** As the string form reports it: the policy's description, a new line, the message. */
        readonly message: string,
        readonly urn: string,
        private readonly text: string,
    ) {}

    toString(): string {
        return this.text;
    }
}

export function reportAdvisory(
    reportViolation: ReportViolation,
    policy: Pick<Policy, "description">,
    message: string,
    urn: string,
): void {
    const report = reportViolation as unknown as (violation: AdvisoryViolation) => void;
    report(new AdvisoryViolation(`${policy.description}\n${message}`, urn, message));
}
