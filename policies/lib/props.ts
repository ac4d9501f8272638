/** The key `@pulumi/policy`'s `unknownCheckingProxy` answers with its target (proxy.js `getSpecialProxyTarget`). */
const PROXY_TARGET_KEY = "__getSpecialProxyTarget";

/**
 * The deserialized props behind `@pulumi/policy`'s unknown-checking proxy. Through the proxy each read allocates
 * a child proxy and each unknown throws an error with a stack trace: on a large stack, most of a stack policy's
 * time, and in preview (where every id is unknown) a thrown error for nearly every rule a resource policy reads.
 * Core recognises the unknown sentinels and `Secret` wrappers the proxy guards, so it reads the target with the
 * same meaning. Validation only: a remediation writes through the proxy, which keeps secrets secret.
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
