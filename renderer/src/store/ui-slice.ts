import type { SliceCreator } from './types';

export const VIEWS = [
  'incidents',
  'dashboard',
  'sources',
  'channels',
  'whatsapp',
  'logs',
  'settings',
] as const;
export type ViewId = (typeof VIEWS)[number];

export interface UiSlice {
  view: ViewId;
  setView: (view: ViewId) => void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  view: 'incidents',
  setView: (view) => {
    set({ view });
  },
});
