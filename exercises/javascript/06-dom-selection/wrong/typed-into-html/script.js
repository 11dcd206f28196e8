// Nothing to do: the page already says it all.
