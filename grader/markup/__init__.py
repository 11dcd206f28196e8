"""Reading learner HTML the way a browser does, and the assertions of html checks on it."""
