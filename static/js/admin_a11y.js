/* The admin's autocompletes (select2) draw a combobox named after a read-only "textbox"
   that has no name of its own (axe-core: aria-input-field-name). Give that textbox the
   field's name: the select's aria-label (core.admin.AccessibleAdminMixin), else its label.
   Without JavaScript there is no select2 and the plain, labelled select remains. */
"use strict";
{
    const nameOf = (select) => {
        const own = select.getAttribute("aria-label");
        if (own) {
            return own;
        }
        const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
        return label ? label.textContent.trim().replace(/:$/, "") : "";
    };

    const nameAutocompletes = (root) => {
        root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
            const rendered = document.getElementById(`select2-${select.id}-container`);
            const name = nameOf(select);
            if (rendered && name && rendered.getAttribute("aria-label") !== name) {
                rendered.setAttribute("aria-label", name);
            }
        });
    };

    // select2 draws its parts when jQuery is ready (after a tick, sometimes after "load"),
    // again for each new inline row, and redraws them on a change: name them whenever
    // elements are added.
    const start = () => {
        nameAutocompletes(document);
        new MutationObserver(() => nameAutocompletes(document)).observe(document.body, {
            childList: true,
            subtree: true,
        });
    };
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}
