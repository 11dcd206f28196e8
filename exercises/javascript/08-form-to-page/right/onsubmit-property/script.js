function addItem(event) {
  event.preventDefault();
  const input = document.querySelector("#item");
  const text = input.value.trim();
  input.value = "";
  if (!text) return;
  const li = document.createElement("li");
  li.innerText = text;
  document.querySelector("#list").append(li);
}

document.querySelector("#add-form").onsubmit = addItem;
