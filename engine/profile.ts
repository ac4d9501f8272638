import * as fs from "fs";

/**
 * Opt-in phase timings for the benchmark: when `ALICLOUD_SG_PROFILE` names a file, `preview` writes the wall
 * time of each phase there as JSON. Off by default, and then nothing but `Date.now()` calls are added.
 */
export const PROFILE_ENV = "ALICLOUD_SG_PROFILE";

const phases: Record<string, number> = {};

/** Adds the wall time of `work` to the phase `name` (phases may be entered several times). */
export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
        return await work();
    } finally {
        phases[name] = (phases[name] ?? 0) + (performance.now() - started);
    }
}

/** Adds the wall time since `since` (a `performance.now()` reading) to the phase `name`; returns now. */
export function lap(name: string, since: number): number {
    const now = performance.now();
    phases[name] = (phases[name] ?? 0) + (now - since);
    return now;
}

/** Writes the phases measured so far, when profiling was asked for. */
export function writeProfile(): void {
    const file = process.env[PROFILE_ENV];
    if (file) {
        fs.writeFileSync(file, JSON.stringify({ phasesMs: phases }, null, 2) + "\n");
    }
}
