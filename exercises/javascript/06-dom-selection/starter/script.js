// This code runs when the page loads.
// 1. Change the text of the heading #greeting to: Hello from JavaScript!
// 2. Put the number of items of the list #shopping in #count.
// 3. Add the class highlight to the paragraph #news.

