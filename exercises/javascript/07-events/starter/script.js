// When #add is clicked: add 1 to the count and show it in #count.
// When #reset is clicked: set the count back to 0 and show it.

