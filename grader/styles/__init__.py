"""Reading learner CSS, normalising its values, and the rules of css checks."""
