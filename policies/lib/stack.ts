import { StackValidationArgs } from "@pulumi/policy";
import { joinStack, StackModel, StackResourceInput } from "../../core/stack";
import { proxyTarget } from "./props";

/**
 * The stack model of a stack policy's resources. `@pulumi/policy` hands `propertyDependencies` as resource
 * objects; core reads their `urn`. Props are read from behind the policy proxy ({@link proxyTarget}).
 */
export function stackModel(args: StackValidationArgs): StackModel {
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
    return joinStack(inputs);
}
