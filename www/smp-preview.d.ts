// Type declarations for <smp-preview> (www/smp-preview.js). Importing the module defines the
// element; these types describe its public API (see the project README, "Embedding").

/** Everything the visitor chose, as one JSON value (validated by the wasm core). */
export interface SmpSettings {
  version: 1;
  seed: number;
  /** Impressions per cm². */
  density: number;
  /** Impression diameter in µm. */
  impressionSize: number;
  /** Pigment darkness in %. */
  shade: number;
  /** Width of the edge fade in mm. */
  softness: number;
  pigment: 'auto' | 'black' | 'darkBrown' | 'brown' | 'lightBrown' | 'greyBlend';
  session: number;
  monthsSinceSession: number;
  grouping: boolean;
  scale: { eyes: [[number, number], [number, number]] | null; pupilDistance: number; headWidth: number };
  treatment: SmpTreatment;
  area: {
    base: 'auto' | 'empty';
    hairline: { style: SmpHairlineStyle; points: [number, number][] } | null;
    shapes: SmpShape[];
    strokes: { tool: 'paint' | 'erase'; radius: number; points: [number, number][] }[];
  };
}

export type SmpTreatment = 'fullHead' | 'hairline' | 'crown' | 'densityFill' | 'scars' | 'alopecia';
export type SmpHairlineStyle = 'natural' | 'defined' | 'receded' | 'straight';
export type SmpShape =
  | { kind: 'strip'; points: [number, number][]; width: number }
  | { kind: 'dot'; center: [number, number]; diameter: number }
  | { kind: 'patch'; center: [number, number]; radii: [number, number]; angle: number };

export type SmpSource = 'sample' | 'file' | 'url' | 'blob';
export type SmpExportKind = 'after' | 'side-by-side' | 'split';

export interface SmpExportOptions {
  kind?: SmpExportKind;
  type?: 'image/png' | 'image/jpeg';
  /** JPEG quality, 0–1 (default 0.92). */
  quality?: number;
  /** Stamp the `logo` attribute's image (default true). */
  logo?: boolean;
  /** Stamp the disclaimer (default true). */
  disclaimer?: boolean;
}

/** `smp-analytics` details: never image data, file names or positions on the photo. */
export type SmpAnalyticsDetail =
  | { action: 'photo-loaded'; width: number; height: number; source: SmpSource }
  | {
      action: 'settings-changed';
      treatment: SmpTreatment;
      density: number;
      impressionSize: number;
      shade: number;
      softness: number;
      pigment: SmpSettings['pigment'];
      session: number;
      monthsSinceSession: number;
      grouping: boolean;
      hairlineStyle: SmpHairlineStyle | null;
      shapes: number;
      strokes: number;
    }
  | { action: 'exported'; kind: SmpExportKind; format: 'png' | 'jpeg'; width: number; height: number; via: 'download' | 'share' }
  | { action: 'cta-clicked'; href: string }
  | { action: 'link-shared'; via: 'share' | 'copy' | 'shown' };

export interface SmpDescription {
  pxPerMm: number;
  scaleFrom: 'eyes' | 'headWidth';
  eyesGuess: [[number, number], [number, number]] | null;
  suggestedPigment: string;
  pigment: string;
  advice: string | null;
  hairlineGuesses: Record<SmpHairlineStyle, { points: [number, number][]; softness: number }>;
  hairlineAdvice: string | null;
  crownGuess: { center: [number, number]; radii: [number, number] } | null;
}

export class SmpPreview extends HTMLElement {
  /** A deep copy; setting validates (an invalid value fires `smp-error` and keeps the old one). */
  settings: SmpSettings | null;
  /** The before/after split, 0–100. */
  divider: number;
  /** The compare view: a divider across ('x'), up and down ('y'), or side by side. */
  compareMode: 'x' | 'y' | 'side';
  /** The picture's pinch zoom (1 = fit). */
  readonly zoom: number;
  readonly width: number;
  readonly height: number;
  readonly pxPerMm: number;
  readonly description: SmpDescription | null;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly renderCount: number;
  /** A link that opens this page with these settings (never the photo). */
  readonly shareUrl: string | null;
  load(source: File | Blob | string | URL): Promise<{ width: number; height: number; source: SmpSource }>;
  toBlob(type?: string, quality?: number): Promise<Blob>;
  exportImage(options?: SmpExportOptions): Promise<Blob>;
  undo(): boolean;
  redo(): boolean;
}

export interface SmpPreviewEventMap {
  'smp-ready': CustomEvent<{ width: number; height: number; source: SmpSource }>;
  'smp-change': CustomEvent<{ settings: SmpSettings }>;
  'smp-error': CustomEvent<{ message: string }>;
  'smp-analytics': CustomEvent<SmpAnalyticsDetail>;
}

declare global {
  interface HTMLElementTagNameMap {
    'smp-preview': SmpPreview;
  }
  interface HTMLElementEventMap extends SmpPreviewEventMap {}
}

/** Every string the element shows or speaks, per language (`en`, `es`). */
export declare const STRINGS: Record<string, Record<string, unknown>>;
