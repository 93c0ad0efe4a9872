// Scorecard on a phone: after a sub-item is rated, open the next unrated criterion.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("scorecard");
  if (!form) return;
  form.addEventListener("change", (event) => {
    if (!event.target.matches("input[type=radio]")) return;
    const section = event.target.closest("details.section");
    if (!section) return;
    const unrated = [...section.querySelectorAll("fieldset.subitem")].filter(
      (fs) => !fs.querySelector("input[type=radio]:checked"),
    );
    if (unrated.length === 0) {
      let next = section.nextElementSibling;
      while (next && !next.matches("details.section")) next = next.nextElementSibling;
      if (next) {
        section.open = false;
        next.open = true;
        next.scrollIntoView({ behavior: "smooth", block: "start" });
      }
    }
  });
});
