// Hides a follow-up question until its lead question is answered yes (the C-SSRS asks
// items 3-5 only after a yes to item 2). Without JavaScript every question shows with a
// hint, an unanswered follow-up counts as no, and the server refuses a yes to a
// follow-up after a no. A follow-up the server marked, or one answered yes, stays shown.
document.addEventListener("DOMContentLoaded", () => {
  const followUps = document.querySelectorAll("fieldset[data-asked-after]");
  followUps.forEach((set) => {
    const lead = set.dataset.askedAfter;
    const lowest = set.dataset.lowest;
    const leadInputs = document.querySelectorAll(`input[name="${lead}"]`);
    const leadIsYes = () =>
      Array.from(leadInputs).some((input) => input.checked && input.value !== lowest);
    const answeredAboveLowest = () =>
      Array.from(set.querySelectorAll("input")).some(
        (input) => input.checked && input.value !== lowest,
      );
    const update = (userChanged) => {
      if (leadIsYes()) {
        set.hidden = false;
        return;
      }
      if (userChanged) {
        // The lead is now no: the follow-up is not asked and counts as no.
        set.querySelectorAll("input").forEach((input) => {
          input.checked = false;
        });
        set.hidden = true;
        return;
      }
      set.hidden = set.getAttribute("aria-invalid") !== "true" && !answeredAboveLowest();
    };
    leadInputs.forEach((input) => input.addEventListener("change", () => update(true)));
    update(false);
  });
});
