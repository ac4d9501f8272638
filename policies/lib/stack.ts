import { StackValidationArgs } from "@pulumi/policy";
import { joinStack, StackModel, StackResourceInput } from "../../core/stack";

/** The key `@pulumi/policy`'s `unknownCheckingProxy` answers with its target (proxy.js `getSpecialProxyTarget`). */
const PROXY_TARGET_KEY = "__getSpecialProxyTarget";

/**
 * The deserialized props behind `@pulumi/policy`'s unknown-checking proxy. Every policy's stack model reads every
 * property of every resource, and through the proxy each read allocates a child proxy and each unknown throws an
 * error with a stack trace: most of a stack policy's time on a large stack. Core recognises the unknown
 * sentinels and `Secret` wrappers the proxy guards, so it reads the target with the same meaning.
 */
export function proxyTarget(props: unknown): unknown {
    if (typeof props !== "object" || props === null) {
        return props;
    }
    try {
        const target = (props as Record<string, unknown>)[PROXY_TARGET_KEY];
        return typeof target === "object" && target !== null ? target : props;
    } catch {
        return props;
    }
}

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
