"""Running a site with no internet: bundles that install and upgrade it from removable media,
back-ups and restores of its data, and rolling back an upgrade."""
