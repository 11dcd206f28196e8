document.querySelector("#add-form").addEventListener("submit", function (event) {
  event.preventDefault();
  const input = document.querySelector("#item");
  const text = input.value.trim();
  if (text !== "") {
    document.querySelector("#list").innerHTML += "<li>" + text + "</li>";
  }
  input.value = "";
});
