// Posteingang: files dropped anywhere on the upload form become the form's files and
// are named below the field. Without JavaScript the file field alone does the same.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  const input = document.getElementById("dateien");
  const chosen = document.getElementById("dateien-gewaehlt");
  if (!form || !input || !chosen) return;
  const show = () => {
    const count = input.files.length;
    chosen.textContent = count === 0 ? "" :
      (count === 1 ? "1 Datei gewählt: " : count + " Dateien gewählt: ") +
      Array.from(input.files, (file) => file.name).join(", ");
  };
  input.addEventListener("change", show);
  form.addEventListener("dragover", (event) => {
    event.preventDefault();
    form.classList.add("eakte-drop");
  });
  form.addEventListener("dragleave", () => form.classList.remove("eakte-drop"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("eakte-drop");
    if (event.dataTransfer && event.dataTransfer.files.length > 0) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
});
