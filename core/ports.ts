import { isPortNumber, PORT_MAX, PORT_MIN } from "./limits";
import { problem, Problem } from "./problems";

/**
 * IP protocols a security group rule accepts (`ipProtocol`). An object rather than a list so that the component
 * package's schema can name the choices (the SDK's analyzer reads enums from objects like this one).
 */
export const Protocol = {
    tcp: "tcp",
    udp: "udp",
    icmp: "icmp",
    icmpv6: "icmpv6",
    gre: "gre",
    all: "all",
} as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];
export const PROTOCOLS: readonly Protocol[] = Object.values(Protocol);

/** Protocols whose rules carry a real port range; every other protocol takes only `-1/-1`. */
const PORTED_PROTOCOLS: readonly Protocol[] = ["tcp", "udp"];

/** An inclusive port interval. `{ from: -1, to: -1 }` is Alibaba's "no ports" for icmp, icmpv6, gre and all. */
export interface PortRange {
    readonly from: number;
    readonly to: number;
}

/** The only range icmp, icmpv6, gre and all accept. */
export const NO_PORTS: PortRange = Object.freeze({ from: -1, to: -1 });

/** Every tcp/udp port. */
export const EVERY_PORT: PortRange = Object.freeze({ from: PORT_MIN, to: PORT_MAX });

const RANGE_SYNTAX = /^(-?\d{1,6})\/(-?\d{1,6})$/;

export function isProtocol(value: unknown): value is Protocol {
    return typeof value === "string" && (PROTOCOLS as readonly string[]).includes(value);
}

/**
 * Reads a protocol the way the API does: case-insensitively. Returns undefined for anything else.
 * @internal
 */
export function parseProtocol(value: unknown): Protocol | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    const lower = value.trim().toLowerCase();
    return isProtocol(lower) ? lower : undefined;
}

export function hasPorts(protocol: Protocol): boolean {
    return PORTED_PROTOCOLS.includes(protocol);
}

/** Parses Alibaba's `start/end` syntax. Returns undefined when the text is not of that shape. */
export function parsePortRange(text: unknown): PortRange | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const match = RANGE_SYNTAX.exec(text.trim());
    if (!match) {
        return undefined;
    }
    return { from: Number(match[1]), to: Number(match[2]) };
}

export function formatPortRange(range: PortRange): string {
    return `${range.from}/${range.to}`;
}

/**
 * `tcp 22`, `tcp 8000-8080`, `all protocols`, `icmp`: how messages spell what a rule matches.
 * @internal
 */
export function describeTraffic(protocol: Protocol, ports: PortRange): string {
    if (protocol === "all") {
        return "all protocols";
    }
    if (!hasPorts(protocol)) {
        return protocol;
    }
    return ports.from === ports.to ? `${protocol} ${ports.from}` : `${protocol} ${ports.from}-${ports.to}`;
}

/** The range for one port or an inclusive `[from, to]` pair. */
export function portRange(ports: number | readonly [number, number]): PortRange {
    return typeof ports === "number" ? { from: ports, to: ports } : { from: ports[0], to: ports[1] };
}

/**
 * Why a range is not acceptable for a protocol, or undefined when the API would accept it.
 * @internal
 */
export function portRangeError(protocol: Protocol, range: PortRange): string | undefined {
    if (!hasPorts(protocol)) {
        return range.from === -1 && range.to === -1 ? undefined : `must be "-1/-1" for protocol ${protocol}`;
    }
    if (!isPortNumber(range.from) || !isPortNumber(range.to)) {
        return `must lie within ${PORT_MIN}-${PORT_MAX} for protocol ${protocol}`;
    }
    if (range.from > range.to) {
        return `must have start <= end`;
    }
    return undefined;
}

/** Validates a `start/end` text for a protocol; the problems name `field` and the text as given. */
export function portRangeProblems(protocol: Protocol, text: unknown, field: string): Problem[] {
    const range = parsePortRange(text);
    if (!range) {
        return [problem(field, text, `must be a port range "start/end" such as "22/22"`)];
    }
    const error = portRangeError(protocol, range);
    return error ? [problem(field, text, error)] : [];
}

/** True when a rule of this protocol and range matches every port: `-1/-1` on all, or `1/65535` on tcp/udp. */
export function isAllPorts(protocol: Protocol, range: PortRange): boolean {
    if (hasPorts(protocol)) {
        return range.from <= PORT_MIN && range.to >= PORT_MAX;
    }
    return true;
}

/**
 * Sorts and merges overlapping or adjacent intervals.
 * @internal
 */
export function mergePortRanges(ranges: readonly PortRange[]): PortRange[] {
    const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
    const merged: PortRange[] = [];
    for (const range of sorted) {
        const last = merged[merged.length - 1];
        if (last && range.from <= last.to + 1) {
            merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, range.to) };
        } else {
            merged.push({ from: range.from, to: range.to });
        }
    }
    return merged;
}

/** @internal */
export function rangesOverlap(a: PortRange, b: PortRange): boolean {
    return a.from <= b.to && b.from <= a.to;
}

/** @internal */
export function rangeContainsPort(range: PortRange, port: number): boolean {
    return range.from <= port && port <= range.to;
}

/**
 * The ports of `ranges` that no range of `removed` holds, merged and ascending.
 * @internal
 */
export function subtractPortRanges(ranges: readonly PortRange[], removed: readonly PortRange[]): PortRange[] {
    const cut = mergePortRanges(removed);
    const left: PortRange[] = [];
    for (const range of mergePortRanges(ranges)) {
        let from = range.from;
        for (const hole of cut) {
            if (hole.to < from || hole.from > range.to) {
                continue;
            }
            if (hole.from > from) {
                left.push({ from, to: hole.from - 1 });
            }
            from = hole.to + 1;
        }
        if (from <= range.to) {
            left.push({ from, to: range.to });
        }
    }
    return left;
}
