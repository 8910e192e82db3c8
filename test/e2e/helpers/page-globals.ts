// The browser globals that page.evaluate() callbacks use, typed for the Node typecheck (which has no
// DOM lib). Cast inline: `(globalThis as unknown as PageGlobals).navigator...` (a type-only cast,
// nothing from Node is sent to the page).
export interface TickSample {
  readonly patchMs: number;
  readonly patchAndLayoutMs: number;
  readonly rowUpdates: number;
  readonly countdownUpdates: number;
}

export interface PageGlobals {
  readonly navigator: { readonly clipboard: { readText(): Promise<string> } };
  readonly document: {
    querySelectorAll(selector: string): { readonly length: number };
    getElementById(id: string): { readonly outerHTML: string } | null;
    readonly activeElement: unknown;
    readonly body: { readonly scrollHeight: number };
    readonly documentElement: { readonly scrollWidth: number };
  };
  scrollTo(x: number, y: number): void;
  getComputedStyle(element: unknown): { readonly whiteSpace: string };
  __TOKENRY_PERF__?: boolean;
  readonly __tokenryPerf?: { readonly ticks: readonly TickSample[] };
}
