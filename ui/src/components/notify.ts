// Saying that something worked: one call, so every save confirms in the same place and words.
import { toast } from "svelte-sonner";

export function notifySaved(what: string) {
  toast.success(what);
}
