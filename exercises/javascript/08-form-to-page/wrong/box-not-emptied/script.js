const form = document.querySelector("#add-form");
const input = document.querySelector("#item");
const list = document.querySelector("#list");

form.addEventListener("submit", function (event) {
  event.preventDefault();
  const text = input.value.trim();
  if (text === "") {
    return;
  }
  const item = document.createElement("li");
  item.textContent = text;
  list.append(item);
});
