const form = document.querySelector("#add-form");
const input = document.querySelector("#item");
const list = document.querySelector("#list");

form.addEventListener("submit", function (event) {
  event.preventDefault();
  const item = document.createElement("li");
  item.textContent = input.value.trim();
  list.append(item);
  input.value = "";
});
