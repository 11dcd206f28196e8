const greeting = document.querySelector("#greeting");
greeting.textContent = "Hello from JavaScript!";

const items = document.querySelectorAll("#shopping li");
document.querySelector("#count").textContent = items.length;

document.querySelector("#news").classList.add("highlight");
