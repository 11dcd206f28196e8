const button = document.getElementById("greet");
button.onclick = function () {
  document.getElementById("message").innerText = "Hello!";
};
