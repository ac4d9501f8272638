import * as ipaddr from "ipaddr.js";
import { MIN_IPV4_PREFIX, MIN_IPV6_PREFIX } from "./limits";
import { problem, Problem } from "./problems";

export type IpFamily = "ipv4" | "ipv6";

/** A parsed CIDR block. `text` is what the user wrote; `network` has the host bits cleared. */
export interface Cidr {
    readonly text: string;
    readonly family: IpFamily;
    readonly network: string;
    readonly prefix: number;
}

/**
 * An inclusive address interval, as integers, for interval arithmetic.
 * @internal
 */
export interface AddressRange {
    readonly family: IpFamily;
    readonly first: bigint;
    readonly last: bigint;
}

const FAMILY_BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

/** Blocks that are not on the open Internet: RFC 1918 for IPv4, unique local addresses (fc00::/7) for IPv6. */
const PRIVATE_BLOCKS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

function toBigInt(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
    let value = 0n;
    for (const byte of address.toByteArray()) {
        value = (value << 8n) | BigInt(byte);
    }
    return value;
}

function fromBigInt(family: IpFamily, value: bigint): string {
    const bytes: number[] = [];
    const count = FAMILY_BITS[family] / 8;
    for (let i = 0; i < count; i++) {
        bytes.unshift(Number(value & 0xffn));
        value >>= 8n;
    }
    return ipaddr.fromByteArray(bytes).toString();
}

/** Blocks already parsed, by the text given: a stack repeats a handful of blocks across thousands of rules. */
const PARSED = new Map<string, Cidr | undefined>();
/** Bounds {@link PARSED} in a long-lived process that meets endless distinct texts (fuzzing, a pack server). */
const PARSED_LIMIT = 10_000;
/** Each parsed block's address interval, computed once with the block. */
const RANGES = new WeakMap<Cidr, AddressRange>();

/**
 * Parses an IPv4 or IPv6 CIDR block, or a bare address (a host block, as the API accepts). Returns undefined
 * for anything else, including IPv4-mapped IPv6 forms that the API would read differently. The block returned
 * is frozen and may be shared between callers that gave the same text.
 */
export function parseCidr(text: unknown): Cidr | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    if (PARSED.has(text)) {
        return PARSED.get(text);
    }
    const cidr = parseCidrText(text);
    if (PARSED.size >= PARSED_LIMIT) {
        PARSED.clear();
    }
    PARSED.set(text, cidr);
    return cidr;
}

function parseCidrText(text: string): Cidr | undefined {
    const trimmed = text.trim();
    const slash = trimmed.indexOf("/");
    const addressText = slash < 0 ? trimmed : trimmed.slice(0, slash);
    const prefixText = slash < 0 ? undefined : trimmed.slice(slash + 1);
    // ipaddr.js accepts loose IPv4 forms such as "10.1/8"; insist on a strictly valid address part. Parsing
    // with the family's own parser spares ipaddr.js's generic parse, which tries IPv6 first and throws.
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    try {
        if (ipaddr.IPv4.isValidFourPartDecimal(addressText)) {
            address = ipaddr.IPv4.parse(addressText);
        } else if (ipaddr.IPv6.isValid(addressText)) {
            address = ipaddr.IPv6.parse(addressText);
        } else {
            return undefined;
        }
    } catch {
        return undefined;
    }
    const family: IpFamily = address.kind();
    const bits = FAMILY_BITS[family];
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
        return undefined;
    }
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    if (prefix > bits) {
        return undefined;
    }
    const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
    const first = toBigInt(address) & mask;
    const cidr: Cidr = Object.freeze({ text: trimmed, family, network: fromBigInt(family, first), prefix });
    RANGES.set(cidr, Object.freeze({ family, first, last: first + (1n << BigInt(bits - prefix)) - 1n }));
    return cidr;
}

/**
 * The address interval a block covers.
 * @internal
 */
