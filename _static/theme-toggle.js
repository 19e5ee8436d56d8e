/* The theme button switches between light and dark on every click.
   pydata-sphinx-theme cycles light -> auto -> dark; with the book's light default on a light
   system, "auto" looks exactly like "light", so the first click showed no change. This
   listener runs first (capture phase on the document) and sets the opposite of the theme
   shown, as the theme's own code does (data-mode, data-theme, dropdown colours, storage). */
document.addEventListener("click", (ev) => {
  const btn = ev.target.closest && ev.target.closest(".theme-switch-button");
  if (!btn) return;
  ev.stopPropagation();
  ev.preventDefault();
  const root = document.documentElement;
  const next = root.dataset.theme === "dark" ? "light" : "dark";
  root.dataset.mode = next;
  root.dataset.theme = next;
  document.querySelectorAll(".dropdown-menu").forEach((m) =>
    m.classList.toggle("dropdown-menu-dark", next === "dark"));
  localStorage.setItem("mode", next);
  localStorage.setItem("theme", next);
}, true);
