// Telling a barcode scanner from a person: a keyboard-wedge scanner types a burst of characters
// a few milliseconds apart and ends with Enter. Wherever focus is, such a burst is taken as one
// scan: its keys never reach shortcuts or buttons, and whatever field had focus gets back the
// text it had before the burst started.

/** Keys closer than this are a machine typing (people manage ~80 ms at best). */
export const SCAN_GAP_MS = 35;
/** Shortest code taken as a scan (EAN-8 is 8; in-store SKUs can be short). */
export const SCAN_MIN_LENGTH = 4;

export interface ScanDetector {
  /** Feed every keydown; returns the code when this key (Enter) ends a scan. */
  key(e: Pick<KeyboardEvent, "key" | "timeStamp" | "ctrlKey" | "altKey" | "metaKey">): string | null;
  /** True while a burst is under way: the current key belongs to the scanner. */
  readonly inBurst: boolean;
}

export function scanDetector(): ScanDetector {
  let buffer = "";
  let last = -Infinity;
  let fast = true;
  return {
    key(e) {
      const gap = e.timeStamp - last;
      last = e.timeStamp;
      if (e.key === "Enter") {
        const code = buffer;
        const wasFast = fast && gap < SCAN_GAP_MS;
        buffer = "";
        fast = true;
        return wasFast && code.length >= SCAN_MIN_LENGTH ? code : null;
      }
      if (e.key.length !== 1 || e.ctrlKey || e.altKey || e.metaKey) {
        buffer = "";
        return null;
      }
      if (gap >= SCAN_GAP_MS) {
        buffer = e.key; // a pause: this may be the first key of a new burst
        fast = true;
      } else {
        buffer += e.key;
      }
      return null;
    },
    get inBurst() {
      return buffer.length > 1;
    },
  };
}

/**
 * Listens on the whole window (capture phase, before any field or shortcut) and calls `onScan`
 * for each scan. `skip` says whether the focused element handles scans itself (the scan box).
 */
export function listenForScans(onScan: (code: string) => void, skip: (target: EventTarget | null) => boolean): () => void {
  const detector = scanDetector();
  let before: { field: HTMLInputElement | HTMLTextAreaElement; value: string } | null = null;
  let lastKey = -Infinity;
  const handler = (e: KeyboardEvent) => {
    if (skip(e.target)) return;
    const field = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement ? e.target : null;
    // After a pause a burst may be starting: remember the field's text from before its first key.
    if (e.timeStamp - lastKey >= SCAN_GAP_MS) before = field ? { field, value: field.value } : null;
    lastKey = e.timeStamp;
    const code = detector.key(e);
    if (code !== null) {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (before) before.field.value = before.value;
      before = null;
      onScan(code);
    } else if (detector.inBurst) {
      // Scanner keys never trigger shortcuts.
      e.stopImmediatePropagation();
    }
  };
  window.addEventListener("keydown", handler, true);
  return () => window.removeEventListener("keydown", handler, true);
}
