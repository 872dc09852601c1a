/**
 * Presenting: the presenter mode (fullscreen, chrome hidden, large narration), its blank screen, speaker
 * notes and high-contrast colours, and the guided tour being played (which tour, which stop). The store only
 * says what is wanted; the view goes fullscreen and opens each stop's scenario (view/present).
 */
import type { StateCreator } from 'zustand/vanilla';
import { playableStops, tourById } from '../scenarios/tours';
import type { NetvizState } from './createNetvizStore';

export interface TourPosition {
  readonly id: string;
  /** Index into the tour's playable stops (0 = the first). */
  readonly stop: number;
}

export interface PresentSlice {
  readonly presenting: boolean;
  /** The screen is black (presenter mode's B, as in slide software). */
  readonly blanked: boolean;
  readonly notesShown: boolean;
  readonly highContrast: boolean;
  readonly tour: TourPosition | null;
  setPresenting(on: boolean): void;
  setBlanked(on: boolean): void;
  toggleNotes(): void;
  toggleHighContrast(): void;
  /** Starts a tour at a stop (clamped to its stops); an unknown tour or one with no stop does nothing. */
  startTour(id: string, stop?: number): void;
  /** Goes to another stop of the tour being played (clamped). */
  goToStop(stop: number): void;
  endTour(): void;
}

/** How many stops the tour being played has (0 with no tour). */
export function tourLength(s: Pick<NetvizState, 'tour'>): number {
  const tour = s.tour ? tourById(s.tour.id) : undefined;
  return tour ? playableStops(tour).length : 0;
}

export const createPresentSlice: StateCreator<NetvizState, [], [], PresentSlice> = (set, get) => ({
  presenting: false,
  blanked: false,
  notesShown: false,
  highContrast: false,
  tour: null,
  setPresenting: (on) => set(on ? { presenting: true } : { presenting: false, blanked: false }),
  setBlanked: (on) => set({ blanked: on && get().presenting }),
  toggleNotes: () => set({ notesShown: !get().notesShown }),
  toggleHighContrast: () => set({ highContrast: !get().highContrast }),
  startTour: (id, stop = 0) => {
    const tour = tourById(id);
    const count = tour ? playableStops(tour).length : 0;
    if (count === 0) return;
    set({ tour: { id, stop: Math.max(0, Math.min(count - 1, Math.round(stop))) } });
  },
  goToStop: (stop) => {
    const tour = get().tour;
    const count = tourLength(get());
    if (!tour || count === 0) return;
    const next = Math.max(0, Math.min(count - 1, Math.round(stop)));
    if (next !== tour.stop) set({ tour: { id: tour.id, stop: next } });
  },
  endTour: () => set({ tour: null }),
});
