import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyComplianceFramework, PolicyPackArgs } from "@pulumi/policy";

/**
 * What Pulumi Cloud shows about the pack and each policy (`@pulumi/policy` ≥ 1.21 sends it in `GetAnalyzerInfo`).
 * The repository URL is also package.json's `homepage`/`repository` (SARIF's `informationUri` reads those); a test
 * keeps them equal.
 */
export const REPOSITORY_URL = "https://github.com/alicloud-secure-groups/alicloud-secure-groups";

/** Where a policy is documented: its section in the pack's README, anchored by its name. */
export function policyUrl(name: string): string {
    return `${REPOSITORY_URL}/blob/main/policies/README.md#${name}`;
}

/**
 * The benchmark a policy's `framework` names. Control numbers are those of v2.0.0 as public implementations of the
 * benchmark number them (the benchmark itself is published behind a CIS account): 3.1 legacy networks, 3.2 SSH
 * restricted from the Internet, 3.5 fine-grained security group rules, 4.3/4.4 no ingress from 0.0.0.0/0 to
 * port 22/3389.
 */
const CIS_ALIBABA_CLOUD = {
    name: "CIS",
    version: "2.0.0",
    specification: "CIS Alibaba Cloud Foundation Benchmark",
} as const;

/** The benchmark controls a policy enforces, as its `framework`. */
export function cisControls(...controls: readonly string[]): PolicyComplianceFramework {
    return { ...CIS_ALIBABA_CLOUD, reference: controls.join(", ") };
}

/** The pack's own metadata, beside its policies. */
export const PACK_METADATA = {
    displayName: "Alibaba Cloud security groups",
    provider: "alicloud",
    tags: ["alicloud", "security-group", "network", "cis"],
    repository: REPOSITORY_URL,
} satisfies Omit<PolicyPackArgs, "policies">;

/** The pack README beside the pack's entry point, for Pulumi Cloud's pack page; undefined when it is absent. */
export function packReadme(packDir: string): string | undefined {
    try {
        return fs.readFileSync(path.join(packDir, "README.md"), "utf8");
    } catch {
        return undefined;
    }
}