export function cidrRange(cidr: Cidr): AddressRange {
    const known = RANGES.get(cidr);
    if (known) {
        return known;
    }
    // A block built by hand rather than by parseCidr.
    const bits = BigInt(FAMILY_BITS[cidr.family]);
    const first = toBigInt(ipaddr.parse(cidr.network));
    const size = 1n << (bits - BigInt(cidr.prefix));
    return { family: cidr.family, first, last: first + size - 1n };
}

/** True when every address of `inner` lies in `outer` (blocks of different families never contain each other). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    if (outer.family !== inner.family || outer.prefix > inner.prefix) {
        return false;
    }
    const a = cidrRange(outer);
    const b = cidrRange(inner);
    return a.first <= b.first && b.last <= a.last;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    if (a.family !== b.family) {
        return false;
    }
    const x = cidrRange(a);
    const y = cidrRange(b);
    return x.first <= y.last && y.first <= x.last;
}

const privateBlocks = PRIVATE_BLOCKS.map((text) => parseCidr(text) as Cidr);

/** True when the whole block is private address space (RFC 1918, or IPv6 unique local). */
export function isPrivateCidr(cidr: Cidr): boolean {
    return privateBlocks.some((block) => cidrContains(block, cidr));
}

/** `0.0.0.0/0` or `::/0`. */
export function isAnyAddress(cidr: Cidr): boolean {
    return cidr.prefix === 0;
}

export interface BroadnessLimits {
    /** Blocks with fewer prefix bits than this are broad. Defaults to {@link MIN_IPV4_PREFIX}. */
    readonly minIpv4Prefix?: number;
    /** Defaults to {@link MIN_IPV6_PREFIX}. */
    readonly minIpv6Prefix?: number;
}

/**
 * The smallest prefix length still considered narrow for the block's family.
 * @internal
 */
export function minimumPrefix(family: IpFamily, limits: BroadnessLimits = {}): number {
    return family === "ipv4"
        ? (limits.minIpv4Prefix ?? MIN_IPV4_PREFIX)
        : (limits.minIpv6Prefix ?? MIN_IPV6_PREFIX);
}

/** True when the block is broader than the limit for its family (e.g. `10.0.0.0/8` against /16). */
export function isBroadCidr(cidr: Cidr, limits: BroadnessLimits = {}): boolean {
    return cidr.prefix < minimumPrefix(cidr.family, limits);
}

/**
 * True when the block stands for "the open Internet": any-address, or a public block broader than the
 * limit. A single office address is not the open Internet; neither is a private block.
 * @internal
 */
export function isOpenInternet(cidr: Cidr, limits: BroadnessLimits = {}): boolean {
    return isAnyAddress(cidr) || (!isPrivateCidr(cidr) && isBroadCidr(cidr, limits));
}

/** Validates a CIDR text; with `family`, the block must be of that family. */
export function cidrProblems(text: unknown, field: string, family?: IpFamily): Problem[] {
    const cidr = parseCidr(text);
    if (!cidr) {
        const example = family === "ipv6" ? `"2001:db8::/32"` : `"192.168.1.0/24"`;
        return [
            problem(
                field,
                text,
                `must be ${family === "ipv6" ? "an IPv6" : "a"} CIDR block such as ${example}`,
            ),
        ];
    }
    if (family && cidr.family !== family) {
        return [problem(field, text, `must be an ${family === "ipv4" ? "IPv4" : "IPv6"} CIDR block`)];
    }
    return [];
}

/**
 * An address interval as people write it: the CIDR block when it is exactly one (`10.0.0.0/16`, `0.0.0.0/0`,
 * `203.0.113.7/32`), else its first and last addresses (`10.0.0.0-10.0.2.255`).
 * @internal
 */
export function formatAddressRange(range: AddressRange): string {
    const bits = FAMILY_BITS[range.family];
    const size = range.last - range.first + 1n;
    const hostBits = size > 0n && (size & (size - 1n)) === 0n ? size.toString(2).length - 1 : -1;
    if (hostBits >= 0 && range.first % size === 0n) {
        return `${fromBigInt(range.family, range.first)}/${bits - hostBits}`;
    }
    return `${fromBigInt(range.family, range.first)}-${fromBigInt(range.family, range.last)}`;
}
