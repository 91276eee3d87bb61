/** Whether the "Keyboard shortcuts" sheet is open: `?` and the rail's button open it. */
export const shortcutSheet = $state({ open: false });
