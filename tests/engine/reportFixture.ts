import * as path from "path";
import type { ProjectSettings } from "../../engine/project";
import { buildReport, type Report } from "../../engine/report";
import type { PackResult, PolicyDescription, RecordedResource, Violation } from "../../engine/types";
import { recordedResource } from "./recorded";

export const PROJECT_DIR = path.join("/work", "infra", "network");

const PROJECT: ProjectSettings = {
    dir: PROJECT_DIR,
    name: "network",
    stack: "prod",
    organization: "acme",
    program: path.join(PROJECT_DIR, "index.ts"),
    config: {},
    secretKeys: [],
};

const RULE_TYPE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const GROUP_TYPE = "alicloud:ecs/securityGroup:SecurityGroup";

export const urnOf = (type: string, name: string): string => `urn:pulumi:prod::network::${type}::${name}`;

/** A resource as the program host records it, with the inputs a public program would give. */
export function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    line: number,
    propertyDependencies: Record<string, string[]> = {},
): RecordedResource {
    return recordedResource({
        urn: urnOf(type, name),
        type,
        name,
        propertyDependencies,
        inputs,
        outputs: inputs,
        source: { file: path.join(PROJECT_DIR, "index.ts"), line, column: 5 },
    });
}

export const RISKY: PolicyDescription = {
    name: "disallow-public-risky-ports",
    description: "Rejects security groups that effectively let the open Internet reach a risky port.",
    enforcementLevel: "mandatory",
    type: "stack",
    displayName: "Risky ports open to the Internet",
    severity: "critical",
    remediationSteps: "Remove the accept that lets the open Internet reach the port.",
    url: "https://github.com/alicloud-secure-groups/alicloud-secure-groups/blob/main/policies/README.md#disallow-public-risky-ports",
    framework: {
        name: "CIS",
        version: "2.0.0",
        reference: "3.2, 4.3, 4.4",
        specification: "CIS Alibaba Cloud Foundation Benchmark",
    },
};

export const TAGS: PolicyDescription = {
    name: "missing-security-group-tags",
    description: "Rejects security groups without tags.",
    enforcementLevel: "mandatory",
    type: "resource",
    severity: "low",
};

export const DESCRIPTION: PolicyDescription = {
    name: "missing-security-group-description",
    description: "Flags security groups without a description.",
    enforcementLevel: "advisory",
    type: "resource",
    severity: "medium",
};

/** A third-party pack's policy with no metadata at all, as packs built with older `@pulumi/policy` send. */
export const BARE: PolicyDescription = {
    name: "no-ssh",
    description: "",
    enforcementLevel: "advisory",
    type: "resource",
};

/** A violation as `@pulumi/policy` reports it: the policy's description, a newline, then the message. */
export function violation(
    policy: PolicyDescription,
    urn: string | null,
    message: string,
    pack = "alicloud-secure-groups",
): Violation {
    return {
        policyPack: pack,
        policyPackVersion: "0.1.0",
        policyName: policy.name,
        description: policy.description,
        enforcementLevel: policy.enforcementLevel === "advisory" ? "advisory" : "mandatory",
        message: policy.description ? `${policy.description}\n${message}` : message,
        urn,
    };
}

export function pack(
    name: string,
    policies: PolicyDescription[],
    violations: Violation[],
    logs: PackResult["logs"] = [],
): PackResult {
    return {
        name,
        version: "0.1.0",
        directory: "policies",
        policies,
        config: {},
        violations,
        remediations: [],
        logs,
    };
}

export function report(
    resources: RecordedResource[],
    packs: PackResult[],
    notes: readonly string[] = [],
): Report {
    return buildReport(PROJECT, resources, packs, new Map(), undefined, [], notes);
}

export { GROUP_TYPE, RULE_TYPE };
