// What the classes named with --track found, in words, for the CLI's stderr: a name still
// waiting for its class, a name matching several classes, a class that cannot be hooked.
import type { ClassTrackingStatus } from '../core/types';

export function classTrackingNotes(status: ClassTrackingStatus | undefined): string[] {
  if (!status) return [];
  const notes: string[] = [];
  for (const name of status.waiting) notes.push(`${name}: no class of that name yet; waiting for the module that defines it to be imported`);
  for (const [name, found] of Object.entries(status.ambiguous)) {
    notes.push(`${name} matches ${found.length} classes: ${found.join(', ')}; tracking ${found[0]} (name one as package.module.Class)`);
  }
  for (const message of Object.values(status.problems)) notes.push(message);
  for (const name of status.countOnly) notes.push(`${name}: instances have no __weakref__ (__slots__): counted only, no oldest, ages or creation sites`);
  return notes;
}
