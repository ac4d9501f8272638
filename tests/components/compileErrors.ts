/**
 * Exclusive choices TypeScript refuses at compile time: `npm run typecheck` fails when a line marked
 * `@ts-expect-error` compiles. Nothing here runs; tests/components/badInput.test.ts checks that the same mistakes,
 * passed from plain JavaScript or another language, fail at construction.
 */
import { SecureGroup, ServiceGroupFromSource, ThreeTierGroups, WebTierGroup } from "../../components";

const tags = { owner: "team" };

export const _refusedAtCompileTime = (bastion: WebTierGroup): unknown[] => [
    new SecureGroup("rules", {
        vpcId: "vpc-1",
        tags,
        ingress: {
            fine: { preset: "https", source: bastion },
            ranged: { protocol: "tcp", ports: ["8000/8100", 9000], cidr: "10.1.0.0/16" },
            ping: { protocol: "icmp", cidr: "10.1.0.0/16" },
            // @ts-expect-error a rule admits a preset or a protocol, not both
            both: { preset: "https", protocol: "tcp", ports: 443, source: bastion },
            // @ts-expect-error a rule admits a preset or a protocol
            neither: { ports: 443, source: bastion },
            // @ts-expect-error a rule names exactly one peer
            twoPeers: { preset: "https", cidr: "10.1.0.0/16", source: bastion },
            // @ts-expect-error a rule names exactly one peer
            noPeer: { preset: "https" },
            // @ts-expect-error icmp has no ports
            icmpPorts: { protocol: "icmp", ports: 8, cidr: "10.1.0.0/16" },
            // @ts-expect-error tcp needs ports
            tcpNoPorts: { protocol: "tcp", cidr: "10.1.0.0/16" },
            // @ts-expect-error a misspelt preset
            typo: { preset: "mysq", source: bastion },
        },
    }),
    // @ts-expect-error securityGroupType is "normal" or "enterprise"
    new SecureGroup("type", { vpcId: "vpc-1", tags, securityGroupType: "Enterprise" }),
    // @ts-expect-error a misspelt service
    new ServiceGroupFromSource("db", { vpcId: "vpc-1", tags, service: "mysq", sources: [bastion] }),
    new ThreeTierGroups("tiers", {
        vpcId: "vpc-1",
        tags,
        // @ts-expect-error a tier serves presets by name
        data: { serves: { mysq: ["app"] } },
    }),
    // @ts-expect-error the tiers are web, app and data
    new ThreeTierGroups("admins", { vpcId: "vpc-1", tags, admin: { from: [bastion], tiers: ["db"] } }),
];
