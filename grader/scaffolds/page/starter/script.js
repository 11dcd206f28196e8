// When the button is clicked, write Hello! in the message paragraph.
