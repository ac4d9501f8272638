import type { RecordedResource } from "./types";

/**
 * The resources a running program has registered so far, in registration order. The program host reports each
 * one as its registration arrives, so the packs can analyze it at once, as the engine does at step generation,
 * while the program keeps running.
 */
export class RegisteredResources {
    private readonly items: RecordedResource[] = [];
    private readonly byUrn = new Map<string, RecordedResource>();
    private waiting: (() => void)[] = [];
    private ended = false;

    /** Adds a resource; a URN already reported, or one after the end, is ignored. */
    push(resource: RecordedResource): void {
        if (this.ended || this.byUrn.has(resource.urn)) {
            return;
        }
        this.byUrn.set(resource.urn, resource);
        this.items.push(resource);
        this.wake();
    }

    /** No resource follows: the program finished (or failed). */
    end(): void {
        this.ended = true;
        this.wake();
    }

    /** Every resource registered so far, by URN (a resource's provider is registered before it). */
    known(): ReadonlyMap<string, RecordedResource> {
        return this.byUrn;
    }

    /** The resource at `index` once it is registered; `undefined` when the program ended with fewer. */
    async at(index: number): Promise<RecordedResource | undefined> {
        while (index >= this.items.length && !this.ended) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        }
        return this.items[index];
    }

    private wake(): void {
        const waiting = this.waiting;
        this.waiting = [];
        for (const resolve of waiting) {
            resolve();
        }
    }
}
