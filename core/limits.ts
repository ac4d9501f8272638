/**
 * Alibaba Cloud limits and the product's defaults. Every other module reads these constants; a default is
 * never written down twice.
 */

/** Rule priorities run from 1 (highest) to 100 (lowest). */
export const PRIORITY_HIGHEST = 1;
export const PRIORITY_LOWEST = 100;

/** True for a priority the API accepts: an integer from {@link PRIORITY_HIGHEST} to {@link PRIORITY_LOWEST}. */
export function isValidPriority(value: unknown): value is number {
    return (
        typeof value === "number" &&
        Number.isInteger(value) &&
        value >= PRIORITY_HIGHEST &&
        value <= PRIORITY_LOWEST
    );
}

/** The provider's own defaults, which are unsafe: a rule without priority is priority 1, without policy accept. */
export const PROVIDER_DEFAULT_PRIORITY = PRIORITY_HIGHEST;
export const PROVIDER_DEFAULT_POLICY = "accept";

/** Our drop baseline sits at the lowest priority so that any explicit allow above it opens exactly one hole. */
export const BASELINE_PRIORITY = PRIORITY_LOWEST;

/** Allow rules emitted by components default to the highest priority. */
export const DEFAULT_ALLOW_PRIORITY = PRIORITY_HIGHEST;

/** Default quota of security groups per ENI (raisable by ticket, so always configurable). */
export const MAX_GROUPS_PER_INSTANCE = 5;

/** A normal group may hold at most 20 rules that reference other groups. */
export const MAX_GROUP_REFERENCE_RULES = 20;

/** At most 200 rules per security group. */
export const MAX_RULES_PER_GROUP = 200;

/** Intranet access broader than these prefixes is "broad" (e.g. 10.0.0.0/8). */
export const MIN_IPV4_PREFIX = 16;
export const MIN_IPV6_PREFIX = 48;

/** Ports a public (Internet-facing) service may open to 0.0.0.0/0. */
export const DEFAULT_PUBLIC_PORTS: readonly number[] = [80, 443];

/** Valid tcp/udp port numbers. */
export const PORT_MIN = 1;
export const PORT_MAX = 65535;

/** True for a tcp/udp port number: an integer from {@link PORT_MIN} to {@link PORT_MAX}. */
export function isPortNumber(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= PORT_MIN && value <= PORT_MAX;
}

/**
 * The tag key every component adds so that owners can find managed groups.
 * @internal
 */
export const MANAGED_BY_TAG_KEY = "managed-by";
/** @internal */
export const MANAGED_BY_TAG_VALUE = "alicloud-secure-groups";
