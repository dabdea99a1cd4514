// Shows the note sections of the chosen format. Without JavaScript the server shows
// the saved format's sections, and refuses a save that would drop typed text.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("note_format");
  if (!select) return;
  const sets = document.querySelectorAll("fieldset[data-note-format]");
  const hasText = (set) =>
    Array.from(set.querySelectorAll("textarea")).some((area) => area.value.trim() !== "");
  const show = () => {
    sets.forEach((set) => {
      set.hidden = set.dataset.noteFormat !== select.value && !hasText(set);
    });
  };
  select.addEventListener("change", show);
});
