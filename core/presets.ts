import { Protocol } from "./ports";

/** One protocol and its ports within a service preset. A port is a number or an inclusive `[from, to]`. */
export interface PresetEntry {
    readonly protocol: Protocol;
    /** Ports for tcp/udp; empty for protocols without ports (icmp, gre, all). */
    readonly ports: readonly (number | readonly [number, number])[];
}

export interface ServicePreset {
    /** A short human name used in rule descriptions ("Allow Redis from sg-web"). */
    readonly description: string;
    readonly entries: readonly PresetEntry[];
    /**
     * True for services that must never face the open Internet (remote administration, databases, caches,
     * search engines, cluster coordination). The policy pack's default `riskyPorts` is derived from these.
     */
    readonly risky: boolean;
}

const tcp = (...ports: (number | readonly [number, number])[]): PresetEntry => ({ protocol: "tcp", ports });
const udp = (...ports: (number | readonly [number, number])[]): PresetEntry => ({ protocol: "udp", ports });

/**
 * The catalog of named services every component builds from. Keyed by name so that a misspelt preset is a
 * compile error (`PresetName`).
 */
export const PRESETS = {
    http: { description: "HTTP", entries: [tcp(80)], risky: false },
    https: { description: "HTTPS", entries: [tcp(443)], risky: false },
    ssh: { description: "SSH", entries: [tcp(22)], risky: true },
    telnet: { description: "Telnet", entries: [tcp(23)], risky: true },
    rdp: { description: "RDP", entries: [tcp(3389), udp(3389)], risky: true },
    winrm: { description: "WinRM", entries: [tcp([5985, 5986])], risky: true },
    smb: { description: "SMB", entries: [tcp(445)], risky: true },
    redis: { description: "Redis", entries: [tcp(6379)], risky: true },
    memcached: { description: "Memcached", entries: [tcp(11211), udp(11211)], risky: true },
    mysql: { description: "MySQL", entries: [tcp(3306)], risky: true },
    postgresql: { description: "PostgreSQL", entries: [tcp(5432)], risky: true },
    sqlserver: { description: "SQL Server", entries: [tcp(1433)], risky: true },
    oracle: { description: "Oracle Database", entries: [tcp(1521)], risky: true },
    mongodb: { description: "MongoDB", entries: [tcp([27017, 27019])], risky: true },
    elasticsearch: { description: "Elasticsearch", entries: [tcp(9200, 9300)], risky: true },
    kafka: { description: "Kafka", entries: [tcp(9092)], risky: true },
    zookeeper: { description: "ZooKeeper", entries: [tcp(2181, 2888, 3888)], risky: true },
    rabbitmq: { description: "RabbitMQ", entries: [tcp(5672)], risky: true },
    etcd: { description: "etcd", entries: [tcp([2379, 2380])], risky: true },
    docker: { description: "Docker daemon", entries: [tcp([2375, 2376])], risky: true },
    dns: { description: "DNS", entries: [udp(53), tcp(53)], risky: false },
    ntp: { description: "NTP", entries: [udp(123)], risky: false },
    icmp: { description: "ICMP (ping)", entries: [{ protocol: "icmp", ports: [] }], risky: false },
} as const satisfies Record<string, ServicePreset>;

/**
 * The preset names, spelt out as an object so that the component package's schema can offer them as an enum
 * (the SDK's analyzer reads enum members from an object literal of strings, not from `keyof typeof PRESETS`).
 */
export const PresetName = {
    http: "http",
    https: "https",
    ssh: "ssh",
    telnet: "telnet",
    rdp: "rdp",
    winrm: "winrm",
    smb: "smb",
    redis: "redis",
    memcached: "memcached",
    mysql: "mysql",
    postgresql: "postgresql",
    sqlserver: "sqlserver",
    oracle: "oracle",
    mongodb: "mongodb",
    elasticsearch: "elasticsearch",
    kafka: "kafka",
    zookeeper: "zookeeper",
    rabbitmq: "rabbitmq",
    etcd: "etcd",
    docker: "docker",
    dns: "dns",
    ntp: "ntp",
    icmp: "icmp",
} as const;
export type PresetName = (typeof PresetName)[keyof typeof PresetName];

/** Compiles only while `PresetName` lists exactly the keys of `PRESETS`. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : never;
const presetNamesMatchPresets: SameKeys<typeof PresetName, typeof PRESETS> = true;
void presetNamesMatchPresets;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(value: unknown): value is PresetName {
    return typeof value === "string" && Object.prototype.hasOwnProperty.call(PRESETS, value);
}

/**
 * Every tcp/udp port of the risky presets, ascending: the policy pack's default `riskyPorts`.
 * @internal
 */
export function riskyPresetPorts(): number[] {
    const ports = new Set<number>();
    for (const preset of Object.values(PRESETS) as ServicePreset[]) {
        if (!preset.risky) {
            continue;
        }
        for (const entry of preset.entries) {
            for (const port of entry.ports) {
                if (typeof port === "number") {
                    ports.add(port);
                } else {
                    for (let p = port[0]; p <= port[1]; p++) {
                        ports.add(p);
                    }
                }
            }
        }
    }
    return [...ports].sort((a, b) => a - b);
}
