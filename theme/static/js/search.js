// Starts Pagefind's search UI; Pagefind picks the index of the page's <html lang>.
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("search");
  if (!el || typeof PagefindUI === "undefined") return;
  new PagefindUI({
    element: "#search",
    showImages: false,
    showSubResults: false,
    translations: { placeholder: el.dataset.placeholder }
  });
});
