/* A select marked data-submit-on-change submits its form when it changes (a script file,
   not an inline handler: the pages' Content-Security-Policy runs no inline code). */
document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
