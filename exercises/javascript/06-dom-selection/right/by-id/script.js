document.getElementById("greeting").innerText = "Hello from JavaScript!";

const shopping = document.getElementById("shopping");
document.getElementById("count").innerText = String(shopping.getElementsByTagName("li").length);

const news = document.getElementById("news");
news.className = news.className + " highlight";
