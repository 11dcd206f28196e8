const form = document.getElementById("add-form");
const list = document.getElementById("list");

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const box = form.querySelector("#item");
  const text = box.value.trim();
  if (text.length > 0) {
    const item = document.createElement("li");
    item.append(document.createTextNode(text));
    list.appendChild(item);
  }
  form.reset();
});
