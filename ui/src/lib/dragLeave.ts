/**
 * Whether a `dragleave` means the drag has left the element that handles it (its
 * `currentTarget`), not merely moved onto one of the element's own children.
 *
 * Browsers that set `relatedTarget` say where the drag went. WebKitGTK, the Linux web view,
 * leaves it null, and fires the element's `dragleave` after its child's `dragenter`: taking
 * that for a leave dropped a drop mark (and what it carried) while the pointer rested on the
 * element. With no `relatedTarget`, where the pointer is tells.
 */
export function dragLeft(e: DragEvent): boolean {
  const element = e.currentTarget as Element | null;
  if (!element) return true;
  const to = e.relatedTarget as Node | null;
  if (to) return !element.contains(to);
  const r = element.getBoundingClientRect();
  return !(
    e.clientX >= r.left &&
    e.clientX < r.right &&
    e.clientY >= r.top &&
    e.clientY < r.bottom
  );
}
