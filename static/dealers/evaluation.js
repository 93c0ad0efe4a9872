// Scorecard on a phone: saves as you go, and opens the next unrated criterion.
//
// Autosave posts the whole form 400 ms after the last change. At most one save is in
// flight: changes made meanwhile are saved by one more request when it returns (the
// latest state, never two requests at once), and the first save's answer names the
// draft the page continues. Submitting waits for a save in flight and drops a pending
// one, since the submission carries the same fields. Without this file the form is a
// plain form that saves on submit.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("scorecard");
  if (!form) return;
  const status = document.querySelector(form.dataset.autosave);
  const DELAY_MS = 400;
  let timer = null; // a save waiting for the user to pause
  let inFlight = null; // the save under way (a promise)
  let again = false; // the form changed while a save was under way
  let submitting = false;

  const showResult = (html) => {
    status.innerHTML = html;
    const saved = status.querySelector("[data-evaluation-id]");
    if (saved) form.elements.evaluation.value = saved.dataset.evaluationId;
  };

  const showFailure = () => {
    status.textContent = form.dataset.saveFailed;
  };

  const save = () => {
    timer = null;
    if (submitting) return;
    if (inFlight) {
      again = true;
      return;
    }
    const body = new FormData(form);
    form.setAttribute("aria-busy", "true");
    inFlight = fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": body.get("csrfmiddlewaretoken") },
    })
      .then((response) => (response.ok ? response.text().then(showResult) : showFailure()))
      .catch(showFailure)
      .finally(() => {
        inFlight = null;
        form.removeAttribute("aria-busy");
        if (again && timer === null) {
          again = false;
          save();
        }
      });
  };

  form.addEventListener("change", () => {
    if (submitting) return;
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  });

  form.addEventListener("submit", (event) => {
    if (submitting) return; // our own re-submission below
    submitting = true;
    clearTimeout(timer);
    timer = null;
    again = false;
    if (!inFlight) return;
    event.preventDefault();
    const submitter = event.submitter || form.querySelector("button[name=submit]");
    inFlight.finally(() => form.requestSubmit(submitter));
  });

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
