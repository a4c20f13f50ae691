"""Read values from a live kernel and call the student's functions there, safely."""
