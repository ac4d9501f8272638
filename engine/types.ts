import type { ReconciledPolicyConfig } from "./policyConfig";

/** A position in the program's source, as the SDK captured it when the resource was constructed. */
export interface SourcePosition {
    /** Absolute path of the source file. */
    readonly file: string;
    readonly line: number;
    readonly column: number;
}

/** The resource options the analyzer protocol carries in `AnalyzerResourceOptions`. */
export interface RecordedOptions {
    readonly protect: boolean;
    readonly ignoreChanges: string[];
    readonly deleteBeforeReplace?: boolean;
    readonly aliases: string[];
    readonly additionalSecretOutputs: string[];
    readonly customTimeouts: { create: string; update: string; delete: string };
}

/**
 * One resource the program registered, exactly as the SDK sent it to the resource monitor. `inputs` and
 * `outputs` are in the engine's wire form: unknowns are the unknown sentinel string, secrets and resource
 * references are signature objects.
 */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** `true` for custom (provider) resources, `false` for components. */
    readonly custom: boolean;
    /** `true` when the program read an existing resource (`Resource.get`) rather than declaring one. */
    readonly external: boolean;
    readonly parent: string | null;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
    readonly inputs: Record<string, unknown>;
    /** Component outputs from `registerOutputs`; for custom resources the planned outputs are the inputs. */
    readonly outputs: Record<string, unknown>;
    /** Provider reference `urn::id` when the program passed an explicit provider, else `null` (default). */
    readonly provider: string | null;
    readonly source: SourcePosition | null;
    readonly options: RecordedOptions;
}

/** One call of a provider function (a data source), and how the gate answered it offline. */
export interface RecordedInvoke {
    /** The function's token, `alicloud:index/getZones:getZones`. */
    readonly token: string;
    /** The arguments in wire form (unknowns, secrets), those left undefined absent. */
    readonly args: Record<string, unknown>;
    /** `pinned` from `--invokes`, else `unknown`: the result was unknown, as a computed output in a preview. */
    readonly answer: "unknown" | "pinned";
    /** The nearest line of the user's code that made the call. */
    readonly source: SourcePosition | null;
}

/** What running a program produced. */
export interface ProgramRun {
    readonly project: string;
    readonly stack: string;
    readonly resources: RecordedResource[];
    /** Every data source the program called, in call order. */
    readonly invokes: RecordedInvoke[];
    /** Wall time of the child process, in milliseconds. */
    readonly durationMs: number;
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** One policy violation, as a pack reported it through `Analyze` or `AnalyzeStack`. */
export interface Violation {
    readonly policyPack: string;
    readonly policyPackVersion: string;
    readonly policyName: string;
    readonly description: string;
    readonly enforcementLevel: "advisory" | "mandatory";
    readonly message: string;
    readonly urn: string | null;
}

/** A remediation a pack applied to a resource's inputs before `Analyze`. */
export interface AppliedRemediation {
    readonly policyPack: string;
    readonly policyName: string;
    readonly description: string;
    readonly urn: string;
    /** Set when the remediation could not run (e.g. an unknown value in preview); inputs were not changed. */
    readonly diagnostic: string | null;
}

export type PolicySeverity = "low" | "medium" | "high" | "critical";

/** A compliance benchmark a policy enforces (`@pulumi/policy`'s `PolicyComplianceFramework`). */
export interface PolicyFramework {
    readonly name: string;
    readonly version: string;
    /** The benchmark's control numbers, e.g. `4.3, 4.4`. */
    readonly reference: string;
    readonly specification: string;
}

export interface PolicyDescription {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly type: "resource" | "stack";
    /** What a pack built with `@pulumi/policy` >= 1.21 may say for people; absent when it says nothing. */
    readonly displayName?: string;
    readonly severity?: PolicySeverity;
    readonly remediationSteps?: string;
    readonly url?: string;
    readonly framework?: PolicyFramework;
}

/** What one policy pack reported. */
export interface PackResult {
    readonly name: string;
    readonly version: string;
    readonly directory: string;
    readonly policies: PolicyDescription[];
    /** Each policy's level and settings as the pack was configured for this run (defaults, then config files). */
    readonly config: Readonly<Record<string, ReconciledPolicyConfig>>;
    readonly violations: Violation[];
    readonly remediations: AppliedRemediation[];
    /** Messages the pack logged through the engine's `Log` service. */
    readonly logs: { severity: string; message: string; urn: string | null }[];
}
